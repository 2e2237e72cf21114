using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MLNet.DeepExtensions.Kernels.Elementwise;

/// <summary>The managed CPU backend's elementwise and row-broadcast operations (SIMD, no allocation).</summary>
internal static class ManagedElementwise
{
    /// <summary>x[r, c] += bias[c]; x (rows, columns), bias (columns).</summary>
    public static void AddRowVector(Span<float> x, ReadOnlySpan<float> bias, int rows, int columns)
    {
        for (int r = 0; r < rows; r++)
        {
            Span<float> row = x.Slice(r * columns, columns);
            TensorPrimitives.Add(row, bias, row);
        }
    }

    /// <summary>destination[i, :] = source[rowIndices[i], :]; rows of <paramref name="columns"/> elements.</summary>
    public static void GatherRows(ReadOnlySpan<float> source, int columns, ReadOnlySpan<int> rowIndices, Span<float> destination)
    {
        for (int i = 0; i < rowIndices.Length; i++)
        {
            source.Slice(rowIndices[i] * columns, columns).CopyTo(destination.Slice(i * columns, columns));
        }
    }

    /// <summary>x[i] ← alpha·x[i].</summary>
    public static void Scale(Span<float> x, float alpha) => TensorPrimitives.Multiply(x, alpha, x);

    /// <summary>y[i] ← y[i] + alpha·x[i].</summary>
    public static void Axpy(float alpha, ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.MultiplyAdd(x, alpha, y, y);

    /// <summary>result[i] = a[i]·b[i]; result may alias a or b (TensorPrimitives allows exact overlap).</summary>
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> result) => TensorPrimitives.Multiply(a, b, result);

    /// <summary>x[i] ← min(max(x[i], min), max).</summary>
    public static void Clamp(Span<float> x, float min, float max)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            ref float start = ref MemoryMarshal.GetReference(x);
            Vector512<float> lo = Vector512.Create(min), hi = Vector512.Create(max);
            for (; i <= x.Length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                Vector512.Min(Vector512.Max(Vector512.LoadUnsafe(ref start, (nuint)i), lo), hi).StoreUnsafe(ref start, (nuint)i);
            }
        }
        for (; i < x.Length; i++) x[i] = MathF.Min(MathF.Max(x[i], min), max);
    }

    /// <summary>
    /// Inverted dropout: mask[i] = 1/(1 − rate) where <see cref="CounterRandom.Uniform"/>(seed, i) ≥ rate, else 0;
    /// output[i] = input[i]·mask[i]. All three spans have the same length; output may alias input.
    /// </summary>
    public static void DropoutForward(ReadOnlySpan<float> input, Span<float> output, Span<float> mask, float rate, ulong seed)
    {
        // 1/(1 − rate) in double, then rounded once: the same float every backend stores.
        float keepScale = (float)(1.0 / (1.0 - rate));
        for (int i = 0; i < mask.Length; i++)
        {
            float m = CounterRandom.Uniform(seed, i) >= rate ? keepScale : 0f;
            mask[i] = m;
            output[i] = input[i] * m;
        }
    }
}
