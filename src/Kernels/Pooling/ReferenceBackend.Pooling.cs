using MLNet.DeepExtensions.Kernels.Pooling;

namespace MLNet.DeepExtensions.Kernels.Backends;

// The pooling operations of the reference backend (double precision, plain loops); ComputeBackend.Pooling.cs documents them.
public sealed partial class ReferenceBackend
{
    /// <inheritdoc />
    protected override void MaxPool2DForwardCore(DeviceBuffer input, DeviceBuffer output, DeviceBuffer argMax, Pool2DShape shape) =>
        ReferencePooling.MaxPool2DForward(D(input, shape.InputLength), D(output, shape.OutputLength), D(argMax, shape.OutputLength), shape);

    /// <inheritdoc />
    protected override void MaxPool2DBackwardCore(DeviceBuffer dOutput, DeviceBuffer argMax, DeviceBuffer dInput, Pool2DShape shape) =>
        ReferencePooling.MaxPool2DBackward(D(dOutput, shape.OutputLength), D(argMax, shape.OutputLength), D(dInput, shape.InputLength), shape);

    /// <inheritdoc />
    protected override void AvgPool2DForwardCore(DeviceBuffer input, DeviceBuffer output, Pool2DShape shape) =>
        ReferencePooling.AvgPool2DForward(D(input, shape.InputLength), D(output, shape.OutputLength), shape);

    /// <inheritdoc />
    protected override void AvgPool2DBackwardCore(DeviceBuffer dOutput, DeviceBuffer dInput, Pool2DShape shape) =>
        ReferencePooling.AvgPool2DBackward(D(dOutput, shape.OutputLength), D(dInput, shape.InputLength), shape);

    /// <inheritdoc />
    protected override void GlobalAvgPoolForwardCore(DeviceBuffer input, DeviceBuffer output, int planes, int area) =>
        ReferencePooling.GlobalAvgPoolForward(D(input, planes * area), D(output, planes), planes, area);

    /// <inheritdoc />
    protected override void GlobalAvgPoolBackwardCore(DeviceBuffer dOutput, DeviceBuffer dInput, int planes, int area) =>
        ReferencePooling.GlobalAvgPoolBackward(D(dOutput, planes), D(dInput, planes * area), planes, area);
}
