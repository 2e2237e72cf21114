using MLNet.DeepExtensions.Kernels.Conv;

namespace MLNet.DeepExtensions.Kernels.Backends;

// The convolution operations of the managed CPU backend; ComputeBackend.Convolution.cs documents them.
public sealed unsafe partial class ManagedCpuBackend
{
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
}
