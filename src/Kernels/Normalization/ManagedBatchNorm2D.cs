using System.Numerics;
using System.Runtime.InteropServices;
using MLNet.DeepExtensions.Kernels.Backends;
using MLNet.DeepExtensions.Kernels.Reductions;

namespace MLNet.DeepExtensions.Kernels.Normalization;

/// <summary>
/// The managed CPU backend's 2-D batch normalization, forward and backward side by side. A channel's values are
/// <c>batch</c> contiguous planes of <c>spatial</c> = H·W floats, so each plane is walked with SIMD (sums widened to
/// double: a float sum over a large batch of offset data would lose the digits that (x − μ) keeps). Channels are
/// independent, so large tensors are split by channel ranges across the <see cref="WorkerPool"/>; each channel is
/// always computed by one thread in the same order, so results are bit-identical whatever the thread count.
/// One instance per backend, reused: a call allocates nothing.
/// </summary>
internal sealed class ManagedBatchNorm2D : ParallelJob
{
    /// <summary>Below this many elements one thread is faster than waking others.</summary>
    public const int ParallelThreshold = 32_768;

    private enum Pass
    {
        Training,
        Inference,
        Backward,
    }

    private readonly WorkerPool _pool;
    private Pass _pass;
    private ManagedBuffer? _input, _gamma, _beta, _output, _mean, _inverseStd, _runningMean, _runningVariance;
    private ManagedBuffer? _dOutput, _dInput, _dGamma, _dBeta;
    private int _batch, _channels, _spatial;
    private float _momentum, _epsilon;

    /// <summary>Runs on <paramref name="pool"/> (the backend's).</summary>
    public ManagedBatchNorm2D(WorkerPool pool) => _pool = pool;

    /// <summary>See <see cref="ComputeBackend.BatchNorm2DForwardTraining"/> (arguments validated).</summary>
    public void ForwardTraining(ManagedBuffer input, ManagedBuffer gamma, ManagedBuffer beta, ManagedBuffer output, ManagedBuffer mean,
        ManagedBuffer inverseStd, ManagedBuffer runningMean, ManagedBuffer runningVariance, int batch, int channels, int spatial,
        float momentum, float epsilon)
    {
        (_input, _gamma, _beta, _output, _mean, _inverseStd, _runningMean, _runningVariance) =
            (input, gamma, beta, output, mean, inverseStd, runningMean, runningVariance);
        (_momentum, _epsilon) = (momentum, epsilon);
        Run(Pass.Training, batch, channels, spatial);
    }

    /// <summary>See <see cref="ComputeBackend.BatchNorm2DForwardInference"/> (arguments validated).</summary>
    public void ForwardInference(ManagedBuffer input, ManagedBuffer gamma, ManagedBuffer beta, ManagedBuffer runningMean,
        ManagedBuffer runningVariance, ManagedBuffer output, int batch, int channels, int spatial, float epsilon)
    {
        (_input, _gamma, _beta, _runningMean, _runningVariance, _output) = (input, gamma, beta, runningMean, runningVariance, output);
        _epsilon = epsilon;
        Run(Pass.Inference, batch, channels, spatial);
    }

    /// <summary>See <see cref="ComputeBackend.BatchNorm2DBackward"/> (arguments validated).</summary>
    public void Backward(ManagedBuffer input, ManagedBuffer gamma, ManagedBuffer mean, ManagedBuffer inverseStd, ManagedBuffer dOutput,
        ManagedBuffer dInput, ManagedBuffer dGamma, ManagedBuffer dBeta, int batch, int channels, int spatial)
    {
        (_input, _gamma, _mean, _inverseStd, _dOutput, _dInput, _dGamma, _dBeta) = (input, gamma, mean, inverseStd, dOutput, dInput, dGamma, dBeta);
        Run(Pass.Backward, batch, channels, spatial);
    }

    private void Run(Pass pass, int batch, int channels, int spatial)
    {
        (_pass, _batch, _channels, _spatial) = (pass, batch, channels, spatial);
        try
        {
            long length = (long)batch * channels * spatial;
            int parts = length >= ParallelThreshold ? Math.Min(_pool.ThreadCount, channels) : 1;
            if (parts > 1) _pool.Run(this, parts);
            else Execute(0, 1);
        }
        finally
        {
            _input = _gamma = _beta = _output = _mean = _inverseStd = _runningMean = _runningVariance = null;
            _dOutput = _dInput = _dGamma = _dBeta = null;
        }
    }

    /// <inheritdoc/>
    public override void Execute(int index, int count)
    {
        int first = (int)((long)_channels * index / count), end = (int)((long)_channels * (index + 1) / count);
        for (int c = first; c < end; c++)
        {
            switch (_pass)
            {
                case Pass.Training: TrainingChannel(c); break;
                case Pass.Inference: InferenceChannel(c); break;
                default: BackwardChannel(c); break;
            }
        }
    }

    // ------------------------------------------------------------------ one channel each

    private void TrainingChannel(int c)
    {
        int length = _batch * _channels * _spatial, count = _batch * _spatial;
        ReadOnlySpan<float> input = _input!.AsSpan(length);
        Span<float> output = _output!.AsSpan(length);
        double sum = 0;
        for (int n = 0; n < _batch; n++) sum += ManagedReductions.Sum(Plane(input, n, c));
        float mu = (float)(sum / count);
        // Two-pass variance Σ(x − μ)²: no cancellation, unlike E[x²] − μ².
        double squares = 0;
        for (int n = 0; n < _batch; n++) squares += SquaredDeviations(Plane(input, n, c), mu);
        double variance = squares / count;
        float inv = (float)(1.0 / Math.Sqrt(variance + _epsilon));
        float scale = At(_gamma, c) * inv, shift = At(_beta, c);
        for (int n = 0; n < _batch; n++) Normalize(Plane(input, n, c), mu, scale, shift, Plane(output, n, c));
        At(_mean, c) = mu;
        At(_inverseStd, c) = inv;
        // PyTorch: the running variance is fed the unbiased estimate over n = batch·spatial values (biased when n = 1).
        double unbiased = count > 1 ? squares / (count - 1) : variance;
        ref float runningMean = ref At(_runningMean, c);
        ref float runningVariance = ref At(_runningVariance, c);
        runningMean = (float)((1.0 - _momentum) * runningMean + (double)_momentum * mu);
        runningVariance = (float)((1.0 - _momentum) * runningVariance + (double)_momentum * unbiased);
    }

    private void InferenceChannel(int c)
    {
        int length = _batch * _channels * _spatial;
        ReadOnlySpan<float> input = _input!.AsSpan(length);
        Span<float> output = _output!.AsSpan(length);
        float mu = At(_runningMean, c);
        float scale = At(_gamma, c) / MathF.Sqrt(At(_runningVariance, c) + _epsilon), shift = At(_beta, c);
        for (int n = 0; n < _batch; n++) Normalize(Plane(input, n, c), mu, scale, shift, Plane(output, n, c));
    }

    // dx = γ·inv/n·(n·dy − Σdy − x̂·Σdy·x̂) = a·dy + b·(x − μ) + k with a = γ·inv, b = −γ·inv²·Σdy·x̂/n, k = −γ·inv·Σdy/n.
    private void BackwardChannel(int c)
    {
        int length = _batch * _channels * _spatial, count = _batch * _spatial;
        ReadOnlySpan<float> input = _input!.AsSpan(length);
        ReadOnlySpan<float> dOutput = _dOutput!.AsSpan(length);
        Span<float> dInput = _dInput!.AsSpan(length);
        float mu = At(_mean, c), inv = At(_inverseStd, c), gamma = At(_gamma, c);
        double sumDy = 0, sumDyCentered = 0;
        for (int n = 0; n < _batch; n++)
        {
            ReadOnlySpan<float> dy = Plane(dOutput, n, c);
            sumDy += ManagedReductions.Sum(dy);
            sumDyCentered += CenteredDot(dy, Plane(input, n, c), mu);
        }
        double sumDyXhat = sumDyCentered * inv;
        At(_dGamma, c) += (float)sumDyXhat;
        At(_dBeta, c) += (float)sumDy;
        float a = gamma * inv;
        float b = (float)(-(double)gamma * inv * inv * sumDyXhat / count);
        float k = (float)(-(double)gamma * inv * sumDy / count);
        for (int n = 0; n < _batch; n++) CombineGradient(Plane(dOutput, n, c), Plane(input, n, c), mu, a, b, k, Plane(dInput, n, c));
    }

    private static ref float At(ManagedBuffer? buffer, int index) => ref buffer!.Data[buffer.Offset + index];

    private ReadOnlySpan<float> Plane(ReadOnlySpan<float> tensor, int n, int c) => tensor.Slice((n * _channels + c) * _spatial, _spatial);

    private Span<float> Plane(Span<float> tensor, int n, int c) => tensor.Slice((n * _channels + c) * _spatial, _spatial);

    // ------------------------------------------------------------------ SIMD plane kernels (Vector<T>: AVX2 or wider)

    /// <summary>Σ (x[i] − mean)², the difference in float, the squares accumulated in double.</summary>
    private static double SquaredDeviations(ReadOnlySpan<float> x, float mean)
    {
        int i = 0;
        double sum = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<float>.Count)
        {
            ref float xs = ref MemoryMarshal.GetReference(x);
            var mu = new Vector<float>(mean);
            Vector<double> lower = Vector<double>.Zero, upper = Vector<double>.Zero;
            for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector.Widen(Vector.LoadUnsafe(ref xs, (nuint)i) - mu, out Vector<double> lo, out Vector<double> hi);
                lower += lo * lo;
                upper += hi * hi;
            }
            sum = Vector.Sum(lower + upper);
        }
        for (; i < x.Length; i++)
        {
            double d = x[i] - mean;
            sum += d * d;
        }
        return sum;
    }

    /// <summary>Σ y[i]·(x[i] − mean), the difference in float, the products accumulated in double.</summary>
    private static double CenteredDot(ReadOnlySpan<float> y, ReadOnlySpan<float> x, float mean)
    {
        int i = 0;
        double sum = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<float>.Count)
        {
            ref float xs = ref MemoryMarshal.GetReference(x);
            ref float ys = ref MemoryMarshal.GetReference(y);
            var mu = new Vector<float>(mean);
            Vector<double> lower = Vector<double>.Zero, upper = Vector<double>.Zero;
            for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector.Widen(Vector.LoadUnsafe(ref xs, (nuint)i) - mu, out Vector<double> xLo, out Vector<double> xHi);
                Vector.Widen(Vector.LoadUnsafe(ref ys, (nuint)i), out Vector<double> yLo, out Vector<double> yHi);
                lower += xLo * yLo;
                upper += xHi * yHi;
            }
            sum = Vector.Sum(lower + upper);
        }
        for (; i < x.Length; i++) sum += (double)y[i] * (x[i] - mean);
        return sum;
    }

    /// <summary>y[i] = (x[i] − mean)·scale + shift; y may be x (each index is read before it is written).</summary>
    private static void Normalize(ReadOnlySpan<float> x, float mean, float scale, float shift, Span<float> y)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            ref float xs = ref MemoryMarshal.GetReference(x);
            ref float ys = ref MemoryMarshal.GetReference(y);
            Vector<float> mu = new(mean), vs = new(scale), vb = new(shift);
            for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                ((Vector.LoadUnsafe(ref xs, (nuint)i) - mu) * vs + vb).StoreUnsafe(ref ys, (nuint)i);
            }
        }
        for (; i < x.Length; i++) y[i] = (x[i] - mean) * scale + shift;
    }

    /// <summary>dx[i] = a·dy[i] + b·(x[i] − mean) + k; dx may be dy (each index is read before it is written).</summary>
    private static void CombineGradient(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, float mean, float a, float b, float k, Span<float> dx)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            ref float xs = ref MemoryMarshal.GetReference(x);
            ref float ys = ref MemoryMarshal.GetReference(dy);
            ref float ds = ref MemoryMarshal.GetReference(dx);
            Vector<float> mu = new(mean), va = new(a), vb = new(b), vk = new(k);
            for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector<float> centered = Vector.LoadUnsafe(ref xs, (nuint)i) - mu;
                (va * Vector.LoadUnsafe(ref ys, (nuint)i) + vb * centered + vk).StoreUnsafe(ref ds, (nuint)i);
            }
        }
        for (; i < x.Length; i++) dx[i] = a * dy[i] + b * (x[i] - mean) + k;
    }
}
