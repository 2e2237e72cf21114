using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace MLNet.DeepExtensions.Samples.TextReviews;

/// <summary>Writes report.md: the data, the method and the table, for pasting into docs/BENCHMARKS.md.</summary>
internal static class ReviewReport
{
    public static void WriteMarkdown(string path, IReadOnlyList<ReviewResult> results, int trainRows, int testRows, Settings settings)
    {
        var c = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.AppendLine("# Text reviews: classical vs deep");
        md.AppendLine();
        md.AppendLine(c, $"- Data: modeldata's small_fine_foods, {trainRows} train / {testRows} test reviews (the package's split), label great / other");
        md.AppendLine("- Metrics: `ml.BinaryClassification.Evaluate` on the test reviews; train s is the whole pipeline's Fit");
        md.AppendLine(c, $"- DeepRnn: {settings.Epochs} epochs, seed {settings.Seed}, {settings.Threads} threads");
        md.AppendLine(c, $"- Machine: {Environment.ProcessorCount} logical cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        md.AppendLine();
        md.AppendLine("| trainer | family | accuracy | AUC | F1 | log-loss | train s |");
        md.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var r in results)
        {
            md.AppendLine(c, $"| {r.Trainer} | {r.Family} | {r.Accuracy:F4} | {r.Auc:F4} | {r.F1:F4} | {r.LogLoss:F4} | {r.TrainSeconds:F1} |");
        }
        File.WriteAllText(path, md.ToString());
    }
}
