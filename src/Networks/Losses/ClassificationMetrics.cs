namespace MLNet.DeepExtensions.Networks.Losses;

/// <summary>Host-side metric helpers shared by the losses.</summary>
internal static class ClassificationMetrics
{
    /// <summary>Rows whose largest output (first on ties) is at the class index in targets.</summary>
    public static double CountArgMaxHits(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, int rows, int classes)
    {
        int hits = 0;
        for (int r = 0; r < rows; r++)
        {
            var row = outputs.Slice(r * classes, classes);
            int best = 0;
            for (int c = 1; c < classes; c++) if (row[c] > row[best]) best = c;
            if (best == (int)targets[r]) hits++;
        }
        return hits;
    }

    /// <summary>Checks that each target is an integer class index in [0, classes).</summary>
    public static void ValidateClassIndices(ReadOnlySpan<float> targets, int classes, string source)
    {
        for (int r = 0; r < targets.Length; r++)
        {
            float t = targets[r];
            if (!(t >= 0 && t < classes) || t != MathF.Floor(t))
            {
                throw new ArgumentOutOfRangeException(nameof(targets), $"{source}: row {r} has class {t}; expected an integer class index in [0, {classes - 1}] for a model with {classes} outputs.");
            }
        }
    }

    /// <summary>Sum of squared differences between outputs and targets.</summary>
    public static double SumSquaredError(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, int count)
    {
        double sum = 0;
        for (int i = 0; i < count; i++)
        {
            double d = outputs[i] - targets[i];
            sum += d * d;
        }
        return sum;
    }
}
