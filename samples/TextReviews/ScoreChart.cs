using ScottPlot;

namespace MLNet.DeepExtensions.Samples.TextReviews;

/// <summary>
/// Draws scores.png: for each trainer, its test accuracy and AUC as two bars side by side (classical blue, deep orange;
/// AUC lighter), the value on top of each bar and the training seconds under the trainer's name.
/// </summary>
internal static class ScoreChart
{
    private const int Width = 1000, Height = 560;

    public static void Write(string path, IReadOnlyList<ReviewResult> results)
    {
        var plot = new Plot();
        plot.Font.Set("DejaVu Sans");
        var ticks = new List<Tick>();
        double lowest = 1;
        for (int i = 0; i < results.Count; i++)
        {
            var r = results[i];
            var color = r.Family == "deep" ? Colors.OrangeRed : Colors.SteelBlue;
            AddBar(plot, 3 * i, r.Accuracy, color, "accuracy");
            AddBar(plot, 3 * i + 1, r.Auc, color.Lighten(0.45), "AUC");
            ticks.Add(new Tick(3 * i + 0.5, $"{r.Trainer}\n{r.TrainSeconds:F1} s", true));
            lowest = Math.Min(lowest, Math.Min(r.Accuracy, r.Auc));
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks.ToArray());
        // Bars start near the lowest score, not at 0: the differences of interest are a few points of accuracy.
        double bottom = Math.Max(0, Math.Floor((lowest - 0.05) * 20) / 20);
        plot.Axes.SetLimits(-1, 3 * results.Count - 1, bottom, 1);
        plot.Title("small_fine_foods: test accuracy and AUC (darker: accuracy, lighter: AUC)");
        plot.YLabel("score on the 1,000 test reviews");
        plot.SavePng(path, Width, Height);
    }

    private static void AddBar(Plot plot, double position, double value, Color color, string what)
    {
        var bar = new Bar { Position = position, Value = value, ValueBase = 0, FillColor = color, Label = $"{what}\n{value:F3}" };
        var bars = plot.Add.Bars(new[] { bar });
        bars.ValueLabelStyle.FontSize = 13;
    }
}
