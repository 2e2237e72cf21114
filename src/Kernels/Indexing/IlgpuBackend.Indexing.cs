namespace MLNet.DeepExtensions.Kernels.Backends;

// ---- indexing (kernels in Indexing/IlgpuIndexingKernels, launchers in IlgpuKernelSet.Indexing)
public sealed partial class IlgpuBackend
{
    /// <inheritdoc />
    /// <remarks>The indices are not checked (that would synchronize): one outside [0, tableRows) yields a zero row.</remarks>
    protected override void GatherRowsByIndexCore(DeviceBuffer table, int tableRows, int columns, DeviceBuffer indices, int count, DeviceBuffer output) =>
        _kernels.LaunchGatherRowsByIndex(V(table), tableRows, columns, V(indices), count, V(output));

    /// <inheritdoc />
    /// <remarks>The indices are not checked (that would synchronize): one outside [0, destinationRows) is skipped.</remarks>
    protected override void ScatterAddRowsCore(DeviceBuffer source, DeviceBuffer indices, int count, int columns, DeviceBuffer destination, int destinationRows) =>
        _kernels.LaunchScatterAddRows(V(source), V(indices), count, columns, V(destination), destinationRows);
}
