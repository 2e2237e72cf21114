namespace MLNet.DeepExtensions.Kernels.Reductions;

/// <summary>The oracle's reductions, accumulated in double.</summary>
internal static class ReferenceReductions
{
    /// <summary>result[c] = beta·result[c] + Σ_r x[r, c]; x (rows, columns). beta = 0 overwrites without reading.</summary>
    public static void SumColumns(ReadOnlySpan<double> x, int rows, int columns, Span<double> result, double beta)
    {
        for (int c = 0; c < columns; c++)
        {
            double sum = 0;
            for (int r = 0; r < rows; r++) sum += x[r * columns + c];
            result[c] = beta == 0 ? sum : beta * result[c] + sum;
        }
    }

    /// <summary>Σ x[i].</summary>
    public static double Sum(ReadOnlySpan<double> x)
    {
        double sum = 0;
        foreach (double v in x) sum += v;
        return sum;
    }

    /// <summary>max x[i] (x not empty).</summary>
    public static double Max(ReadOnlySpan<double> x)
    {
        double max = x[0];
        foreach (double v in x) max = Math.Max(max, v);
        return max;
    }

    /// <summary>Σ x[i]².</summary>
    public static double SquaredNorm(ReadOnlySpan<double> x)
    {
        double sum = 0;
        foreach (double v in x) sum += v * v;
        return sum;
    }

    /// <summary>result[r] = index of the largest x[r, c], the first one on ties.</summary>
    public static void ArgMaxRows(ReadOnlySpan<double> x, int rows, int columns, Span<double> result)
    {
        for (int r = 0; r < rows; r++)
        {
            int best = 0;
            for (int c = 1; c < columns; c++)
            {
                if (x[r * columns + c] > x[r * columns + best]) best = c;
            }
            result[r] = best;
        }
    }
}
