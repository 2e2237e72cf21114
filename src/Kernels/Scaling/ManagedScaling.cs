using System.Numerics.Tensors;

namespace MLNet.DeepExtensions.Kernels.Scaling;

/// <summary>The scaling family on the managed CPU backend: one fused multiply-add pass per row (SIMD through TensorPrimitives).</summary>
internal static class ManagedScaling
{
    /// <summary>output[r, c] = input[r, c] · scale[c] + shift[c]; <paramref name="shift"/> empty means 0.</summary>
    public static void ScaleShiftColumns(ReadOnlySpan<float> input, ReadOnlySpan<float> scale, ReadOnlySpan<float> shift, Span<float> output, int rows, int columns)
    {
        for (int r = 0; r < rows; r++)
        {
            var x = input.Slice(r * columns, columns);
            var y = output.Slice(r * columns, columns);
            if (shift.IsEmpty) TensorPrimitives.Multiply(x, scale, y);
            else TensorPrimitives.FusedMultiplyAdd(x, scale, shift, y);
        }
    }
}
