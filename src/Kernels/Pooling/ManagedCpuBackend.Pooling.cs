using MLNet.DeepExtensions.Kernels.Pooling;

namespace MLNet.DeepExtensions.Kernels.Backends;

// The pooling operations of the managed CPU backend; ComputeBackend.Pooling.cs documents them.
public sealed unsafe partial class ManagedCpuBackend
{
    /// <inheritdoc />
    protected override void MaxPool2DForwardCore(DeviceBuffer input, DeviceBuffer output, DeviceBuffer argMax, Pool2DShape shape) =>
        _pooling.MaxPool2DForward(P(input), P(output), P(argMax), shape);

    /// <inheritdoc />
    protected override void MaxPool2DBackwardCore(DeviceBuffer dOutput, DeviceBuffer argMax, DeviceBuffer dInput, Pool2DShape shape) =>
        _pooling.MaxPool2DBackward(P(dOutput), P(argMax), P(dInput), shape);

    /// <inheritdoc />
    protected override void AvgPool2DForwardCore(DeviceBuffer input, DeviceBuffer output, Pool2DShape shape) =>
        _pooling.AvgPool2DForward(P(input), P(output), shape);

    /// <inheritdoc />
    protected override void AvgPool2DBackwardCore(DeviceBuffer dOutput, DeviceBuffer dInput, Pool2DShape shape) =>
        _pooling.AvgPool2DBackward(P(dOutput), P(dInput), shape);

    /// <inheritdoc />
    protected override void GlobalAvgPoolForwardCore(DeviceBuffer input, DeviceBuffer output, int planes, int area) =>
        _pooling.GlobalAvgPoolForward(P(input), P(output), planes, area);

    /// <inheritdoc />
    protected override void GlobalAvgPoolBackwardCore(DeviceBuffer dOutput, DeviceBuffer dInput, int planes, int area) =>
        _pooling.GlobalAvgPoolBackward(P(dOutput), P(dInput), planes, area);
}
