using ILGPU;

namespace MLNet.DeepExtensions.Kernels.Indexing;

/// <summary>
/// ILGPU indexing kernels, without atomics. The gather is one thread per output element. The scatter-add is one thread
/// per (destination row block, column): it scans every index in ascending order and adds the terms of the rows its
/// block owns, so every destination element is written by one thread and receives its terms in ascending i, the same
/// float sums as the managed backend's, bit for bit. Index values are not checked on the device: a value outside
/// [0, rows) (negative, too large or NaN) is a zero row in the gather and skipped in the scatter, and a fractional one
/// is truncated toward zero, so no index reads or writes outside a buffer. The launchers are loaded once per
/// accelerator (<c>IlgpuKernelSet.LoadIndexing</c>).
/// </summary>
internal static class IlgpuIndexingKernels
{
    /// <summary>output[r, c] = table[indices[r], c], or 0 when indices[r] is not in [0, tableRows).</summary>
    /// <param name="i">Flat output index r·columns + c in [0, count·columns).</param>
    /// <param name="table">Matrix (tableRows, columns).</param>
    /// <param name="indices">Vector (count) of row indices stored as floats.</param>
    /// <param name="output">Matrix (count, columns).</param>
    /// <param name="tableRows">Rows of the table.</param>
    /// <param name="columns">Row length.</param>
    internal static void GatherRowsByIndex(Index1D i, ArrayView<float> table, ArrayView<float> indices, ArrayView<float> output, int tableRows, int columns)
    {
        int r = i / columns, c = i - r * columns;
        float v = indices[r];
        // v >= 0 && v < tableRows is false for NaN.
        output[i] = v >= 0f && v < tableRows ? table[(long)(int)v * columns + c] : 0f;
    }

    /// <summary>
    /// destination[row, c] += source[i, c] for i = 0 … count − 1 in order, where row = indices[i] lies in this thread's
    /// block [block·rowsPerBlock, (block + 1)·rowsPerBlock) ∩ [0, destinationRows).
    /// </summary>
    /// <param name="j">Thread index block·columns + c in [0, blocks·columns).</param>
    /// <param name="source">Matrix (count, columns).</param>
    /// <param name="indices">Vector (count) of destination rows stored as floats.</param>
    /// <param name="destination">Matrix (destinationRows, columns), accumulated into.</param>
    /// <param name="count">Rows of source.</param>
    /// <param name="columns">Row length.</param>
    /// <param name="destinationRows">Rows of destination.</param>
    /// <param name="rowsPerBlock">Destination rows per thread block of rows.</param>
    internal static void ScatterAddRows(Index1D j, ArrayView<float> source, ArrayView<float> indices, ArrayView<float> destination,
        int count, int columns, int destinationRows, int rowsPerBlock)
    {
        int block = j / columns, c = j - block * columns;
        int rowStart = block * rowsPerBlock;
        int rowEnd = Math.Min(rowStart + rowsPerBlock, destinationRows);
        // Each term is one float addition into the stored element, in ascending i: the roundings of the sequential loop.
        for (int i = 0; i < count; i++)
        {
            float v = indices[i];
            if (v >= rowStart && v < rowEnd)
            {
                long d = (long)(int)v * columns + c;
                destination[d] = destination[d] + source[(long)i * columns + c];
            }
        }
    }
}
