using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MLNet.DeepExtensions.Kernels.Reductions;

/// <summary>
/// The managed CPU backend's reductions. Scalar results (sum, squared norm) accumulate in double, in a fixed order,
/// so they are deterministic run to run and close to the double oracle however long the vector.
/// </summary>
internal static class ManagedReductions
{
    /// <summary>result[c] = beta·result[c] + Σ_r x[r, c]; x (rows, columns). beta = 0 overwrites without reading (NaN does not leak).</summary>
    public static void SumColumns(ReadOnlySpan<float> x, int rows, int columns, Span<float> result, float beta)
    {
        // Row by row (contiguous, SIMD) in row order: a fixed summation order, hence deterministic.
        if (beta == 0f) result.Clear();
        else if (beta != 1f) TensorPrimitives.Multiply(result, beta, result);
        for (int r = 0; r < rows; r++) TensorPrimitives.Add(result, x.Slice(r * columns, columns), result);
    }

    /// <summary>Σ x[i], accumulated in double.</summary>
    public static double Sum(ReadOnlySpan<float> x)
    {
        int i = 0;
        double sum = 0;
        if (Vector512.IsHardwareAccelerated && x.Length >= Vector512<float>.Count)
        {
            ref float start = ref MemoryMarshal.GetReference(x);
            Vector512<double> lower = Vector512<double>.Zero, upper = Vector512<double>.Zero;
            for (; i <= x.Length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                Vector512<float> v = Vector512.LoadUnsafe(ref start, (nuint)i);
                lower += Vector512.WidenLower(v);
                upper += Vector512.WidenUpper(v);
            }
            sum = Vector512.Sum(lower + upper);
        }
        for (; i < x.Length; i++) sum += x[i];
        return sum;
    }

    /// <summary>Σ x[i]², accumulated in double.</summary>
    public static double SquaredNorm(ReadOnlySpan<float> x)
    {
        int i = 0;
        double sum = 0;
        if (Vector512.IsHardwareAccelerated && x.Length >= Vector512<float>.Count)
        {
            ref float start = ref MemoryMarshal.GetReference(x);
            Vector512<double> lower = Vector512<double>.Zero, upper = Vector512<double>.Zero;
            for (; i <= x.Length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                Vector512<float> v = Vector512.LoadUnsafe(ref start, (nuint)i);
                Vector512<double> lo = Vector512.WidenLower(v), hi = Vector512.WidenUpper(v);
                lower += lo * lo;
                upper += hi * hi;
            }
            sum = Vector512.Sum(lower + upper);
        }
        for (; i < x.Length; i++) sum += (double)x[i] * x[i];
        return sum;
    }

    /// <summary>acc[i] += x[i] in double (per-feature accumulation for batch statistics).</summary>
    public static void AccumulateWidened(ReadOnlySpan<float> x, Span<double> acc)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            ref float xs = ref MemoryMarshal.GetReference(x);
            ref double a = ref MemoryMarshal.GetReference(acc);
            for (; i <= x.Length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                Vector512<float> v = Vector512.LoadUnsafe(ref xs, (nuint)i);
                (Vector512.LoadUnsafe(ref a, (nuint)i) + Vector512.WidenLower(v)).StoreUnsafe(ref a, (nuint)i);
                (Vector512.LoadUnsafe(ref a, (nuint)(i + 8)) + Vector512.WidenUpper(v)).StoreUnsafe(ref a, (nuint)(i + 8));
            }
        }
        for (; i < x.Length; i++) acc[i] += x[i];
    }

    /// <summary>acc[i] += x[i]·y[i] in double.</summary>
    public static void AccumulateProductWidened(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<double> acc)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            ref float xs = ref MemoryMarshal.GetReference(x);
            ref float ys = ref MemoryMarshal.GetReference(y);
            ref double a = ref MemoryMarshal.GetReference(acc);
            for (; i <= x.Length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                Vector512<float> u = Vector512.LoadUnsafe(ref xs, (nuint)i);
                Vector512<float> v = Vector512.LoadUnsafe(ref ys, (nuint)i);
                (Vector512.LoadUnsafe(ref a, (nuint)i) + Vector512.WidenLower(u) * Vector512.WidenLower(v)).StoreUnsafe(ref a, (nuint)i);
                (Vector512.LoadUnsafe(ref a, (nuint)(i + 8)) + Vector512.WidenUpper(u) * Vector512.WidenUpper(v)).StoreUnsafe(ref a, (nuint)(i + 8));
            }
        }
        for (; i < x.Length; i++) acc[i] += (double)x[i] * y[i];
    }

    /// <summary>max x[i] (x not empty).</summary>
    public static float Max(ReadOnlySpan<float> x) => TensorPrimitives.Max(x);

    /// <summary>result[r] = index of the largest x[r, c], the first one on ties.</summary>
    public static void ArgMaxRows(ReadOnlySpan<float> x, int rows, int columns, Span<float> result)
    {
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> row = x.Slice(r * columns, columns);
            int best = 0;
            for (int c = 1; c < row.Length; c++)
            {
                if (row[c] > row[best]) best = c;
            }
            result[r] = best;
        }
    }
}
