namespace MLNet.DeepExtensions.Kernels.Elementwise;

/// <summary>The oracle's elementwise and row-broadcast operations, plain loops in double.</summary>
internal static class ReferenceElementwise
{
    /// <summary>x[r, c] += bias[c]; x (rows, columns), bias (columns).</summary>
    public static void AddRowVector(Span<double> x, ReadOnlySpan<double> bias, int rows, int columns)
    {
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++) x[r * columns + c] += bias[c];
        }
    }

    /// <summary>destination[i, :] = source[rowIndices[i], :]; rows of <paramref name="columns"/> elements.</summary>
    public static void GatherRows(ReadOnlySpan<double> source, int columns, ReadOnlySpan<int> rowIndices, Span<double> destination)
    {
        for (int i = 0; i < rowIndices.Length; i++)
        {
            for (int c = 0; c < columns; c++) destination[i * columns + c] = source[rowIndices[i] * columns + c];
        }
    }

    /// <summary>x[i] ← alpha·x[i].</summary>
    public static void Scale(Span<double> x, double alpha)
    {
        for (int i = 0; i < x.Length; i++) x[i] *= alpha;
    }

    /// <summary>y[i] ← y[i] + alpha·x[i].</summary>
    public static void Axpy(double alpha, ReadOnlySpan<double> x, Span<double> y)
    {
        for (int i = 0; i < y.Length; i++) y[i] += alpha * x[i];
    }

    /// <summary>result[i] = a[i]·b[i]; result may alias a or b.</summary>
    public static void Multiply(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> result)
    {
        for (int i = 0; i < result.Length; i++) result[i] = a[i] * b[i];
    }

    /// <summary>x[i] ← min(max(x[i], min), max).</summary>
    public static void Clamp(Span<double> x, double min, double max)
    {
        for (int i = 0; i < x.Length; i++) x[i] = Math.Min(Math.Max(x[i], min), max);
    }

    /// <summary>
    /// Inverted dropout: mask[i] = 1/(1 − rate) where <see cref="CounterRandom.Uniform"/>(seed, i) ≥ rate, else 0;
    /// output[i] = input[i]·mask[i]. All three spans have the same length; output may alias input.
    /// </summary>
    public static void DropoutForward(ReadOnlySpan<double> input, Span<double> output, Span<double> mask, float rate, ulong seed)
    {
        // The keep test compares floats (the uniform has 24 bits, exact in float) so every backend draws the same mask.
        double keepScale = 1.0 / (1.0 - rate);
        for (int i = 0; i < mask.Length; i++)
        {
            mask[i] = CounterRandom.Uniform(seed, i) >= rate ? keepScale : 0.0;
            output[i] = input[i] * mask[i];
        }
    }
}
