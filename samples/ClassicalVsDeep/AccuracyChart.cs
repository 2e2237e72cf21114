using ScottPlot;

namespace MLNet.DeepExtensions.Samples.ClassicalVsDeep;

/// <summary>
/// Draws accuracy-vs-time.png: test micro-accuracy against training seconds, one labelled point per trainer
/// (classical blue circles, deep orange diamonds). The time axis is logarithmic when the times span more than a factor of 20.
/// </summary>
internal static class AccuracyChart
{
    private const int Width = 1000, Height = 620;
    // Approximate size of the data area and of one label character in pixels, for keeping labels apart.
    private const double AreaWidth = 900, AreaHeight = 520, CharWidth = 7.6, LabelHeight = 17;
    private const float FontSize = 13;

    public static void Write(string path, string dataSet, IReadOnlyList<TrainerResult> results)
    {
        var plot = new Plot();
        plot.Font.Set("DejaVu Sans");
        double minSeconds = results.Min(r => r.TrainSeconds);
        double maxSeconds = results.Max(r => r.TrainSeconds);
        bool logScale = maxSeconds > 20 * Math.Max(minSeconds, 1e-3);
        // ScottPlot 5 has no log axis: plot log10(seconds) and label the ticks with seconds.
        double X(double seconds) => logScale ? Math.Log10(Math.Max(seconds, 1e-3)) : seconds;

        double low = X(minSeconds), high = X(maxSeconds);
        double xSpan = Math.Max(high - low, logScale ? 1 : Math.Max(maxSeconds, 0.1));
        double left = low - xSpan * 0.08, right = high + xSpan * 0.45; // room on the right for the labels
        double minAccuracy = results.Min(r => r.MicroAccuracy), maxAccuracy = results.Max(r => r.MicroAccuracy);
        double ySpan = Math.Max(maxAccuracy - minAccuracy, 0.01);
        double bottom = minAccuracy - ySpan * 0.15, top = maxAccuracy + ySpan * 0.15;

        double PixelX(double x) => (x - left) / (right - left) * AreaWidth;
        double PixelY(double y) => (top - y) / (top - bottom) * AreaHeight;
        // Every marker is an obstacle for the labels, as is every label already placed.
        var placed = results.Select(r => (PixelX(X(r.TrainSeconds)) - 7, PixelY(r.MicroAccuracy) - 7, PixelX(X(r.TrainSeconds)) + 7, PixelY(r.MicroAccuracy) + 7)).ToList();
        var legendDone = new HashSet<string>();
        foreach (var result in results.OrderByDescending(r => r.MicroAccuracy).ThenBy(r => r.TrainSeconds))
        {
            bool deep = result.Family == "deep";
            var color = deep ? Colors.OrangeRed : Colors.SteelBlue;
            double x = X(result.TrainSeconds), y = result.MicroAccuracy;
            var marker = plot.Add.Marker(x, y, deep ? MarkerShape.FilledDiamond : MarkerShape.FilledCircle, deep ? 14 : 11, color);
            if (legendDone.Add(result.Family)) marker.LegendText = result.Family;

            string text = $"{result.Trainer} ({result.MicroAccuracy:F3})";
            double px = PixelX(x), py = PixelY(y);
            var (dx, dy) = FreeSpot(placed, px, py, text.Length * CharWidth);
            var label = plot.Add.Text(text, x, y);
            label.LabelFontSize = FontSize;
            label.LabelFontColor = color;
            label.LabelBold = deep;
            label.LabelOffsetX = (float)dx;
            label.LabelOffsetY = (float)dy;
        }

        plot.Axes.SetLimits(left, right, bottom, top);
        if (logScale) plot.Axes.Bottom.TickGenerator = LogTicks(left, right);
        plot.Title($"{dataSet}: test accuracy vs training time");
        plot.XLabel(logScale ? "training seconds (log scale)" : "training seconds");
        plot.YLabel("micro-accuracy (test)");
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SavePng(path, Width, Height);
    }

    /// <summary>
    /// The first label offset (pixels from the point; ScottPlot's y grows downward) whose box overlaps no label placed
    /// so far: right of the point, then below, above, further below and above.
    /// </summary>
    private static (double Dx, double Dy) FreeSpot(List<(double X0, double Y0, double X1, double Y1)> placed, double px, double py, double width)
    {
        double[] shifts = [-LabelHeight / 2, LabelHeight * 0.6, -LabelHeight * 1.6, LabelHeight * 1.7, -LabelHeight * 2.7, LabelHeight * 2.8];
        foreach (double dy in shifts)
        {
            var box = (px + 8, py + dy, px + 8 + width, py + dy + LabelHeight);
            if (!placed.Any(p => box.Item1 < p.X1 && p.X0 < box.Item3 && box.Item2 < p.Y1 && p.Y0 < box.Item4))
            {
                placed.Add(box);
                return (8, dy);
            }
        }
        return (8, shifts[0]);
    }

    /// <summary>Major ticks at 1, 2, 5 × 10^k seconds, minor ticks at the other integers of each decade.</summary>
    private static ScottPlot.TickGenerators.NumericManual LogTicks(double low, double high)
    {
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (int decade = (int)Math.Floor(low); decade <= (int)Math.Ceiling(high); decade++)
        {
            for (int m = 1; m <= 9; m++)
            {
                double seconds = m * Math.Pow(10, decade);
                double x = Math.Log10(seconds);
                if (x < low || x > high) continue;
                if (m is 1 or 2 or 5) ticks.AddMajor(x, seconds >= 1 ? seconds.ToString("0") : seconds.ToString("0.###"));
                else ticks.AddMinor(x);
            }
        }
        return ticks;
    }
}
