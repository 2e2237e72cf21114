using MLNet.DeepExtensions.Kernels.Normalization;

namespace MLNet.DeepExtensions.Kernels.Backends;

// The normalization operations of the ILGPU backend (kernels loaded once by IlgpuKernelSet); ComputeBackend.Normalization.cs documents them.
public sealed partial class IlgpuBackend
{
    /// <inheritdoc />
    protected override void BatchNormForwardTrainingCore(DeviceBuffer input, DeviceBuffer gamma, DeviceBuffer beta, DeviceBuffer output,
        DeviceBuffer mean, DeviceBuffer inverseStd, DeviceBuffer runningMean, DeviceBuffer runningVariance, int rows, int features,
        float momentum, float epsilon) =>
        _kernels.Normalization.LaunchBatchNormForwardTraining(V(input), V(gamma), V(beta), V(output), V(mean), V(inverseStd),
            V(runningMean), V(runningVariance), rows, features, momentum, epsilon);

    /// <inheritdoc />
    protected override void BatchNormForwardInferenceCore(DeviceBuffer input, DeviceBuffer gamma, DeviceBuffer beta,
        DeviceBuffer runningMean, DeviceBuffer runningVariance, DeviceBuffer output, int rows, int features, float epsilon) =>
        _kernels.Normalization.LaunchBatchNormForwardInference(V(input), V(gamma), V(beta), V(runningMean), V(runningVariance), V(output),
            rows, features, epsilon);

    /// <inheritdoc />
    protected override void BatchNormBackwardCore(DeviceBuffer input, DeviceBuffer gamma, DeviceBuffer mean, DeviceBuffer inverseStd,
        DeviceBuffer dOutput, DeviceBuffer dInput, DeviceBuffer dGamma, DeviceBuffer dBeta, int rows, int features) =>
        _kernels.Normalization.LaunchBatchNormBackward(V(input), V(gamma), V(mean), V(inverseStd), V(dOutput), V(dInput), V(dGamma), V(dBeta),
            rows, features);

    /// <inheritdoc />
    protected override void BatchNorm2DForwardTrainingCore(DeviceBuffer input, DeviceBuffer gamma, DeviceBuffer beta, DeviceBuffer output,
        DeviceBuffer mean, DeviceBuffer inverseStd, DeviceBuffer runningMean, DeviceBuffer runningVariance, int batch, int channels, int spatial,
        float momentum, float epsilon) =>
        _kernels.BatchNorm2D.LaunchForwardTraining(V(input), V(gamma), V(beta), V(output), V(mean), V(inverseStd), V(runningMean),
            V(runningVariance), batch, channels, spatial, momentum, epsilon);

    /// <inheritdoc />
    protected override void BatchNorm2DForwardInferenceCore(DeviceBuffer input, DeviceBuffer gamma, DeviceBuffer beta,
        DeviceBuffer runningMean, DeviceBuffer runningVariance, DeviceBuffer output, int batch, int channels, int spatial, float epsilon) =>
        _kernels.BatchNorm2D.LaunchForwardInference(V(input), V(gamma), V(beta), V(runningMean), V(runningVariance), V(output),
            batch, channels, spatial, epsilon);

    /// <inheritdoc />
    protected override void BatchNorm2DBackwardCore(DeviceBuffer input, DeviceBuffer gamma, DeviceBuffer mean, DeviceBuffer inverseStd,
        DeviceBuffer dOutput, DeviceBuffer dInput, DeviceBuffer dGamma, DeviceBuffer dBeta, int batch, int channels, int spatial) =>
        _kernels.BatchNorm2D.LaunchBackward(V(input), V(gamma), V(mean), V(inverseStd), V(dOutput), V(dInput), V(dGamma), V(dBeta),
            batch, channels, spatial);

    /// <inheritdoc />
    protected override void LayerNormForwardCore(DeviceBuffer input, DeviceBuffer gamma, DeviceBuffer beta, DeviceBuffer output,
        DeviceBuffer mean, DeviceBuffer inverseStd, int rows, int features, float epsilon) =>
        _kernels.Normalization.LaunchLayerNormForward(V(input), V(gamma), V(beta), V(output), V(mean), V(inverseStd), rows, features, epsilon);

    /// <inheritdoc />
    protected override void LayerNormBackwardCore(DeviceBuffer input, DeviceBuffer gamma, DeviceBuffer mean, DeviceBuffer inverseStd,
        DeviceBuffer dOutput, DeviceBuffer dInput, DeviceBuffer dGamma, DeviceBuffer dBeta, int rows, int features) =>
        _kernels.Normalization.LaunchLayerNormBackward(V(input), V(gamma), V(mean), V(inverseStd), V(dOutput), V(dInput), V(dGamma), V(dBeta),
            rows, features);
}
