using System.Globalization;
using System.Text;

namespace MLNet.DeepExtensions.Benchmarks.TabularBaselines;

/// <summary>The markdown tables: one per task, means over the split seeds, then each seed, RMSE, timings and the goals.</summary>
internal static class Report
{
    /// <summary>The markers around this app's section in a <c>--write</c> file.</summary>
    public const string SectionBegin = "<!-- tabular-baselines:begin -->";

    /// <summary>See <see cref="SectionBegin"/>.</summary>
    public const string SectionEnd = "<!-- tabular-baselines:end -->";

    public static string Markdown(IReadOnlyList<TableResult> tables, CommandLine settings, string[] args)
    {
        var text = new StringBuilder();
        text.AppendLine("## Tabular baselines");
        text.AppendLine();
        text.AppendLine($"`TabularBaselines {string.Join(' ', args.Select(Quote))}` on {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, .NET {Environment.Version}. " +
            $"Splits: `ml.Data.TrainTestSplit(data, 0.2, seed)` for seeds 0..{settings.Seeds - 1}; cells are means over the seeds. " +
            $"DeepMlp: {(settings.Epochs is null && settings.Deep is null ? "default options (simple catalog overload)" : $"default options except{(settings.Epochs is int e ? $" Epochs={e}" : "")}{(settings.Deep is string d ? $" {d}" : "")}")}. " +
            "SDCA rows: after NormalizeMeanVariance; LightGbm: raw columns.");
        foreach (var task in new[] { TabularTask.Regression, TabularTask.Multiclass, TabularTask.Binary })
        {
            var ofTask = tables.Where(t => t.Set.Task == task).ToList();
            if (ofTask.Count == 0) continue;
            string metric = task == TabularTask.Regression ? "R²" : "accuracy";
            var names = ofTask[0].Contenders.Select(c => c.Name).ToList();
            text.AppendLine();
            text.AppendLine($"### {task} ({metric}, test rows, mean over {settings.Seeds} split seed{(settings.Seeds == 1 ? "" : "s")})");
            text.AppendLine();
            text.AppendLine($"| data set | rows | features | target range | {string.Join(" | ", names.Select(n => $"{n} {metric}"))} | seconds |");
            text.AppendLine($"|---|---:|---:|---|{string.Concat(names.Select(_ => "---:|"))}---:|");
            foreach (var t in ofTask)
            {
                text.AppendLine($"| {t.Set.Name} | {t.Rows} | {t.Features} | {Number(t.LabelMin)} – {Number(t.LabelMax)} | {string.Join(" | ", t.Contenders.Select(c => Cell(c, c.MeanMetric)))} | {t.Seconds:F0} |");
            }
            if (settings.Seeds > 1)
            {
                text.AppendLine();
                text.AppendLine($"Each split seed ({metric}, seeds 0 / 1 / ...):");
                text.AppendLine();
                text.AppendLine($"| data set | {string.Join(" | ", names)} |");
                text.AppendLine($"|---|{string.Concat(names.Select(_ => "---|"))}");
                foreach (var t in ofTask)
                {
                    text.AppendLine($"| {t.Set.Name} | {string.Join(" | ", t.Contenders.Select(c => c.Error is null ? string.Join(" / ", c.Splits.Select(s => Metric(s.Metric))) : "failed"))} |");
                }
            }
            if (task == TabularTask.Regression)
            {
                text.AppendLine();
                text.AppendLine("RMSE (label units, mean over the seeds):");
                text.AppendLine();
                text.AppendLine($"| data set | {string.Join(" | ", names)} |");
                text.AppendLine($"|---|{string.Concat(names.Select(_ => "---:|"))}");
                foreach (var t in ofTask)
                {
                    text.AppendLine($"| {t.Set.Name} | {string.Join(" | ", t.Contenders.Select(c => c.Error is null ? Number(c.MeanRmse) : "failed"))} |");
                }
            }
            text.AppendLine();
            text.AppendLine("Seconds per split (fit + score, mean over the seeds):");
            text.AppendLine();
            text.AppendLine($"| data set | {string.Join(" | ", names)} |");
            text.AppendLine($"|---|{string.Concat(names.Select(_ => "---:|"))}");
            foreach (var t in ofTask)
            {
                text.AppendLine($"| {t.Set.Name} | {string.Join(" | ", t.Contenders.Select(c => c.Error is null ? c.MeanSeconds.ToString("F1", CultureInfo.InvariantCulture) : "failed"))} |");
            }
            text.AppendLine();
            text.AppendLine(task == TabularTask.Regression
                ? "Goal (a): DeepMlp (raw, default options) R² at least SDCA's:"
                : "Goal (b): DeepMlp (raw, default options) within 1 point of accuracy of DeepMlp after NormalizeMeanVariance:");
            text.AppendLine();
            foreach (var t in ofTask)
            {
                var raw = t.Contenders.First(c => c.Name == Contenders.RawDeep);
                if (task == TabularTask.Regression)
                {
                    var sdca = t.Contenders[0];
                    double gap = raw.MeanMetric - sdca.MeanMetric;
                    text.AppendLine($"- {t.Set.Name}: {(gap >= 0 ? "met" : "NOT met")} (DeepMlp raw {Metric(raw.MeanMetric)} vs SDCA {Metric(sdca.MeanMetric)}, {gap:+0.0000;-0.0000})");
                }
                else
                {
                    var normalized = t.Contenders.First(c => c.Name == Contenders.NormalizedDeep);
                    double points = 100 * (raw.MeanMetric - normalized.MeanMetric);
                    text.AppendLine($"- {t.Set.Name}: {(points >= -1 ? "met" : "NOT met")} (DeepMlp raw {Metric(raw.MeanMetric)} vs +NormalizeMeanVariance {Metric(normalized.MeanMetric)}, {points:+0.0;-0.0} points)");
                }
            }
            var failures = ofTask.SelectMany(t => t.Contenders.Where(c => c.Error is not null).Select(c => $"- {t.Set.Name} / {c.Name}: {c.Error}")).ToList();
            if (failures.Count > 0)
            {
                text.AppendLine();
                text.AppendLine("Failures:");
                text.AppendLine();
                foreach (var f in failures) text.AppendLine(f);
            }
        }
        return text.ToString();
    }

    private static string Cell(ContenderResult c, double value) => c.Error is null ? Metric(value) : "failed";

    private static string Metric(double value) => double.IsNaN(value) ? "NaN" : value.ToString("F4", CultureInfo.InvariantCulture);

    private static string Number(double value) =>
        double.IsNaN(value) ? "NaN"
        : Math.Abs(value) >= 1e4 ? value.ToString("N0", CultureInfo.InvariantCulture)
        : value.ToString("G4", CultureInfo.InvariantCulture);

    private static string Quote(string arg) => arg.Any(char.IsWhiteSpace) || arg.Contains('"') || arg.Contains(';') ? $"\"{arg}\"" : arg;
}
