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
/// The test oracle: every operation as plain loops in double precision, written for obviousness, not speed.
/// Buffers store doubles, so a chain of operations (a whole layer, in the finite-difference gradient checks) stays
/// in double end to end; <see cref="ComputeBackend.Upload"/> widens floats and <see cref="ComputeBackend.Download"/>
/// rounds back, while <see cref="UploadDouble"/> and <see cref="DownloadDouble"/> move doubles unchanged.
/// </summary>
public sealed partial class ReferenceBackend : ComputeBackend
{
    /// <summary>Creates the reference backend (it holds no resources).</summary>
    public ReferenceBackend()
    {
    }

    /// <inheritdoc />
    public override BackendKind Kind => BackendKind.Reference;

    /// <inheritdoc />
    public override string Description => "Reference (double precision, naive loops, 1 thread)";

    /// <summary>Copies double values into the start of <paramref name="destination"/> without rounding to float.</summary>
    public void UploadDouble(ReadOnlySpan<double> source, DeviceBuffer destination)
    {
        source.CopyTo(Own(destination, source.Length, nameof(destination)));
    }

    /// <summary>Copies the first <c>destination.Length</c> elements of <paramref name="source"/> to the host as doubles.</summary>
    public void DownloadDouble(DeviceBuffer source, Span<double> destination)
    {
        Own(source, destination.Length, nameof(source)).CopyTo(destination);
    }

    // ---------------------------------------------------------------- memory

    /// <inheritdoc />
    protected override DeviceBuffer AllocateCore(int length) => new ReferenceBuffer(this, new double[length], 0, length);

    /// <inheritdoc />
    protected override void UploadCore(ReadOnlySpan<float> source, DeviceBuffer destination)
    {
        Span<double> d = D(destination, source.Length);
        for (int i = 0; i < source.Length; i++) d[i] = source[i];
    }

    /// <inheritdoc />
    protected override void DownloadCore(DeviceBuffer source, Span<float> destination)
    {
        Span<double> s = D(source, destination.Length);
        for (int i = 0; i < destination.Length; i++) destination[i] = (float)s[i];
    }

    /// <inheritdoc />
    protected override void CopyCore(DeviceBuffer source, DeviceBuffer destination, int length) =>
        D(source, length).CopyTo(D(destination, length));

    /// <inheritdoc />
    protected override void FillCore(DeviceBuffer destination, float value, int length) => D(destination, length).Fill(value);

    // ---------------------------------------------------------------- linear algebra

    /// <inheritdoc />
    protected override void GemmCore(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        DeviceBuffer a, DeviceBuffer b, float beta, DeviceBuffer c) =>
        ReferenceGemm.Multiply(transposeA, transposeB, m, n, k, alpha, D(a, m * k), D(b, k * n), beta, D(c, m * n));

    /// <inheritdoc />
    protected override void AddRowVectorCore(DeviceBuffer x, DeviceBuffer bias, int rows, int columns) =>
        ReferenceElementwise.AddRowVector(D(x, rows * columns), D(bias, columns), rows, columns);

    /// <inheritdoc />
    protected override void SumColumnsCore(DeviceBuffer x, int rows, int columns, DeviceBuffer result, float beta) =>
        ReferenceReductions.SumColumns(D(x, rows * columns), rows, columns, D(result, columns), beta);

    /// <inheritdoc />
    protected override void GatherRowsCore(DeviceBuffer source, int columns, ReadOnlySpan<int> rowIndices, DeviceBuffer destination) =>
        ReferenceElementwise.GatherRows(D(source, source.Length), columns, rowIndices, D(destination, rowIndices.Length * columns));

    /// <inheritdoc />
    protected override void ScaleCore(DeviceBuffer x, float alpha, int length) => ReferenceElementwise.Scale(D(x, length), alpha);

    /// <inheritdoc />
    protected override void AxpyCore(float alpha, DeviceBuffer x, DeviceBuffer y, int length) =>
        ReferenceElementwise.Axpy(alpha, D(x, length), D(y, length));

    /// <inheritdoc />
    protected override void MultiplyCore(DeviceBuffer a, DeviceBuffer b, DeviceBuffer result, int length) =>
        ReferenceElementwise.Multiply(D(a, length), D(b, length), D(result, length));

    /// <inheritdoc />
    protected override void ClampCore(DeviceBuffer x, float min, float max, int length) =>
        ReferenceElementwise.Clamp(D(x, length), min, max);

    // ---------------------------------------------------------------- reductions

    /// <inheritdoc />
    protected override float SumCore(DeviceBuffer x, int length) => (float)ReferenceReductions.Sum(D(x, length));

    /// <inheritdoc />
    protected override float MaxCore(DeviceBuffer x, int length) => (float)ReferenceReductions.Max(D(x, length));

    /// <inheritdoc />
    protected override float SquaredNormCore(DeviceBuffer x, int length) => (float)ReferenceReductions.SquaredNorm(D(x, length));

    /// <inheritdoc />
    protected override void ArgMaxRowsCore(DeviceBuffer x, int rows, int columns, DeviceBuffer result) =>
        ReferenceReductions.ArgMaxRows(D(x, rows * columns), rows, columns, D(result, rows));

    // ---------------------------------------------------------------- activations

    /// <inheritdoc />
    protected override void ActivationForwardCore(Activation activation, DeviceBuffer input, DeviceBuffer output, int length) =>
        ReferenceActivations.Forward(activation, D(input, length), D(output, length));

    /// <inheritdoc />
    protected override void ActivationBackwardCore(Activation activation, DeviceBuffer input, DeviceBuffer output,
        DeviceBuffer dOutput, DeviceBuffer dInput, int length) =>
        ReferenceActivations.Backward(activation, D(input, length), D(output, length), D(dOutput, length), D(dInput, length));

    /// <inheritdoc />
    protected override void MaxoutForwardCore(DeviceBuffer input, DeviceBuffer output, DeviceBuffer argMax, int rows, int units, int pieces) =>
        ReferenceActivations.MaxoutForward(D(input, rows * units * pieces), D(output, rows * units), D(argMax, rows * units), rows, units, pieces);

    /// <inheritdoc />
    protected override void MaxoutBackwardCore(DeviceBuffer dOutput, DeviceBuffer argMax, DeviceBuffer dInput, int rows, int units, int pieces) =>
        ReferenceActivations.MaxoutBackward(D(dOutput, rows * units), D(argMax, rows * units), D(dInput, rows * units * pieces), rows, units, pieces);

    /// <inheritdoc />
    protected override void SoftmaxCore(DeviceBuffer logits, DeviceBuffer probabilities, int rows, int classes) =>
        ReferenceActivations.Softmax(D(logits, rows * classes), D(probabilities, rows * classes), rows, classes);

    // ---------------------------------------------------------------- losses

    /// <inheritdoc />
    protected override void SoftmaxCrossEntropyCore(DeviceBuffer logits, DeviceBuffer targets, DeviceBuffer? classWeights,
        float labelSmoothing, int rows, int classes, float gradientScale, DeviceBuffer probabilities, DeviceBuffer? dLogits, DeviceBuffer rowLoss) =>
        ReferenceLosses.SoftmaxCrossEntropy(D(logits, rows * classes), D(targets, rows), Optional(classWeights, classes), classWeights is not null,
            labelSmoothing, rows, classes, gradientScale, D(probabilities, rows * classes), Optional(dLogits, rows * classes), dLogits is not null,
            D(rowLoss, rows));

    /// <inheritdoc />
    protected override void BinaryCrossEntropyWithLogitsCore(DeviceBuffer logits, DeviceBuffer targets, int rows, int columns,
        float gradientScale, DeviceBuffer? dLogits, DeviceBuffer rowLoss) =>
        ReferenceLosses.BinaryCrossEntropyWithLogits(D(logits, rows * columns), D(targets, rows * columns), rows, columns, gradientScale,
            Optional(dLogits, rows * columns), dLogits is not null, D(rowLoss, rows));

    /// <inheritdoc />
    protected override void RegressionLossCore(RegressionLossKind kind, float delta, DeviceBuffer predictions, DeviceBuffer targets,
        int rows, int columns, float gradientScale, DeviceBuffer? dPredictions, DeviceBuffer rowLoss) =>
        ReferenceLosses.RegressionLoss(kind, delta, D(predictions, rows * columns), D(targets, rows * columns), rows, columns, gradientScale,
            Optional(dPredictions, rows * columns), dPredictions is not null, D(rowLoss, rows));

    /// <inheritdoc />
    protected override void MulticlassHingeCore(DeviceBuffer scores, DeviceBuffer targets, float margin, int rows, int classes,
        float gradientScale, DeviceBuffer? dScores, DeviceBuffer rowLoss) =>
        ReferenceLosses.MulticlassHinge(D(scores, rows * classes), D(targets, rows), margin, rows, classes, gradientScale,
            Optional(dScores, rows * classes), dScores is not null, D(rowLoss, rows));

    // ---------------------------------------------------------------- dropout

    /// <inheritdoc />
    protected override void DropoutForwardCore(DeviceBuffer input, DeviceBuffer output, DeviceBuffer mask, int length, float rate, ulong seed) =>
        ReferenceElementwise.DropoutForward(D(input, length), D(output, length), D(mask, length), rate, seed);

    // ---------------------------------------------------------------- augmentation

    /// <inheritdoc />
    protected override void RandomFlipCropForwardCore(DeviceBuffer input, DeviceBuffer output, int batch, int channels, int height, int width,
        bool horizontalFlip, int padding, ulong seed) =>
        ReferenceAugmentation.RandomFlipCropForward(D(input, batch * channels * height * width), D(output, batch * channels * height * width),
            batch, channels, height, width, horizontalFlip, padding, seed);

    /// <inheritdoc />
    protected override void RandomFlipCropBackwardCore(DeviceBuffer dOutput, DeviceBuffer dInput, int batch, int channels, int height, int width,
        bool horizontalFlip, int padding, ulong seed) =>
        ReferenceAugmentation.RandomFlipCropBackward(D(dOutput, batch * channels * height * width), D(dInput, batch * channels * height * width),
            batch, channels, height, width, horizontalFlip, padding, seed);

    /// <inheritdoc />
    protected override void AddGaussianNoiseCore(DeviceBuffer input, DeviceBuffer output, int length, float standardDeviation, ulong seed) =>
        ReferenceAugmentation.AddGaussianNoise(D(input, length), D(output, length), standardDeviation, seed);

    // ---------------------------------------------------------------- pooling

    /// <inheritdoc />
    protected override void MaxPool2DForwardCore(DeviceBuffer input, DeviceBuffer output, DeviceBuffer argMax, Pool2DShape shape) =>
        ReferencePooling.MaxPool2DForward(D(input, shape.InputLength), D(output, shape.OutputLength), D(argMax, shape.OutputLength), shape);

    /// <inheritdoc />
    protected override void MaxPool2DBackwardCore(DeviceBuffer dOutput, DeviceBuffer argMax, DeviceBuffer dInput, Pool2DShape shape) =>
        ReferencePooling.MaxPool2DBackward(D(dOutput, shape.OutputLength), D(argMax, shape.OutputLength), D(dInput, shape.InputLength), shape);

    /// <inheritdoc />
    protected override void AvgPool2DForwardCore(DeviceBuffer input, DeviceBuffer output, Pool2DShape shape) =>
        ReferencePooling.AvgPool2DForward(D(input, shape.InputLength), D(output, shape.OutputLength), shape);

    /// <inheritdoc />
    protected override void AvgPool2DBackwardCore(DeviceBuffer dOutput, DeviceBuffer dInput, Pool2DShape shape) =>
        ReferencePooling.AvgPool2DBackward(D(dOutput, shape.OutputLength), D(dInput, shape.InputLength), shape);

    /// <inheritdoc />
    protected override void GlobalAvgPoolForwardCore(DeviceBuffer input, DeviceBuffer output, int planes, int area) =>
        ReferencePooling.GlobalAvgPoolForward(D(input, planes * area), D(output, planes), planes, area);

    /// <inheritdoc />
    protected override void GlobalAvgPoolBackwardCore(DeviceBuffer dOutput, DeviceBuffer dInput, int planes, int area) =>
        ReferencePooling.GlobalAvgPoolBackward(D(dOutput, planes), D(dInput, planes * area), planes, area);

    // ---------------------------------------------------------------- normalization

    /// <inheritdoc />
    protected override void BatchNormForwardTrainingCore(DeviceBuffer input, DeviceBuffer gamma, DeviceBuffer beta, DeviceBuffer output,
        DeviceBuffer mean, DeviceBuffer inverseStd, DeviceBuffer runningMean, DeviceBuffer runningVariance, int rows, int features,
        float momentum, float epsilon) =>
        ReferenceNormalization.BatchNormForwardTraining(D(input, rows * features), D(gamma, features), D(beta, features),
            D(output, rows * features), D(mean, features), D(inverseStd, features), D(runningMean, features), D(runningVariance, features),
            rows, features, momentum, epsilon);

    /// <inheritdoc />
    protected override void BatchNormForwardInferenceCore(DeviceBuffer input, DeviceBuffer gamma, DeviceBuffer beta,
        DeviceBuffer runningMean, DeviceBuffer runningVariance, DeviceBuffer output, int rows, int features, float epsilon) =>
        ReferenceNormalization.BatchNormForwardInference(D(input, rows * features), D(gamma, features), D(beta, features),
            D(runningMean, features), D(runningVariance, features), D(output, rows * features), rows, features, epsilon);

    /// <inheritdoc />
    protected override void BatchNormBackwardCore(DeviceBuffer input, DeviceBuffer gamma, DeviceBuffer mean, DeviceBuffer inverseStd,
        DeviceBuffer dOutput, DeviceBuffer dInput, DeviceBuffer dGamma, DeviceBuffer dBeta, int rows, int features) =>
        ReferenceNormalization.BatchNormBackward(D(input, rows * features), D(gamma, features), D(mean, features), D(inverseStd, features),
            D(dOutput, rows * features), D(dInput, rows * features), D(dGamma, features), D(dBeta, features), rows, features);

    /// <inheritdoc />
    protected override void BatchNorm2DForwardTrainingCore(DeviceBuffer input, DeviceBuffer gamma, DeviceBuffer beta, DeviceBuffer output,
        DeviceBuffer mean, DeviceBuffer inverseStd, DeviceBuffer runningMean, DeviceBuffer runningVariance, int batch, int channels, int spatial,
        float momentum, float epsilon)
    {
        int length = batch * channels * spatial;
        ReferenceBatchNorm2D.ForwardTraining(D(input, length), D(gamma, channels), D(beta, channels), D(output, length), D(mean, channels),
            D(inverseStd, channels), D(runningMean, channels), D(runningVariance, channels), batch, channels, spatial, momentum, epsilon);
    }

    /// <inheritdoc />
    protected override void BatchNorm2DForwardInferenceCore(DeviceBuffer input, DeviceBuffer gamma, DeviceBuffer beta,
        DeviceBuffer runningMean, DeviceBuffer runningVariance, DeviceBuffer output, int batch, int channels, int spatial, float epsilon)
    {
        int length = batch * channels * spatial;
        ReferenceBatchNorm2D.ForwardInference(D(input, length), D(gamma, channels), D(beta, channels), D(runningMean, channels),
            D(runningVariance, channels), D(output, length), batch, channels, spatial, epsilon);
    }

    /// <inheritdoc />
    protected override void BatchNorm2DBackwardCore(DeviceBuffer input, DeviceBuffer gamma, DeviceBuffer mean, DeviceBuffer inverseStd,
        DeviceBuffer dOutput, DeviceBuffer dInput, DeviceBuffer dGamma, DeviceBuffer dBeta, int batch, int channels, int spatial)
    {
        int length = batch * channels * spatial;
        ReferenceBatchNorm2D.Backward(D(input, length), D(gamma, channels), D(mean, channels), D(inverseStd, channels), D(dOutput, length),
            D(dInput, length), D(dGamma, channels), D(dBeta, channels), batch, channels, spatial);
    }

    /// <inheritdoc />
    protected override void LayerNormForwardCore(DeviceBuffer input, DeviceBuffer gamma, DeviceBuffer beta, DeviceBuffer output,
        DeviceBuffer mean, DeviceBuffer inverseStd, int rows, int features, float epsilon) =>
        ReferenceNormalization.LayerNormForward(D(input, rows * features), D(gamma, features), D(beta, features),
            D(output, rows * features), D(mean, rows), D(inverseStd, rows), rows, features, epsilon);

    /// <inheritdoc />
    protected override void LayerNormBackwardCore(DeviceBuffer input, DeviceBuffer gamma, DeviceBuffer mean, DeviceBuffer inverseStd,
        DeviceBuffer dOutput, DeviceBuffer dInput, DeviceBuffer dGamma, DeviceBuffer dBeta, int rows, int features) =>
        ReferenceNormalization.LayerNormBackward(D(input, rows * features), D(gamma, features), D(mean, rows), D(inverseStd, rows),
            D(dOutput, rows * features), D(dInput, rows * features), D(dGamma, features), D(dBeta, features), rows, features);

    // ---------------------------------------------------------------- convolution

    /// <inheritdoc />
    protected override void Conv2DForwardCore(DeviceBuffer input, DeviceBuffer weight, DeviceBuffer? bias, DeviceBuffer output, in Conv2DShape shape) =>
        ReferenceConvolution.Forward(D(input, shape.InputSize), D(weight, shape.WeightSize), Optional(bias, shape.OutChannels), bias is not null,
            D(output, shape.OutputSize), shape);

    /// <inheritdoc />
    protected override void Conv2DBackwardInputCore(DeviceBuffer dOutput, DeviceBuffer weight, DeviceBuffer dInput, in Conv2DShape shape) =>
        ReferenceConvolution.BackwardInput(D(dOutput, shape.OutputSize), D(weight, shape.WeightSize), D(dInput, shape.InputSize), shape);

    /// <inheritdoc />
    protected override void Conv2DBackwardWeightCore(DeviceBuffer input, DeviceBuffer dOutput, DeviceBuffer dWeight, DeviceBuffer? dBias, in Conv2DShape shape) =>
        ReferenceConvolution.BackwardWeight(D(input, shape.InputSize), D(dOutput, shape.OutputSize), D(dWeight, shape.WeightSize),
            Optional(dBias, shape.OutChannels), dBias is not null, shape);

    // ---------------------------------------------------------------- optimizers

    /// <inheritdoc />
    protected override void OptimizerStepCore(OptimizerKind kind, in OptimizerStepParameters hyperparameters,
        DeviceBuffer parameters, DeviceBuffer gradients, DeviceBuffer? state1, DeviceBuffer? state2, int length) =>
        ReferenceOptimizers.Step(kind, hyperparameters, D(parameters, length), D(gradients, length),
            Optional(state1, length), Optional(state2, length));

    // ---------------------------------------------------------------- helpers

    private static Span<double> D(DeviceBuffer buffer, int length) => ((ReferenceBuffer)buffer).AsSpan(length);

    private static Span<double> Optional(DeviceBuffer? buffer, int length) => buffer is null ? Span<double>.Empty : D(buffer, length);

    // The base class's checks are private; these repeat its message format for the two double transfers.
    private Span<double> Own(DeviceBuffer buffer, int length, string name)
    {
        ArgumentNullException.ThrowIfNull(buffer, name);
        if (!ReferenceEquals(buffer.Backend, this))
        {
            throw new ArgumentException(
                $"Buffer '{name}' belongs to backend '{buffer.Backend.Description}', not to '{Description}'.", name);
        }
        if (buffer.Length < length)
        {
            throw new ArgumentOutOfRangeException(name, $"Buffer '{name}' needs at least {length} elements; got {buffer.Length}.");
        }
        return D(buffer, length);
    }
}
