namespace MLNet.DeepExtensions.Kernels.Backends;

// ---- indexing: plain loops in double, the oracle
public sealed partial class ReferenceBackend
{
    /// <inheritdoc />
    protected override void GatherRowsByIndexCore(DeviceBuffer table, int tableRows, int columns, DeviceBuffer indices, int count, DeviceBuffer output)
    {
        Span<double> w = D(table, tableRows * columns), idx = D(indices, count), y = D(output, count * columns);
        // Every index is checked before the first write, so a bad one leaves output untouched.
        for (int i = 0; i < count; i++) CheckedRowIndex(idx[i], i, tableRows);
        for (int i = 0; i < count; i++)
        {
            int row = CheckedRowIndex(idx[i], i, tableRows);
            for (int c = 0; c < columns; c++) y[i * columns + c] = row < 0 ? 0 : w[row * columns + c];
        }
    }

    /// <inheritdoc />
    protected override void ScatterAddRowsCore(DeviceBuffer source, DeviceBuffer indices, int count, int columns, DeviceBuffer destination, int destinationRows)
    {
        Span<double> s = D(source, count * columns), idx = D(indices, count), d = D(destination, destinationRows * columns);
        for (int i = 0; i < count; i++) CheckedRowIndex(idx[i], i, destinationRows);
        for (int i = 0; i < count; i++)
        {
            int row = CheckedRowIndex(idx[i], i, destinationRows);
            if (row < 0) continue;
            for (int c = 0; c < columns; c++) d[row * columns + c] += s[i * columns + c];
        }
    }
}
