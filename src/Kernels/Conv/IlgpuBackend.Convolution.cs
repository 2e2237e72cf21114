using MLNet.DeepExtensions.Kernels.Conv;

namespace MLNet.DeepExtensions.Kernels.Backends;

// The convolution operations of the ILGPU backend (kernels loaded once by IlgpuKernelSet); ComputeBackend.Convolution.cs documents them.
public sealed partial class IlgpuBackend
{
    /// <inheritdoc />
    protected override void Conv2DForwardCore(DeviceBuffer input, DeviceBuffer weight, DeviceBuffer? bias, DeviceBuffer output, in Conv2DShape shape) =>
        _kernels.Convolution.LaunchForward(V(input), V(weight), VOrDummy(bias), bias is not null, V(output), shape);

    /// <inheritdoc />
    protected override void Conv2DBackwardInputCore(DeviceBuffer dOutput, DeviceBuffer weight, DeviceBuffer dInput, in Conv2DShape shape) =>
        _kernels.Convolution.LaunchBackwardInput(V(dOutput), V(weight), V(dInput), shape);

    /// <inheritdoc />
    protected override void Conv2DBackwardWeightCore(DeviceBuffer input, DeviceBuffer dOutput, DeviceBuffer dWeight, DeviceBuffer? dBias, in Conv2DShape shape) =>
        _kernels.Convolution.LaunchBackwardWeight(V(input), V(dOutput), V(dWeight), VOrDummy(dBias), dBias is not null, shape);
}
