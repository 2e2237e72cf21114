using MLNet.DeepExtensions.Kernels.Scaling;

namespace MLNet.DeepExtensions.Kernels.Backends;

public sealed partial class ReferenceBackend
{
    /// <inheritdoc />
    protected override void ScaleShiftColumnsCore(DeviceBuffer input, DeviceBuffer scale, DeviceBuffer? shift, DeviceBuffer output, int rows, int columns) =>
        ReferenceScaling.ScaleShiftColumns(D(input, rows * columns), D(scale, columns), Optional(shift, columns), D(output, rows * columns), rows, columns);
}
