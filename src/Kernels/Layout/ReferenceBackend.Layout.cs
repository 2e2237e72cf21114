namespace MLNet.DeepExtensions.Kernels.Backends;

// ---- layout: plain index loops, the oracle (pure data movement: exact in double as in float)
public sealed partial class ReferenceBackend
{
    /// <inheritdoc />
    protected override void BatchToTimeMajorCore(DeviceBuffer input, DeviceBuffer output, int batch, int steps, int features)
    {
        Span<double> x = D(input, batch * steps * features), y = D(output, batch * steps * features);
        for (int b = 0; b < batch; b++)
        {
            for (int t = 0; t < steps; t++)
            {
                for (int f = 0; f < features; f++) y[(t * batch + b) * features + f] = x[(b * steps + t) * features + f];
            }
        }
    }

    /// <inheritdoc />
    protected override void TimeToBatchMajorCore(DeviceBuffer input, DeviceBuffer output, int batch, int steps, int features)
    {
        Span<double> x = D(input, batch * steps * features), y = D(output, batch * steps * features);
        for (int b = 0; b < batch; b++)
        {
            for (int t = 0; t < steps; t++)
            {
                for (int f = 0; f < features; f++) y[(b * steps + t) * features + f] = x[(t * batch + b) * features + f];
            }
        }
    }

    /// <inheritdoc />
    protected override void ConcatColumnsCore(DeviceBuffer a, int aColumns, DeviceBuffer b, int bColumns, DeviceBuffer output, int rows)
    {
        int columns = aColumns + bColumns;
        Span<double> sa = D(a, rows * aColumns), sb = D(b, rows * bColumns), y = D(output, rows * columns);
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < aColumns; c++) y[r * columns + c] = sa[r * aColumns + c];
            for (int c = 0; c < bColumns; c++) y[r * columns + aColumns + c] = sb[r * bColumns + c];
        }
    }

    /// <inheritdoc />
    protected override void SplitColumnsCore(DeviceBuffer input, int rows, int aColumns, int bColumns, DeviceBuffer a, DeviceBuffer b)
    {
        int columns = aColumns + bColumns;
        Span<double> x = D(input, rows * columns), sa = D(a, rows * aColumns), sb = D(b, rows * bColumns);
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < aColumns; c++) sa[r * aColumns + c] = x[r * columns + c];
            for (int c = 0; c < bColumns; c++) sb[r * bColumns + c] = x[r * columns + aColumns + c];
        }
    }

    /// <inheritdoc />
    protected override void ReverseSequencesCore(DeviceBuffer input, DeviceBuffer output, int batch, int steps, int features, DeviceBuffer? lengths)
    {
        Span<double> x = D(input, batch * steps * features), y = D(output, batch * steps * features);
        Span<double> l = Optional(lengths, batch);
        // Every length is checked before the first write, so a bad one leaves output untouched.
        for (int b = 0; b < l.Length; b++) CheckedSequenceLength(l[b], b, steps);
        for (int b = 0; b < batch; b++)
        {
            int length = lengths is null ? steps : (int)l[b];
            for (int t = 0; t < steps; t++)
            {
                int source = t < length ? length - 1 - t : t;
                for (int f = 0; f < features; f++) y[(b * steps + t) * features + f] = x[(b * steps + source) * features + f];
            }
        }
    }
}
