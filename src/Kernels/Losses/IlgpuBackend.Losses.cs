using MLNet.DeepExtensions.Kernels.Losses;

namespace MLNet.DeepExtensions.Kernels.Backends;

// The losses operations of the ILGPU backend (kernels loaded once by IlgpuKernelSet); ComputeBackend.Losses.cs documents them.
public sealed partial class IlgpuBackend
{
    /// <inheritdoc />
    protected override void SoftmaxCrossEntropyCore(DeviceBuffer logits, DeviceBuffer targets, DeviceBuffer? classWeights,
        float labelSmoothing, int rows, int classes, float gradientScale, DeviceBuffer probabilities, DeviceBuffer? dLogits, DeviceBuffer rowLoss) =>
        _kernels.Losses.LaunchSoftmaxCrossEntropy(V(logits), V(targets), VOrDummy(classWeights), classWeights is not null, labelSmoothing,
            rows, classes, gradientScale, V(probabilities), VOrDummy(dLogits), dLogits is not null, V(rowLoss));

    /// <inheritdoc />
    protected override void BinaryCrossEntropyWithLogitsCore(DeviceBuffer logits, DeviceBuffer targets, int rows, int columns,
        float gradientScale, DeviceBuffer? dLogits, DeviceBuffer rowLoss) =>
        _kernels.Losses.LaunchBinaryCrossEntropy(V(logits), V(targets), rows, columns, gradientScale, VOrDummy(dLogits), dLogits is not null, V(rowLoss));

    /// <inheritdoc />
    protected override void RegressionLossCore(RegressionLossKind kind, float delta, DeviceBuffer predictions, DeviceBuffer targets,
        int rows, int columns, float gradientScale, DeviceBuffer? dPredictions, DeviceBuffer rowLoss) =>
        _kernels.Losses.LaunchRegression(kind, delta, V(predictions), V(targets), rows, columns, gradientScale,
            VOrDummy(dPredictions), dPredictions is not null, V(rowLoss));

    /// <inheritdoc />
    protected override void MulticlassHingeCore(DeviceBuffer scores, DeviceBuffer targets, float margin, int rows, int classes,
        float gradientScale, DeviceBuffer? dScores, DeviceBuffer rowLoss) =>
        _kernels.Losses.LaunchMulticlassHinge(V(scores), V(targets), margin, rows, classes, gradientScale, VOrDummy(dScores), dScores is not null, V(rowLoss));
}
