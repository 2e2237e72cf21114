using System.Numerics.Tensors;

namespace MLNet.DeepExtensions.Kernels.Backends;

// ---- indexing: row copies for the gather; a deterministic, optionally parallel scatter-add
public sealed unsafe partial class ManagedCpuBackend
{
    /// <summary>
    /// Below this many added elements (count · columns) <see cref="ComputeBackend.ScatterAddRows"/> runs on the calling
    /// thread: a WorkerPool hand-off costs more than the adds.
    /// </summary>
    internal const int ScatterAddParallelThreshold = 16_384;

    private readonly ScatterAddRowsJob _scatterAddJob = new();

    /// <inheritdoc />
    protected override void GatherRowsByIndexCore(DeviceBuffer table, int tableRows, int columns, DeviceBuffer indices, int count, DeviceBuffer output)
    {
        Span<float> w = F(table, tableRows * columns), idx = F(indices, count), y = F(output, count * columns);
        // Every index is checked before the first write, so a bad one leaves output untouched.
        for (int i = 0; i < count; i++) CheckedRowIndex(idx[i], i, tableRows);
        for (int i = 0; i < count; i++)
        {
            Span<float> row = y.Slice(i * columns, columns);
            if (idx[i] < 0) row.Clear();
            else w.Slice((int)idx[i] * columns, columns).CopyTo(row);
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Serial: destination row += source row (TensorPrimitives.Add) for i in ascending order. Parallel (count·columns at
    /// least <see cref="ScatterAddParallelThreshold"/>, more than one thread): the destination is cut into blocks of
    /// rows × columns, one WorkerPool index per block; every block scans all i in ascending order and adds only the
    /// rows and columns it owns. No two blocks write the same element, and each element still receives its terms in
    /// ascending i, each added by one IEEE float addition, so the sums are bit-identical to the serial loop whatever
    /// the thread count or the order in which blocks run.
    /// </remarks>
    protected override void ScatterAddRowsCore(DeviceBuffer source, DeviceBuffer indices, int count, int columns, DeviceBuffer destination, int destinationRows)
    {
        Span<float> idx = F(indices, count);
        // Every index is checked before the first write, so a bad one leaves destination untouched.
        for (int i = 0; i < count; i++) CheckedRowIndex(idx[i], i, destinationRows);
        if (count == 0 || columns == 0) return;

        int threads = _pool.ThreadCount;
        if (threads == 1 || (long)count * columns < ScatterAddParallelThreshold)
        {
            ScatterAddRowsJob.AddBlock(P(source), P(indices), P(destination), count, columns, 0, destinationRows, 0, columns);
            return;
        }
        // Column blocks of at least 64 floats (whole cache lines, SIMD-wide adds); the rest of the parallelism from rows.
        int columnBlocks = Math.Clamp(columns / 64, 1, threads);
        int rowBlocks = Math.Min(destinationRows, (threads + columnBlocks - 1) / columnBlocks);
        _scatterAddJob.Set(P(source), P(indices), P(destination), count, columns, destinationRows, rowBlocks, columnBlocks);
        _pool.Run(_scatterAddJob, rowBlocks * columnBlocks);
        _scatterAddJob.Clear();
    }

    /// <summary>One (row block, column block) of the destination per index; see <see cref="ScatterAddRowsCore"/>.</summary>
    private sealed class ScatterAddRowsJob : ParallelJob
    {
        private float* _source, _indices, _destination;
        private int _count, _columns, _destinationRows, _rowBlocks, _columnBlocks;

        public void Set(float* source, float* indices, float* destination, int count, int columns, int destinationRows, int rowBlocks, int columnBlocks)
        {
            _source = source;
            _indices = indices;
            _destination = destination;
            _count = count;
            _columns = columns;
            _destinationRows = destinationRows;
            _rowBlocks = rowBlocks;
            _columnBlocks = columnBlocks;
        }

        // The pointers of a finished call must not outlive it.
        public void Clear() => _source = _indices = _destination = null;

        public override void Execute(int index, int count)
        {
            int rowBlock = index / _columnBlocks, columnBlock = index % _columnBlocks;
            int rowStart = (int)((long)_destinationRows * rowBlock / _rowBlocks), rowEnd = (int)((long)_destinationRows * (rowBlock + 1) / _rowBlocks);
            // Column block boundaries on multiples of 16 floats (64 bytes), so no two blocks share a cache line of a row.
            int columnStart = ColumnBoundary(columnBlock), columnEnd = ColumnBoundary(columnBlock + 1);
            AddBlock(_source, _indices, _destination, _count, _columns, rowStart, rowEnd, columnStart, columnEnd);
        }

        private int ColumnBoundary(int block) => block == _columnBlocks ? _columns : (int)((long)_columns * block / _columnBlocks) & ~15;

        /// <summary>destination[row, c] += source[i, c] for i ascending, rows in [rowStart, rowEnd), c in [columnStart, columnEnd).</summary>
        public static void AddBlock(float* source, float* indices, float* destination, int count, int columns,
            int rowStart, int rowEnd, int columnStart, int columnEnd)
        {
            int width = columnEnd - columnStart;
            if (width <= 0) return;
            for (int i = 0; i < count; i++)
            {
                float value = indices[i];
                // Validated: a negative value (skipped) or an integer row.
                if (value < rowStart || value >= rowEnd) continue;
                var row = new Span<float>(destination + (long)(int)value * columns + columnStart, width);
                TensorPrimitives.Add(row, new ReadOnlySpan<float>(source + (long)i * columns + columnStart, width), row);
            }
        }
    }
}
