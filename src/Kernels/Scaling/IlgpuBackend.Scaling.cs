namespace MLNet.DeepExtensions.Kernels.Backends;

public sealed partial class IlgpuBackend
{
    /// <inheritdoc />
    protected override void ScaleShiftColumnsCore(DeviceBuffer input, DeviceBuffer scale, DeviceBuffer? shift, DeviceBuffer output, int rows, int columns) =>
        _kernels.Scaling.LaunchScaleShiftColumns(V(input), V(scale), VOrDummy(shift), shift is not null, V(output), rows, columns);
}
