using MLNet.DeepExtensions.Kernels.Losses;

namespace MLNet.DeepExtensions.Kernels.Backends;

// The losses operations of the reference backend (double precision, plain loops); ComputeBackend.Losses.cs documents them.
public sealed partial class ReferenceBackend
{
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
}
