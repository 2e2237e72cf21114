using MLNet.DeepExtensions.Kernels.Pooling;

namespace MLNet.DeepExtensions.Kernels.Backends;

// The pooling operations of the ILGPU backend (kernels loaded once by IlgpuKernelSet); ComputeBackend.Pooling.cs documents them.
public sealed partial class IlgpuBackend
{
    /// <inheritdoc />
    protected override void MaxPool2DForwardCore(DeviceBuffer input, DeviceBuffer output, DeviceBuffer argMax, Kernels.Pooling.Pool2DShape shape) =>
        _kernels.Pooling.LaunchMaxPool2DForward(V(input), V(output), V(argMax), shape);

    /// <inheritdoc />
    protected override void MaxPool2DBackwardCore(DeviceBuffer dOutput, DeviceBuffer argMax, DeviceBuffer dInput, Kernels.Pooling.Pool2DShape shape) =>
        _kernels.Pooling.LaunchMaxPool2DBackward(V(dOutput), V(argMax), V(dInput), shape);

    /// <inheritdoc />
    protected override void AvgPool2DForwardCore(DeviceBuffer input, DeviceBuffer output, Kernels.Pooling.Pool2DShape shape) =>
        _kernels.Pooling.LaunchAvgPool2DForward(V(input), V(output), shape);

    /// <inheritdoc />
    protected override void AvgPool2DBackwardCore(DeviceBuffer dOutput, DeviceBuffer dInput, Kernels.Pooling.Pool2DShape shape) =>
        _kernels.Pooling.LaunchAvgPool2DBackward(V(dOutput), V(dInput), shape);

    /// <inheritdoc />
    protected override void GlobalAvgPoolForwardCore(DeviceBuffer input, DeviceBuffer output, int planes, int area) =>
        _kernels.Pooling.LaunchGlobalAvgPoolForward(V(input), V(output), planes, area);

    /// <inheritdoc />
    protected override void GlobalAvgPoolBackwardCore(DeviceBuffer dOutput, DeviceBuffer dInput, int planes, int area) =>
        _kernels.Pooling.LaunchGlobalAvgPoolBackward(V(dOutput), V(dInput), planes, area);
}
