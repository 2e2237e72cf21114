using MLNet.DeepExtensions.Kernels.Scaling;

namespace MLNet.DeepExtensions.Kernels.Backends;

public sealed unsafe partial class ManagedCpuBackend
{
    /// <inheritdoc />
    protected override void ScaleShiftColumnsCore(DeviceBuffer input, DeviceBuffer scale, DeviceBuffer? shift, DeviceBuffer output, int rows, int columns) =>
        ManagedScaling.ScaleShiftColumns(F(input, rows * columns), F(scale, columns), Optional(shift, columns), F(output, rows * columns), rows, columns);
}
