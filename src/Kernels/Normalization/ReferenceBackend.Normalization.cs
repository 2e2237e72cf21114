using MLNet.DeepExtensions.Kernels.Normalization;

namespace MLNet.DeepExtensions.Kernels.Backends;

// The normalization operations of the reference backend (double precision, plain loops); ComputeBackend.Normalization.cs documents them.
public sealed partial class ReferenceBackend
{
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
}
