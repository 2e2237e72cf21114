using MLNet.DeepExtensions.Kernels.Losses;

namespace MLNet.DeepExtensions.Kernels.Backends;

// The losses operations of the managed CPU backend; ComputeBackend.Losses.cs documents them.
public sealed unsafe partial class ManagedCpuBackend
{
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
}
