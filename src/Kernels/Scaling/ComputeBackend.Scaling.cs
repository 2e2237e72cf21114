namespace MLNet.DeepExtensions.Kernels;

// Op family "Scaling": a fixed per-column affine map (feature standardization folded into a network, and its adjoint).
public abstract partial class ComputeBackend
{
    /// <summary>
    /// output[r, c] = input[r, c] · scale[c] + shift[c] (shift null: + 0) for matrices of shape (rows, columns);
    /// <paramref name="output"/> may be <paramref name="input"/>. Backward of the map is the same op on dOutput with no shift.
    /// </summary>
    public void ScaleShiftColumns(DeviceBuffer input, DeviceBuffer scale, DeviceBuffer? shift, DeviceBuffer output, int rows, int columns)
    {
        CheckMatrix(input, rows, columns, nameof(input));
        CheckVector(scale, columns, nameof(scale));
        if (shift is not null) CheckVector(shift, columns, nameof(shift));
        CheckMatrix(output, rows, columns, nameof(output));
        if (rows == 0 || columns == 0) return;
        ScaleShiftColumnsCore(input, scale, shift, output, rows, columns);
    }

    /// <summary>Implements <see cref="ScaleShiftColumns"/>; arguments are checked and non-empty.</summary>
    protected abstract void ScaleShiftColumnsCore(DeviceBuffer input, DeviceBuffer scale, DeviceBuffer? shift, DeviceBuffer output, int rows, int columns);
}
