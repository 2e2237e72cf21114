namespace MLNet.DeepExtensions;

/// <summary>
/// Rows of a fixed width appended one at a time, ending as one contiguous array. With a known row count it writes
/// straight into the final array; otherwise into fixed 4096-row chunks that are copied once at the end. Growing one
/// big array by doubling would allocate and copy about three times the data, and page churn is what costs most here.
/// </summary>
internal sealed class RowStore
{
    private const int ChunkRows = 4096;
    private readonly int _width;
    private readonly float[]? _exact;
    private readonly List<float[]> _chunks = new();
    private int _rows;

    public RowStore(int width, long? knownRows)
    {
        _width = width;
        if (knownRows is > 0 and < int.MaxValue) _exact = GC.AllocateUninitializedArray<float>(checked((int)knownRows.Value * width));
    }

    /// <summary>The storage of the next row, to be filled by the caller.</summary>
    public Span<float> NextRow()
    {
        int row = _rows++;
        if (_exact is not null && row * (long)_width < _exact.Length) return _exact.AsSpan(row * _width, _width);
        int inChunk = (row - ExactRows) % ChunkRows;
        if (inChunk == 0) _chunks.Add(GC.AllocateUninitializedArray<float>(ChunkRows * _width));
        return _chunks[^1].AsSpan(inChunk * _width, _width);
    }

    /// <summary>All rows, contiguous (the exact array itself when the count was known and right).</summary>
    public float[] ToArray()
    {
        if (_exact is not null && _rows == ExactRows) return _exact;
        var all = GC.AllocateUninitializedArray<float>(checked(_rows * _width));
        int filled = Math.Min(_rows, ExactRows);
        _exact?.AsSpan(0, filled * _width).CopyTo(all);
        int offset = filled * _width;
        foreach (var chunk in _chunks)
        {
            int count = Math.Min(chunk.Length, all.Length - offset);
            chunk.AsSpan(0, count).CopyTo(all.AsSpan(offset));
            offset += count;
        }
        return all;
    }

    // Rows the exact array holds (0 without one).
    private int ExactRows => _exact is null ? 0 : _exact.Length / Math.Max(_width, 1);
}
