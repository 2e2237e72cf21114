using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using MLNet.DeepExtensions.Kernels.Augmentation;
using MLNet.DeepExtensions.Kernels.Conv;
using MLNet.DeepExtensions.Kernels.Elementwise;
using MLNet.DeepExtensions.Kernels.Losses;
using MLNet.DeepExtensions.Kernels.MatMul;
using MLNet.DeepExtensions.Kernels.Normalization;
using MLNet.DeepExtensions.Kernels.Optimizers;
using MLNet.DeepExtensions.Kernels.Pooling;
using MLNet.DeepExtensions.Kernels.Reductions;

namespace MLNet.DeepExtensions.Kernels.Backends;

/// <summary>
/// The default backend without a GPU: float32 buffers in pinned host arrays, a blocked multi-threaded GEMM
/// (<see cref="ManagedGemm"/> on a persistent <see cref="WorkerPool"/>), and SIMD code (TensorPrimitives,
/// Vector512) for every other operation. Nothing allocates per call: the few scratch arrays that normalization
/// needs are allocated once and grown.
/// </summary>
/// <remarks>Not thread-safe: one training loop drives one backend.</remarks>
public sealed unsafe partial class ManagedCpuBackend : ComputeBackend
{
    private readonly WorkerPool _pool;
    private readonly ManagedGemm _gemm;
    private readonly OptimizerStepJob _optimizerJob = new();
    private readonly ManagedConvolution _convolution;
    private readonly ManagedPooling _pooling;
    private readonly ManagedBatchNorm2D _batchNorm2D;
    private float[] _scratch = [];
    private double[] _doubleScratch = [];

    /// <summary>Creates the backend with <paramref name="numberOfThreads"/> GEMM threads (0: one per logical processor).</summary>
    public ManagedCpuBackend(int numberOfThreads = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(numberOfThreads);
        _pool = new WorkerPool(numberOfThreads);
        _gemm = new ManagedGemm(_pool);
        _convolution = new ManagedConvolution(_pool);
        _pooling = new ManagedPooling(_pool);
        _batchNorm2D = new ManagedBatchNorm2D(_pool);
        string simd = Vector512.IsHardwareAccelerated ? "AVX-512" : Avx2.IsSupported ? "AVX2" : "SIMD " + System.Numerics.Vector<float>.Count * 32 + "-bit";
        Description = $"Managed CPU ({simd}, {_pool.ThreadCount} thread{(_pool.ThreadCount == 1 ? "" : "s")})";
    }

    /// <inheritdoc />
    public override BackendKind Kind => BackendKind.ManagedCpu;

    /// <inheritdoc />
    public override string Description { get; }

    /// <summary>Number of threads the GEMM runs on, the caller's included.</summary>
    public int NumberOfThreads => _pool.ThreadCount;

    // ---------------------------------------------------------------- memory

    /// <inheritdoc />
    protected override DeviceBuffer AllocateCore(int length) =>
        new ManagedBuffer(this, GC.AllocateArray<float>(length, pinned: true), 0, length);

    /// <inheritdoc />
    /// <remarks>Shares the array, pinned for the buffer's lifetime: the GEMM may take its address.</remarks>
    protected override DeviceBuffer UploadSharedCore(float[] source) => ManagedBuffer.Pin(this, source);

    /// <inheritdoc />
    protected override void UploadCore(ReadOnlySpan<float> source, DeviceBuffer destination) => source.CopyTo(F(destination, source.Length));

    /// <inheritdoc />
    protected override void DownloadCore(DeviceBuffer source, Span<float> destination) => F(source, destination.Length).CopyTo(destination);

    /// <inheritdoc />
    protected override void CopyCore(DeviceBuffer source, DeviceBuffer destination, int length) => F(source, length).CopyTo(F(destination, length));

    /// <inheritdoc />
    protected override void FillCore(DeviceBuffer destination, float value, int length) => F(destination, length).Fill(value);

    // ---------------------------------------------------------------- linear algebra

    /// <inheritdoc />
    protected override void GemmCore(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        DeviceBuffer a, DeviceBuffer b, float beta, DeviceBuffer c) =>
        _gemm.Multiply(transposeA, transposeB, m, n, k, alpha, P(a), P(b), beta, P(c));

    /// <inheritdoc />
    /// <remarks>Bias and activation run in the GEMM's epilogue, per finished tile row panel (see <see cref="ManagedGemm.MultiplyDense"/>).</remarks>
    protected override void DenseForwardCore(DeviceBuffer input, DeviceBuffer weight, DeviceBuffer? bias, Activation activation,
        DeviceBuffer preActivation, DeviceBuffer output, int rows, int units, int inputs) =>
        _gemm.MultiplyDense(rows, units, inputs, P(input), P(weight), bias is null ? null : P(bias), activation, P(preActivation), P(output));

    /// <inheritdoc />
    protected override void AddRowVectorCore(DeviceBuffer x, DeviceBuffer bias, int rows, int columns) =>
        ManagedElementwise.AddRowVector(F(x, rows * columns), F(bias, columns), rows, columns);

    /// <inheritdoc />
    protected override void SumColumnsCore(DeviceBuffer x, int rows, int columns, DeviceBuffer result, float beta) =>
        ManagedReductions.SumColumns(F(x, rows * columns), rows, columns, F(result, columns), beta);

    /// <inheritdoc />
    protected override void GatherRowsCore(DeviceBuffer source, int columns, ReadOnlySpan<int> rowIndices, DeviceBuffer destination) =>
        ManagedElementwise.GatherRows(F(source, source.Length), columns, rowIndices, F(destination, rowIndices.Length * columns));

    /// <inheritdoc />
    protected override void ScaleCore(DeviceBuffer x, float alpha, int length) => ManagedElementwise.Scale(F(x, length), alpha);

    /// <inheritdoc />
    protected override void AxpyCore(float alpha, DeviceBuffer x, DeviceBuffer y, int length) =>
        ManagedElementwise.Axpy(alpha, F(x, length), F(y, length));

    /// <inheritdoc />
    protected override void MultiplyCore(DeviceBuffer a, DeviceBuffer b, DeviceBuffer result, int length) =>
        ManagedElementwise.Multiply(F(a, length), F(b, length), F(result, length));

    /// <inheritdoc />
    protected override void ClampCore(DeviceBuffer x, float min, float max, int length) => ManagedElementwise.Clamp(F(x, length), min, max);

    // ---------------------------------------------------------------- reductions

    /// <inheritdoc />
    protected override float SumCore(DeviceBuffer x, int length) => (float)ManagedReductions.Sum(F(x, length));

    /// <inheritdoc />
    protected override float MaxCore(DeviceBuffer x, int length) => ManagedReductions.Max(F(x, length));

    /// <inheritdoc />
    protected override float SquaredNormCore(DeviceBuffer x, int length) => (float)ManagedReductions.SquaredNorm(F(x, length));

    /// <inheritdoc />
    protected override void ArgMaxRowsCore(DeviceBuffer x, int rows, int columns, DeviceBuffer result) =>
        ManagedReductions.ArgMaxRows(F(x, rows * columns), rows, columns, F(result, rows));

    // ---------------------------------------------------------------- activations

    /// <inheritdoc />
    protected override void ActivationForwardCore(Activation activation, DeviceBuffer input, DeviceBuffer output, int length) =>
        ManagedActivations.Forward(activation, F(input, length), F(output, length));

    /// <inheritdoc />
    protected override void ActivationBackwardCore(Activation activation, DeviceBuffer input, DeviceBuffer output,
        DeviceBuffer dOutput, DeviceBuffer dInput, int length) =>
        ManagedActivations.Backward(activation, F(input, length), F(output, length), F(dOutput, length), F(dInput, length));

    /// <inheritdoc />
    protected override void MaxoutForwardCore(DeviceBuffer input, DeviceBuffer output, DeviceBuffer argMax, int rows, int units, int pieces) =>
        ManagedActivations.MaxoutForward(F(input, rows * units * pieces), F(output, rows * units), F(argMax, rows * units), rows, units, pieces);

    /// <inheritdoc />
    protected override void MaxoutBackwardCore(DeviceBuffer dOutput, DeviceBuffer argMax, DeviceBuffer dInput, int rows, int units, int pieces) =>
        ManagedActivations.MaxoutBackward(F(dOutput, rows * units), F(argMax, rows * units), F(dInput, rows * units * pieces), rows, units, pieces);

    /// <inheritdoc />
    protected override void SoftmaxCore(DeviceBuffer logits, DeviceBuffer probabilities, int rows, int classes) =>
        ManagedActivations.Softmax(F(logits, rows * classes), F(probabilities, rows * classes), rows, classes);

    // ---------------------------------------------------------------- losses

    /// <inheritdoc />
    protected override void SoftmaxCrossEntropyCore(DeviceBuffer logits, DeviceBuffer targets, DeviceBuffer? classWeights,
        float labelSmoothing, int rows, int classes, float gradientScale, DeviceBuffer probabilities, DeviceBuffer? dLogits, DeviceBuffer rowLoss) =>
        ManagedLosses.SoftmaxCrossEntropy(F(logits, rows * classes), F(targets, rows), Optional(classWeights, classes), classWeights is not null,
            labelSmoothing, rows, classes, gradientScale, F(probabilities, rows * classes), Optional(dLogits, rows * classes), dLogits is not null,
            F(rowLoss, rows));

    /// <inheritdoc />
    protected override void BinaryCrossEntropyWithLogitsCore(DeviceBuffer logits, DeviceBuffer targets, int rows, int columns,
        float gradientScale, DeviceBuffer? dLogits, DeviceBuffer rowLoss) =>
        ManagedLosses.BinaryCrossEntropyWithLogits(F(logits, rows * columns), F(targets, rows * columns), rows, columns, gradientScale,
            Optional(dLogits, rows * columns), dLogits is not null, F(rowLoss, rows));

    /// <inheritdoc />
    protected override void RegressionLossCore(RegressionLossKind kind, float delta, DeviceBuffer predictions, DeviceBuffer targets,
        int rows, int columns, float gradientScale, DeviceBuffer? dPredictions, DeviceBuffer rowLoss) =>
        ManagedLosses.RegressionLoss(kind, delta, F(predictions, rows * columns), F(targets, rows * columns), rows, columns, gradientScale,
            Optional(dPredictions, rows * columns), dPredictions is not null, F(rowLoss, rows));

    /// <inheritdoc />
    protected override void MulticlassHingeCore(DeviceBuffer scores, DeviceBuffer targets, float margin, int rows, int classes,
        float gradientScale, DeviceBuffer? dScores, DeviceBuffer rowLoss) =>
        ManagedLosses.MulticlassHinge(F(scores, rows * classes), F(targets, rows), margin, rows, classes, gradientScale,
            Optional(dScores, rows * classes), dScores is not null, F(rowLoss, rows));

    // ---------------------------------------------------------------- dropout

    /// <inheritdoc />
    protected override void DropoutForwardCore(DeviceBuffer input, DeviceBuffer output, DeviceBuffer mask, int length, float rate, ulong seed) =>
        ManagedElementwise.DropoutForward(F(input, length), F(output, length), F(mask, length), rate, seed);

    // ---------------------------------------------------------------- augmentation

    /// <inheritdoc />
    protected override void RandomFlipCropForwardCore(DeviceBuffer input, DeviceBuffer output, int batch, int channels, int height, int width,
        bool horizontalFlip, int padding, ulong seed) =>
        ManagedAugmentation.RandomFlipCropForward(F(input, batch * channels * height * width), F(output, batch * channels * height * width),
            batch, channels, height, width, horizontalFlip, padding, seed);

    /// <inheritdoc />
    protected override void RandomFlipCropBackwardCore(DeviceBuffer dOutput, DeviceBuffer dInput, int batch, int channels, int height, int width,
        bool horizontalFlip, int padding, ulong seed) =>
        ManagedAugmentation.RandomFlipCropBackward(F(dOutput, batch * channels * height * width), F(dInput, batch * channels * height * width),
            batch, channels, height, width, horizontalFlip, padding, seed);

    /// <inheritdoc />
    protected override void AddGaussianNoiseCore(DeviceBuffer input, DeviceBuffer output, int length, float standardDeviation, ulong seed) =>
        ManagedAugmentation.AddGaussianNoise(F(input, length), F(output, length), standardDeviation, seed);

    // ---------------------------------------------------------------- pooling

    /// <inheritdoc />
    protected override void MaxPool2DForwardCore(DeviceBuffer input, DeviceBuffer output, DeviceBuffer argMax, Pool2DShape shape) =>
        _pooling.MaxPool2DForward(P(input), P(output), P(argMax), shape);

    /// <inheritdoc />
    protected override void MaxPool2DBackwardCore(DeviceBuffer dOutput, DeviceBuffer argMax, DeviceBuffer dInput, Pool2DShape shape) =>
        _pooling.MaxPool2DBackward(P(dOutput), P(argMax), P(dInput), shape);

    /// <inheritdoc />
    protected override void AvgPool2DForwardCore(DeviceBuffer input, DeviceBuffer output, Pool2DShape shape) =>
        _pooling.AvgPool2DForward(P(input), P(output), shape);

    /// <inheritdoc />
    protected override void AvgPool2DBackwardCore(DeviceBuffer dOutput, DeviceBuffer dInput, Pool2DShape shape) =>
        _pooling.AvgPool2DBackward(P(dOutput), P(dInput), shape);

    /// <inheritdoc />
    protected override void GlobalAvgPoolForwardCore(DeviceBuffer input, DeviceBuffer output, int planes, int area) =>
        _pooling.GlobalAvgPoolForward(P(input), P(output), planes, area);

    /// <inheritdoc />
    protected override void GlobalAvgPoolBackwardCore(DeviceBuffer dOutput, DeviceBuffer dInput, int planes, int area) =>
        _pooling.GlobalAvgPoolBackward(P(dOutput), P(dInput), planes, area);

    // ---------------------------------------------------------------- normalization

    /// <inheritdoc />
    protected override void BatchNormForwardTrainingCore(DeviceBuffer input, DeviceBuffer gamma, DeviceBuffer beta, DeviceBuffer output,
        DeviceBuffer mean, DeviceBuffer inverseStd, DeviceBuffer runningMean, DeviceBuffer runningVariance, int rows, int features,
        float momentum, float epsilon) =>
        ManagedNormalization.BatchNormForwardTraining(F(input, rows * features), F(gamma, features), F(beta, features),
            F(output, rows * features), F(mean, features), F(inverseStd, features), F(runningMean, features), F(runningVariance, features),
            rows, features, momentum, epsilon, Scratch(2 * features), DoubleScratch(2 * features));

    /// <inheritdoc />
    protected override void BatchNormForwardInferenceCore(DeviceBuffer input, DeviceBuffer gamma, DeviceBuffer beta,
        DeviceBuffer runningMean, DeviceBuffer runningVariance, DeviceBuffer output, int rows, int features, float epsilon) =>
        ManagedNormalization.BatchNormForwardInference(F(input, rows * features), F(gamma, features), F(beta, features),
            F(runningMean, features), F(runningVariance, features), F(output, rows * features), rows, features, epsilon, Scratch(features));

    /// <inheritdoc />
    protected override void BatchNormBackwardCore(DeviceBuffer input, DeviceBuffer gamma, DeviceBuffer mean, DeviceBuffer inverseStd,
        DeviceBuffer dOutput, DeviceBuffer dInput, DeviceBuffer dGamma, DeviceBuffer dBeta, int rows, int features) =>
        ManagedNormalization.BatchNormBackward(F(input, rows * features), F(gamma, features), F(mean, features), F(inverseStd, features),
            F(dOutput, rows * features), F(dInput, rows * features), F(dGamma, features), F(dBeta, features), rows, features,
            Scratch(5 * features), DoubleScratch(2 * features));

    // A (batch, channels, 1) tensor is a (rows, features) matrix: the 1-D kernels walk its rows contiguously, where the
    // per-channel planes would be one strided element each.

    /// <inheritdoc />
    protected override void BatchNorm2DForwardTrainingCore(DeviceBuffer input, DeviceBuffer gamma, DeviceBuffer beta, DeviceBuffer output,
        DeviceBuffer mean, DeviceBuffer inverseStd, DeviceBuffer runningMean, DeviceBuffer runningVariance, int batch, int channels, int spatial,
        float momentum, float epsilon)
    {
        if (spatial == 1)
        {
            BatchNormForwardTrainingCore(input, gamma, beta, output, mean, inverseStd, runningMean, runningVariance, batch, channels, momentum, epsilon);
            return;
        }
        _batchNorm2D.ForwardTraining(M(input), M(gamma), M(beta), M(output), M(mean), M(inverseStd), M(runningMean), M(runningVariance),
            batch, channels, spatial, momentum, epsilon);
    }

    /// <inheritdoc />
    protected override void BatchNorm2DForwardInferenceCore(DeviceBuffer input, DeviceBuffer gamma, DeviceBuffer beta,
        DeviceBuffer runningMean, DeviceBuffer runningVariance, DeviceBuffer output, int batch, int channels, int spatial, float epsilon)
    {
        if (spatial == 1)
        {
            BatchNormForwardInferenceCore(input, gamma, beta, runningMean, runningVariance, output, batch, channels, epsilon);
            return;
        }
        _batchNorm2D.ForwardInference(M(input), M(gamma), M(beta), M(runningMean), M(runningVariance), M(output), batch, channels, spatial, epsilon);
    }

    /// <inheritdoc />
    protected override void BatchNorm2DBackwardCore(DeviceBuffer input, DeviceBuffer gamma, DeviceBuffer mean, DeviceBuffer inverseStd,
        DeviceBuffer dOutput, DeviceBuffer dInput, DeviceBuffer dGamma, DeviceBuffer dBeta, int batch, int channels, int spatial)
    {
        if (spatial == 1)
        {
            BatchNormBackwardCore(input, gamma, mean, inverseStd, dOutput, dInput, dGamma, dBeta, batch, channels);
            return;
        }
        _batchNorm2D.Backward(M(input), M(gamma), M(mean), M(inverseStd), M(dOutput), M(dInput), M(dGamma), M(dBeta), batch, channels, spatial);
    }

    /// <inheritdoc />
    protected override void LayerNormForwardCore(DeviceBuffer input, DeviceBuffer gamma, DeviceBuffer beta, DeviceBuffer output,
        DeviceBuffer mean, DeviceBuffer inverseStd, int rows, int features, float epsilon) =>
        ManagedNormalization.LayerNormForward(F(input, rows * features), F(gamma, features), F(beta, features),
            F(output, rows * features), F(mean, rows), F(inverseStd, rows), rows, features, epsilon);

    /// <inheritdoc />
    protected override void LayerNormBackwardCore(DeviceBuffer input, DeviceBuffer gamma, DeviceBuffer mean, DeviceBuffer inverseStd,
        DeviceBuffer dOutput, DeviceBuffer dInput, DeviceBuffer dGamma, DeviceBuffer dBeta, int rows, int features) =>
        ManagedNormalization.LayerNormBackward(F(input, rows * features), F(gamma, features), F(mean, rows), F(inverseStd, rows),
            F(dOutput, rows * features), F(dInput, rows * features), F(dGamma, features), F(dBeta, features), rows, features,
            Scratch(2 * features));

    // ---------------------------------------------------------------- convolution

    /// <inheritdoc />
    /// <remarks>im2col + the blocked GEMM, parallel over groups of images (see <see cref="ManagedConvolution"/>).</remarks>
    protected override void Conv2DForwardCore(DeviceBuffer input, DeviceBuffer weight, DeviceBuffer? bias, DeviceBuffer output, in Conv2DShape shape) =>
        _convolution.Forward(P(input), P(weight), bias is null ? null : P(bias), P(output), shape);

    /// <inheritdoc />
    protected override void Conv2DBackwardInputCore(DeviceBuffer dOutput, DeviceBuffer weight, DeviceBuffer dInput, in Conv2DShape shape) =>
        _convolution.BackwardInput(P(dOutput), P(weight), P(dInput), shape);

    /// <inheritdoc />
    protected override void Conv2DBackwardWeightCore(DeviceBuffer input, DeviceBuffer dOutput, DeviceBuffer dWeight, DeviceBuffer? dBias, in Conv2DShape shape) =>
        _convolution.BackwardWeight(P(input), P(dOutput), P(dWeight), dBias is null ? null : P(dBias), shape);

    // ---------------------------------------------------------------- optimizers

    /// <inheritdoc />
    protected override void OptimizerStepCore(OptimizerKind kind, in OptimizerStepParameters hyperparameters,
        DeviceBuffer parameters, DeviceBuffer gradients, DeviceBuffer? state1, DeviceBuffer? state2, int length)
    {
        if (length >= OptimizerStepJob.ParallelThreshold && _pool.ThreadCount > 1)
        {
            _optimizerJob.Run(_pool, kind, hyperparameters, (ManagedBuffer)parameters, (ManagedBuffer)gradients,
                (ManagedBuffer?)state1, (ManagedBuffer?)state2, length);
            return;
        }
        ManagedOptimizers.Step(kind, hyperparameters, F(parameters, length), F(gradients, length),
            Optional(state1, length), Optional(state2, length));
    }

    // ---------------------------------------------------------------- lifetime and helpers

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _gemm.Dispose();
            _pool.Dispose();
        }
        base.Dispose(disposing);
    }

    private static Span<float> F(DeviceBuffer buffer, int length) => ((ManagedBuffer)buffer).AsSpan(length);

    private static ManagedBuffer M(DeviceBuffer buffer) => (ManagedBuffer)buffer;

    private static float* P(DeviceBuffer buffer) => ((ManagedBuffer)buffer).Pointer;

    private static Span<float> Optional(DeviceBuffer? buffer, int length) => buffer is null ? Span<float>.Empty : F(buffer, length);

    // Grown to the largest request and kept: normalization runs every step with the same feature count.
    private Span<float> Scratch(int length)
    {
        if (_scratch.Length < length) _scratch = new float[length];
        return _scratch.AsSpan(0, length);
    }

    private Span<double> DoubleScratch(int length)
    {
        if (_doubleScratch.Length < length) _doubleScratch = new double[length];
        return _doubleScratch.AsSpan(0, length);
    }
}
