using MLNet.DeepExtensions.Kernels.Reductions;

namespace MLNet.DeepExtensions.Kernels.Backends;

// The reductions operations of the managed CPU backend; ComputeBackend.Reductions.cs documents them.
public sealed unsafe partial class ManagedCpuBackend
{
    /// <inheritdoc />
    protected override void SumColumnsCore(DeviceBuffer x, int rows, int columns, DeviceBuffer result, float beta) =>
        ManagedReductions.SumColumns(F(x, rows * columns), rows, columns, F(result, columns), beta);

    /// <inheritdoc />
    protected override float SumCore(DeviceBuffer x, int length) => (float)ManagedReductions.Sum(F(x, length));

    /// <inheritdoc />
    protected override float MaxCore(DeviceBuffer x, int length) => ManagedReductions.Max(F(x, length));

    /// <inheritdoc />
    protected override float SquaredNormCore(DeviceBuffer x, int length) => (float)ManagedReductions.SquaredNorm(F(x, length));

    /// <inheritdoc />
    protected override void ArgMaxRowsCore(DeviceBuffer x, int rows, int columns, DeviceBuffer result) =>
        ManagedReductions.ArgMaxRows(F(x, rows * columns), rows, columns, F(result, rows));
}
