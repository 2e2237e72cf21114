using MLNet.DeepExtensions.Kernels.Normalization;

namespace MLNet.DeepExtensions.Kernels.Backends;

// The normalization operations of the managed CPU backend; ComputeBackend.Normalization.cs documents them.
public sealed unsafe partial class ManagedCpuBackend
{
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
}
