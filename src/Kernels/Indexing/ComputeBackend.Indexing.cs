namespace MLNet.DeepExtensions.Kernels;

// ---- indexing by a device index buffer: gather rows (Embedding forward), deterministic scatter-add (its weight gradient)
public abstract partial class ComputeBackend
{
    /// <summary>
    /// Gathers rows by a device index buffer (an Embedding lookup): for i &lt; <paramref name="count"/>,
    /// output[i, :] = table[indices[i], :], for table (tableRows, columns), indices (count) and output (count, columns).
    /// An index is stored as a float (exact below 2^24, like the class indices of this contract). A negative index
    /// yields a zero row (a padded position; <see cref="ScatterAddRows"/> skips it, so the pair stays adjoint).
    /// Unlike <see cref="GatherRows(DeviceBuffer, int, ReadOnlySpan{int}, DeviceBuffer)"/>, the indices never visit the
    /// host: they are the output of earlier device work (a minibatch of token ids gathered from the data set).
    /// <paramref name="output"/> must not overlap table or indices.
    /// </summary>
    /// <remarks>
    /// The indices live on the device, so the public method cannot check them without a synchronization. The managed
    /// and reference backends check every index before writing anything and throw <see cref="ArgumentOutOfRangeException"/>
    /// ("'indices[i]' must be a negative value or an integer in [0, tableRows); got …") for one that is neither; the
    /// ILGPU backend does not check: a value that is not in [0, tableRows) (NaN included) yields a zero row like a
    /// negative one, and a fractional value is truncated toward zero, so a bad index never reads outside the table.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative, a buffer is too short, or (managed and
    /// reference backends) an index is invalid.</exception>
    public void GatherRowsByIndex(DeviceBuffer table, int tableRows, int columns, DeviceBuffer indices, int count, DeviceBuffer output)
    {
        CheckCount(tableRows, nameof(tableRows));
        CheckCount(columns, nameof(columns));
        CheckCount(count, nameof(count));
        CheckMatrix(table, tableRows, columns, nameof(table));
        CheckVector(indices, count, nameof(indices));
        CheckMatrix(output, count, columns, nameof(output));
        CheckDistinct(table, output, nameof(table), nameof(output));
        CheckDistinct(indices, output, nameof(indices), nameof(output));
        GatherRowsByIndexCore(table, tableRows, columns, indices, count, output);
    }

    /// <summary>
    /// Scatter-adds rows by a device index buffer, the adjoint of <see cref="GatherRowsByIndex"/> (the Embedding weight
    /// gradient, which accumulates): for i = 0, 1, …, count − 1 in that order, destination[indices[i], :] += source[i, :],
    /// for source (count, columns), indices (count) and destination (destinationRows, columns). A negative index is
    /// skipped. Repeated indices add up; the index rules and their checking are those of
    /// <see cref="GatherRowsByIndex"/> (ILGPU skips an index outside [0, destinationRows)).
    /// </summary>
    /// <remarks>
    /// Deterministic on every backend and thread count: each destination element receives its contributions in
    /// ascending i, exactly as the sequential loop does, so the float sums are bit-identical from run to run, between
    /// the managed backend at any thread count, and between the managed and ILGPU backends (no atomics anywhere).
    /// <paramref name="destination"/> must not overlap source or indices.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative, a buffer is too short, or (managed and
    /// reference backends) an index is invalid.</exception>
    public void ScatterAddRows(DeviceBuffer source, DeviceBuffer indices, int count, int columns, DeviceBuffer destination, int destinationRows)
    {
        CheckCount(count, nameof(count));
        CheckCount(columns, nameof(columns));
        CheckCount(destinationRows, nameof(destinationRows));
        CheckMatrix(source, count, columns, nameof(source));
        CheckVector(indices, count, nameof(indices));
        CheckMatrix(destination, destinationRows, columns, nameof(destination));
        CheckDistinct(source, destination, nameof(source), nameof(destination));
        CheckDistinct(indices, destination, nameof(indices), nameof(destination));
        ScatterAddRowsCore(source, indices, count, columns, destination, destinationRows);
    }

    /// <summary>See <see cref="GatherRowsByIndex"/>; the counts and buffers are validated, the index values are not.</summary>
    protected abstract void GatherRowsByIndexCore(DeviceBuffer table, int tableRows, int columns, DeviceBuffer indices, int count, DeviceBuffer output);
    /// <summary>See <see cref="ScatterAddRows"/>; the counts and buffers are validated, the index values are not.</summary>
    protected abstract void ScatterAddRowsCore(DeviceBuffer source, DeviceBuffer indices, int count, int columns, DeviceBuffer destination, int destinationRows);

    /// <summary>
    /// Index <paramref name="i"/> as a row of a <paramref name="rows"/>-row matrix, −1 for a negative value (a zero row
    /// in a gather, skipped in a scatter), for the backends that check the device values (<see cref="GatherRowsByIndex"/>,
    /// <see cref="ScatterAddRows"/>); the one message every such backend throws for anything else.
    /// </summary>
    private protected static int CheckedRowIndex(double value, int i, int rows)
    {
        if (value < 0) return -1;
        if (!(value < rows) || value != Math.Floor(value))
        {
            throw new ArgumentOutOfRangeException("indices", value, $"'indices[{i}]' must be a negative value or an integer in [0, {rows}); got {value}.");
        }
        return (int)value;
    }
}
