namespace MLNet.DeepExtensions.Kernels;

// ---- layout: batch-major <-> time-major transposes, column concat/split, sequence reversal (recurrent layers)
public abstract partial class ComputeBackend
{
    /// <summary>
    /// Batch-major to time-major: output[t, b, f] = input[b, t, f], for input (batch, steps, features) and output
    /// (steps, batch, features). A recurrent layer runs one GEMM per time step over the contiguous (batch, features)
    /// slab this makes. <paramref name="output"/> must be a different buffer from <paramref name="input"/> and must not
    /// overlap it. The adjoint (and inverse) is <see cref="TimeToBatchMajor"/> with the same dimensions.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative or a buffer is too short.</exception>
    public void BatchToTimeMajor(DeviceBuffer input, DeviceBuffer output, int batch, int steps, int features)
    {
        int length = CheckSequenceTensor(batch, steps, features);
        CheckVector(input, length, nameof(input));
        CheckVector(output, length, nameof(output));
        CheckDistinct(input, output, nameof(input), nameof(output));
        BatchToTimeMajorCore(input, output, batch, steps, features);
    }

    /// <summary>
    /// Time-major to batch-major: output[b, t, f] = input[t, b, f], for input (steps, batch, features) and output
    /// (batch, steps, features); the inverse and the adjoint of <see cref="BatchToTimeMajor"/>. <paramref name="output"/>
    /// must be a different buffer from <paramref name="input"/> and must not overlap it.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative or a buffer is too short.</exception>
    public void TimeToBatchMajor(DeviceBuffer input, DeviceBuffer output, int batch, int steps, int features)
    {
        int length = CheckSequenceTensor(batch, steps, features);
        CheckVector(input, length, nameof(input));
        CheckVector(output, length, nameof(output));
        CheckDistinct(input, output, nameof(input), nameof(output));
        TimeToBatchMajorCore(input, output, batch, steps, features);
    }

    /// <summary>
    /// Column concatenation: output[r, :] = [a[r, :], b[r, :]], for a (rows, aColumns), b (rows, bColumns) and output
    /// (rows, aColumns + bColumns); Keras' Concatenate(axis=-1), torch.cat(dim=-1) (a Bidirectional layer joins its
    /// forward and backward outputs this way). <paramref name="output"/> is overwritten and must not overlap a or b.
    /// The adjoint is <see cref="SplitColumns"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative or a buffer is too short.</exception>
    public void ConcatColumns(DeviceBuffer a, int aColumns, DeviceBuffer b, int bColumns, DeviceBuffer output, int rows)
    {
        int columns = CheckConcatShape(rows, aColumns, bColumns);
        CheckMatrix(a, rows, aColumns, nameof(a));
        CheckMatrix(b, rows, bColumns, nameof(b));
        CheckMatrix(output, rows, columns, nameof(output));
        CheckDistinct(a, output, nameof(a), nameof(output));
        CheckDistinct(b, output, nameof(b), nameof(output));
        ConcatColumnsCore(a, aColumns, b, bColumns, output, rows);
    }

    /// <summary>
    /// Column split, the adjoint of <see cref="ConcatColumns"/>: a[r, :] = input[r, 0 .. aColumns) and
    /// b[r, :] = input[r, aColumns .. aColumns + bColumns), for input (rows, aColumns + bColumns), a (rows, aColumns) and
    /// b (rows, bColumns). Both outputs are overwritten (they are input gradients in a Bidirectional backward pass) and
    /// must not overlap input or each other.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative or a buffer is too short.</exception>
    public void SplitColumns(DeviceBuffer input, int rows, int aColumns, int bColumns, DeviceBuffer a, DeviceBuffer b)
    {
        int columns = CheckConcatShape(rows, aColumns, bColumns);
        CheckMatrix(input, rows, columns, nameof(input));
        CheckMatrix(a, rows, aColumns, nameof(a));
        CheckMatrix(b, rows, bColumns, nameof(b));
        CheckDistinct(input, a, nameof(input), nameof(a));
        CheckDistinct(input, b, nameof(input), nameof(b));
        CheckDistinct(a, b, nameof(a), nameof(b));
        SplitColumnsCore(input, rows, aColumns, bColumns, a, b);
    }

    /// <summary>
    /// Reverses the valid prefix of every sequence (PyTorch's reverse_padded_sequence; what the backward direction of
    /// a Bidirectional layer reads): for input and output (batch, steps, features) and L = lengths[b],
    /// output[b, t, :] = input[b, L − 1 − t, :] for t &lt; L, and output[b, t, :] = input[b, t, :] (the padding, copied
    /// unchanged) for t ≥ L. <paramref name="lengths"/> (batch) holds each row's length as a float (an integer in
    /// [0, steps], exact like the class indices of this contract); null means every row is <paramref name="steps"/> long
    /// (a plain reversal along time). The operation is its own inverse and its own adjoint, so the backward pass is the
    /// same call on dOutput. <paramref name="output"/> must not overlap input.
    /// </summary>
    /// <remarks>
    /// The lengths live on the device, so the public method cannot check them without a synchronization. The managed
    /// and reference backends check each one before writing anything and throw <see cref="ArgumentOutOfRangeException"/>
    /// ("'lengths[b]' must be an integer in [0, steps]; got …") for a value that is not; the ILGPU backend does not
    /// check: it truncates the value toward zero and clamps it into [0, steps] (a NaN counts as 0), so a bad length
    /// never reads or writes outside the buffers.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative, a buffer is too short, or (managed and
    /// reference backends) a length is not an integer in [0, steps].</exception>
    public void ReverseSequences(DeviceBuffer input, DeviceBuffer output, int batch, int steps, int features, DeviceBuffer? lengths)
    {
        int length = CheckSequenceTensor(batch, steps, features);
        CheckVector(input, length, nameof(input));
        CheckVector(output, length, nameof(output));
        CheckDistinct(input, output, nameof(input), nameof(output));
        if (lengths is not null)
        {
            CheckVector(lengths, batch, nameof(lengths));
            CheckDistinct(lengths, output, nameof(lengths), nameof(output));
        }
        ReverseSequencesCore(input, output, batch, steps, features, lengths);
    }

    /// <summary>See <see cref="BatchToTimeMajor"/>; the arguments are validated.</summary>
    protected abstract void BatchToTimeMajorCore(DeviceBuffer input, DeviceBuffer output, int batch, int steps, int features);
    /// <summary>See <see cref="TimeToBatchMajor"/>; the arguments are validated.</summary>
    protected abstract void TimeToBatchMajorCore(DeviceBuffer input, DeviceBuffer output, int batch, int steps, int features);
    /// <summary>See <see cref="ConcatColumns"/>; the arguments are validated.</summary>
    protected abstract void ConcatColumnsCore(DeviceBuffer a, int aColumns, DeviceBuffer b, int bColumns, DeviceBuffer output, int rows);
    /// <summary>See <see cref="SplitColumns"/>; the arguments are validated.</summary>
    protected abstract void SplitColumnsCore(DeviceBuffer input, int rows, int aColumns, int bColumns, DeviceBuffer a, DeviceBuffer b);
    /// <summary>See <see cref="ReverseSequences"/>; the dimensions and buffers are validated, the length values are not.</summary>
    protected abstract void ReverseSequencesCore(DeviceBuffer input, DeviceBuffer output, int batch, int steps, int features, DeviceBuffer? lengths);

    // Returns batch·steps·features once the dimensions are non-negative and the tensor fits int indexing.
    private static int CheckSequenceTensor(int batch, int steps, int features)
    {
        CheckCount(batch, nameof(batch));
        CheckCount(steps, nameof(steps));
        CheckCount(features, nameof(features));
        long size = (long)batch * steps * features;
        if (size > int.MaxValue) throw Argument(nameof(batch), $"a batch whose tensor has at most {int.MaxValue} elements (this one has {size})", batch);
        return (int)size;
    }

    // Returns aColumns + bColumns once the counts are non-negative and the output fits int indexing.
    private static int CheckConcatShape(int rows, int aColumns, int bColumns)
    {
        CheckCount(rows, nameof(rows));
        CheckCount(aColumns, nameof(aColumns));
        CheckCount(bColumns, nameof(bColumns));
        long columns = (long)aColumns + bColumns;
        if (columns > int.MaxValue) throw Argument(nameof(bColumns), $"at most {int.MaxValue} - aColumns = {int.MaxValue - aColumns}", bColumns);
        if (columns * rows > int.MaxValue) throw Argument(nameof(rows), $"a row count whose output has at most {int.MaxValue} elements (this one has {columns * rows})", rows);
        return (int)columns;
    }

    /// <summary>
    /// The valid length of sequence <paramref name="row"/> as an int, for the backends that check the device values
    /// (<see cref="ReverseSequences"/>): an integer in [0, steps], else the one message every such backend throws.
    /// </summary>
    private protected static int CheckedSequenceLength(double value, int row, int steps)
    {
        if (!(value >= 0 && value <= steps) || value != Math.Floor(value))
        {
            throw new ArgumentOutOfRangeException("lengths", value, $"'lengths[{row}]' must be an integer in [0, {steps}]; got {value}.");
        }
        return (int)value;
    }
}
