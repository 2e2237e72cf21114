namespace MLNet.DeepExtensions.Kernels.Scaling;

/// <summary>Plain loops in double: the oracle of the scaling family.</summary>
internal static class ReferenceScaling
{
    /// <summary>output[r, c] = input[r, c] · scale[c] + shift[c]; <paramref name="shift"/> empty means 0.</summary>
    public static void ScaleShiftColumns(ReadOnlySpan<double> input, ReadOnlySpan<double> scale, ReadOnlySpan<double> shift, Span<double> output, int rows, int columns)
    {
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                int i = r * columns + c;
                output[i] = input[i] * scale[c] + (shift.IsEmpty ? 0.0 : shift[c]);
            }
        }
    }
}
