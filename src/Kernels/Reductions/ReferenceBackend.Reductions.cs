using MLNet.DeepExtensions.Kernels.Reductions;

namespace MLNet.DeepExtensions.Kernels.Backends;

// The reductions operations of the reference backend (double precision, plain loops); ComputeBackend.Reductions.cs documents them.
public sealed partial class ReferenceBackend
{
    /// <inheritdoc />
    protected override void SumColumnsCore(DeviceBuffer x, int rows, int columns, DeviceBuffer result, float beta) =>
        ReferenceReductions.SumColumns(D(x, rows * columns), rows, columns, D(result, columns), beta);

    /// <inheritdoc />
    protected override float SumCore(DeviceBuffer x, int length) => (float)ReferenceReductions.Sum(D(x, length));

    /// <inheritdoc />
    protected override float MaxCore(DeviceBuffer x, int length) => (float)ReferenceReductions.Max(D(x, length));

    /// <inheritdoc />
    protected override float SquaredNormCore(DeviceBuffer x, int length) => (float)ReferenceReductions.SquaredNorm(D(x, length));

    /// <inheritdoc />
    protected override void ArgMaxRowsCore(DeviceBuffer x, int rows, int columns, DeviceBuffer result) =>
        ReferenceReductions.ArgMaxRows(D(x, rows * columns), rows, columns, D(result, rows));
}
