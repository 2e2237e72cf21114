using ILGPU;
using ILGPU.Runtime;

namespace MLNet.DeepExtensions.Kernels.Normalization;

/// <summary>
/// ILGPU 2-D batch normalization over (batch, channels, spatial) tensors, forward and backward side by side. Training
/// forward and backward run one group per channel: each thread folds the elements t, t + G, t + 2G, … of the channel's
/// n = batch·spatial values in order (consecutive threads read consecutive addresses of a plane), then the group adds
/// its G partials in a fixed shared-memory tree, and the same threads write the channel's outputs. No atomics and a
/// fixed group size G per accelerator, so results are deterministic. Inference is one thread per element.
/// </summary>
internal sealed class IlgpuBatchNorm2DKernels
{
    /// <summary>Largest group (threads per channel); the shared partial arrays are sized for it.</summary>
    public const int MaxGroupSize = 256;

    private readonly int _groupSize;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
        ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, float, float> _training;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
        ArrayView<float>, int, int, float> _inference;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
        ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int> _backward;

    /// <summary>Loads the kernels and picks the group size: the largest power of two ≤ 256 the accelerator allows.</summary>
    public IlgpuBatchNorm2DKernels(Accelerator accelerator)
    {
        int group = MaxGroupSize;
        while (group > 1 && group > accelerator.MaxNumThreadsPerGroup) group /= 2;
        _groupSize = group;
        _training = accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, float, float>(ForwardTraining);
        _inference = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, int, int, float>(ForwardInference);
        _backward = accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int>(Backward);
    }

    // ------------------------------------------------------------------ launchers (arguments already validated)

    public void LaunchForwardTraining(ArrayView<float> input, ArrayView<float> gamma, ArrayView<float> beta, ArrayView<float> output,
        ArrayView<float> mean, ArrayView<float> inverseStd, ArrayView<float> runningMean, ArrayView<float> runningVariance,
        int batch, int channels, int spatial, float momentum, float epsilon)
    {
        if (channels > 0)
        {
            _training(new KernelConfig(channels, _groupSize), input, gamma, beta, output, mean, inverseStd, runningMean, runningVariance,
                batch, channels, spatial, momentum, epsilon);
        }
    }

    public void LaunchForwardInference(ArrayView<float> input, ArrayView<float> gamma, ArrayView<float> beta, ArrayView<float> runningMean,
        ArrayView<float> runningVariance, ArrayView<float> output, int batch, int channels, int spatial, float epsilon)
    {
        int length = batch * channels * spatial;
        if (length > 0) _inference(length, input, gamma, beta, runningMean, runningVariance, output, channels, spatial, epsilon);
    }

    public void LaunchBackward(ArrayView<float> input, ArrayView<float> gamma, ArrayView<float> mean, ArrayView<float> inverseStd,
        ArrayView<float> dOutput, ArrayView<float> dInput, ArrayView<float> dGamma, ArrayView<float> dBeta, int batch, int channels, int spatial)
    {
        if (channels > 0)
        {
            _backward(new KernelConfig(channels, _groupSize), input, gamma, mean, inverseStd, dOutput, dInput, dGamma, dBeta,
                batch, channels, spatial);
        }
    }

    // ------------------------------------------------------------------ kernels

    /// <summary>
    /// Training mode, group = channel c: μ and biased σ² over the channel's n = batch·spatial values (two passes);
    /// output = γ·(x − μ)·inverseStd + β; thread 0 saves μ and inverseStd = 1/√(σ² + ε) and updates the running
    /// statistics (PyTorch): running = (1 − momentum)·running + momentum·batch, the variance fed σ²·n/(n − 1) (σ² when n = 1).
    /// </summary>
    /// <param name="input">Tensor (batch, channels, spatial).</param>
    /// <param name="gamma">Vector (channels).</param>
    /// <param name="beta">Vector (channels).</param>
    /// <param name="output">Tensor (batch, channels, spatial); may alias input (each element is read, then written, by one thread).</param>
    /// <param name="mean">Vector (channels), receives μ.</param>
    /// <param name="inverseStd">Vector (channels), receives 1/√(σ² + ε).</param>
    /// <param name="runningMean">Vector (channels), updated.</param>
    /// <param name="runningVariance">Vector (channels), updated.</param>
    /// <param name="batch">N (positive).</param>
    /// <param name="channels">C.</param>
    /// <param name="spatial">H·W (positive).</param>
    /// <param name="momentum">PyTorch momentum (weight of the batch statistic).</param>
    /// <param name="epsilon">ε.</param>
    internal static void ForwardTraining(ArrayView<float> input, ArrayView<float> gamma, ArrayView<float> beta, ArrayView<float> output,
        ArrayView<float> mean, ArrayView<float> inverseStd, ArrayView<float> runningMean, ArrayView<float> runningVariance,
        int batch, int channels, int spatial, float momentum, float epsilon)
    {
        var sums = SharedMemory.Allocate<float>(MaxGroupSize);
        var squares = SharedMemory.Allocate<float>(MaxGroupSize);
        int c = Grid.IdxX, t = Group.IdxX, g = Group.DimX;
        int count = batch * spatial;

        float sum = 0f;
        for (int j = t; j < count; j += g) sum += input[Index(j, c, channels, spatial)];
        sums[t] = sum;
        Group.Barrier();
        TreeSum(sums, t, g);
        float mu = sums[0] / count;

        float squared = 0f;
        for (int j = t; j < count; j += g)
        {
            float d = input[Index(j, c, channels, spatial)] - mu;
            squared += d * d;
        }
        squares[t] = squared;
        Group.Barrier();
        TreeSum(squares, t, g);
        float variance = squares[0] / count;
        float inv = 1f / MathF.Sqrt(variance + epsilon);

        float scale = gamma[c] * inv, shift = beta[c];
        for (int j = t; j < count; j += g)
        {
            long index = Index(j, c, channels, spatial);
            output[index] = (input[index] - mu) * scale + shift;
        }
        if (t == 0)
        {
            mean[c] = mu;
            inverseStd[c] = inv;
            float unbiased = count > 1 ? squares[0] / (count - 1) : variance;
            runningMean[c] = (1f - momentum) * runningMean[c] + momentum * mu;
            runningVariance[c] = (1f - momentum) * runningVariance[c] + momentum * unbiased;
        }
    }

    /// <summary>Inference mode: output = γ·(x − runningMean)/√(runningVariance + ε) + β.</summary>
    /// <param name="i">Flat index in [0, batch·channels·spatial).</param>
    /// <param name="input">Tensor (batch, channels, spatial).</param>
    /// <param name="gamma">Vector (channels).</param>
    /// <param name="beta">Vector (channels).</param>
    /// <param name="runningMean">Vector (channels).</param>
    /// <param name="runningVariance">Vector (channels).</param>
    /// <param name="output">Tensor (batch, channels, spatial); may alias input.</param>
    /// <param name="channels">C.</param>
    /// <param name="spatial">H·W.</param>
    /// <param name="epsilon">ε.</param>
    internal static void ForwardInference(Index1D i, ArrayView<float> input, ArrayView<float> gamma, ArrayView<float> beta,
        ArrayView<float> runningMean, ArrayView<float> runningVariance, ArrayView<float> output, int channels, int spatial, float epsilon)
    {
        int c = i / spatial % channels;
        output[i] = gamma[c] / MathF.Sqrt(runningVariance[c] + epsilon) * (input[i] - runningMean[c]) + beta[c];
    }

    /// <summary>
    /// Backward, group = channel c, x̂ = (x − μ)·inverseStd, sums over the channel's n values: dGamma += Σ dy·x̂ and
    /// dBeta += Σ dy (thread 0); dInput = γ·inverseStd/n·(n·dy − Σ dy − x̂·Σ dy·x̂) (overwrite).
    /// </summary>
    /// <param name="input">Tensor (batch, channels, spatial), the forward input.</param>
    /// <param name="gamma">Vector (channels).</param>
    /// <param name="mean">Vector (channels) saved by the forward pass.</param>
    /// <param name="inverseStd">Vector (channels) saved by the forward pass.</param>
    /// <param name="dOutput">Tensor (batch, channels, spatial).</param>
    /// <param name="dInput">Tensor (batch, channels, spatial); may alias dOutput (the sums are complete, behind a barrier, before any write).</param>
    /// <param name="dGamma">Vector (channels), accumulated.</param>
    /// <param name="dBeta">Vector (channels), accumulated.</param>
    /// <param name="batch">N (positive).</param>
    /// <param name="channels">C.</param>
    /// <param name="spatial">H·W (positive).</param>
    internal static void Backward(ArrayView<float> input, ArrayView<float> gamma, ArrayView<float> mean, ArrayView<float> inverseStd,
        ArrayView<float> dOutput, ArrayView<float> dInput, ArrayView<float> dGamma, ArrayView<float> dBeta, int batch, int channels, int spatial)
    {
        var sumsDy = SharedMemory.Allocate<float>(MaxGroupSize);
        var sumsDyXHat = SharedMemory.Allocate<float>(MaxGroupSize);
        int c = Grid.IdxX, t = Group.IdxX, g = Group.DimX;
        int count = batch * spatial;
        float mu = mean[c], inv = inverseStd[c];

        float sumDy = 0f, sumDyXHat = 0f;
        for (int j = t; j < count; j += g)
        {
            long index = Index(j, c, channels, spatial);
            float dy = dOutput[index];
            sumDy += dy;
            sumDyXHat += dy * (input[index] - mu) * inv;
        }
        sumsDy[t] = sumDy;
        sumsDyXHat[t] = sumDyXHat;
        Group.Barrier();
        TreeSum2(sumsDy, sumsDyXHat, t, g);
        float totalDy = sumsDy[0], totalDyXHat = sumsDyXHat[0];

        float scale = gamma[c] * inv / count;
        for (int j = t; j < count; j += g)
        {
            long index = Index(j, c, channels, spatial);
            float xHat = (input[index] - mu) * inv;
            dInput[index] = scale * (count * dOutput[index] - totalDy - xHat * totalDyXHat);
        }
        if (t == 0)
        {
            dGamma[c] += totalDyXHat;
            dBeta[c] += totalDy;
        }
    }

    /// <summary>Flat index of the j-th value of channel c: sample j / spatial, position j mod spatial.</summary>
    private static long Index(int j, int c, int channels, int spatial)
    {
        int n = j / spatial;
        return ((long)n * channels + c) * spatial + (j - n * spatial);
    }

    /// <summary>partials[0] = Σ partials[0..g) by halving strides (g a power of two); entered and left behind a barrier.</summary>
    private static void TreeSum(ArrayView<float> partials, int t, int g)
    {
        for (int stride = g / 2; stride > 0; stride /= 2)
        {
            if (t < stride) partials[t] += partials[t + stride];
            Group.Barrier();
        }
    }

    /// <summary><see cref="TreeSum"/> of two arrays at once (one barrier per level).</summary>
    private static void TreeSum2(ArrayView<float> a, ArrayView<float> b, int t, int g)
    {
        for (int stride = g / 2; stride > 0; stride /= 2)
        {
            if (t < stride)
            {
                a[t] += a[t + stride];
                b[t] += b[t + stride];
            }
            Group.Barrier();
        }
    }
}
