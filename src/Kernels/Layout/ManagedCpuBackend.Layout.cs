namespace MLNet.DeepExtensions.Kernels.Backends;

// ---- layout: row-segment span copies (memmove), one thread. Pure data movement, so every result is exact and equals
// the reference's; a memory-bound copy gains little from a second core of this shared machine, so no WorkerPool here.
public sealed partial class ManagedCpuBackend
{
    /// <inheritdoc />
    protected override void BatchToTimeMajorCore(DeviceBuffer input, DeviceBuffer output, int batch, int steps, int features)
    {
        Span<float> x = F(input, batch * steps * features), y = F(output, batch * steps * features);
        for (int b = 0; b < batch; b++)
        {
            for (int t = 0; t < steps; t++) x.Slice((b * steps + t) * features, features).CopyTo(y.Slice((t * batch + b) * features, features));
        }
    }

    /// <inheritdoc />
    protected override void TimeToBatchMajorCore(DeviceBuffer input, DeviceBuffer output, int batch, int steps, int features)
    {
        Span<float> x = F(input, batch * steps * features), y = F(output, batch * steps * features);
        for (int b = 0; b < batch; b++)
        {
            for (int t = 0; t < steps; t++) x.Slice((t * batch + b) * features, features).CopyTo(y.Slice((b * steps + t) * features, features));
        }
    }

    /// <inheritdoc />
    protected override void ConcatColumnsCore(DeviceBuffer a, int aColumns, DeviceBuffer b, int bColumns, DeviceBuffer output, int rows)
    {
        int columns = aColumns + bColumns;
        Span<float> sa = F(a, rows * aColumns), sb = F(b, rows * bColumns), y = F(output, rows * columns);
        for (int r = 0; r < rows; r++)
        {
            sa.Slice(r * aColumns, aColumns).CopyTo(y.Slice(r * columns, aColumns));
            sb.Slice(r * bColumns, bColumns).CopyTo(y.Slice(r * columns + aColumns, bColumns));
        }
    }

    /// <inheritdoc />
    protected override void SplitColumnsCore(DeviceBuffer input, int rows, int aColumns, int bColumns, DeviceBuffer a, DeviceBuffer b)
    {
        int columns = aColumns + bColumns;
        Span<float> x = F(input, rows * columns), sa = F(a, rows * aColumns), sb = F(b, rows * bColumns);
        for (int r = 0; r < rows; r++)
        {
            x.Slice(r * columns, aColumns).CopyTo(sa.Slice(r * aColumns, aColumns));
            x.Slice(r * columns + aColumns, bColumns).CopyTo(sb.Slice(r * bColumns, bColumns));
        }
    }

    /// <inheritdoc />
    protected override void ReverseSequencesCore(DeviceBuffer input, DeviceBuffer output, int batch, int steps, int features, DeviceBuffer? lengths)
    {
        Span<float> x = F(input, batch * steps * features), y = F(output, batch * steps * features);
        Span<float> l = Optional(lengths, batch);
        // Every length is checked before the first write, so a bad one leaves output untouched.
        for (int b = 0; b < l.Length; b++) CheckedSequenceLength(l[b], b, steps);
        for (int b = 0; b < batch; b++)
        {
            int length = lengths is null ? steps : (int)l[b];
            Span<float> sequence = x.Slice(b * steps * features, steps * features), reversed = y.Slice(b * steps * features, steps * features);
            for (int t = 0; t < length; t++) sequence.Slice((length - 1 - t) * features, features).CopyTo(reversed.Slice(t * features, features));
            sequence[(length * features)..].CopyTo(reversed[(length * features)..]);
        }
    }
}
