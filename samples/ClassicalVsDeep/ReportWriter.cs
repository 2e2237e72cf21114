using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace MLNet.DeepExtensions.Samples.ClassicalVsDeep;

/// <summary>The content of report.json: exactly dataset, trainRows, testRows and results (camelCase).</summary>
internal sealed record ComparisonReport(string Dataset, int TrainRows, int TestRows, IReadOnlyList<TrainerResult> Results);

/// <summary>Writes report.json (machine-readable) and report.md (a markdown table with the data set, split and method).</summary>
internal static class ReportWriter
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true };

    public static void WriteJson(string path, ComparisonReport report) =>
        File.WriteAllText(path, JsonSerializer.Serialize(report, Json) + "\n");

    /// <param name="path">Output file.</param>
    /// <param name="report">The results.</param>
    /// <param name="data">The data set (split, features, classes).</param>
    /// <param name="deepNetworks">Each deep trainer that ran, with its architecture and backend.</param>
    public static void WriteMarkdown(string path, ComparisonReport report, DataSet data, IReadOnlyDictionary<string, string> deepNetworks)
    {
        var c = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.AppendLine(c, $"# Classical vs deep: {report.Dataset}");
        md.AppendLine();
        md.AppendLine(c, $"- Data set: {report.Dataset}, {data.FeatureCount} features, {data.ClassCount} classes");
        md.AppendLine(c, $"- Split: {report.TrainRows} train / {report.TestRows} test rows; {data.Split}");
        md.AppendLine(c, $"- Metrics: `ml.MulticlassClassification.Evaluate` on the test rows");
        md.AppendLine(c, $"- Prediction speed: {TrainerRun.PredictionMethod}");
        foreach (var (name, network) in deepNetworks) md.AppendLine(c, $"- {name}: {network}");
        md.AppendLine(c, $"- Machine: {Environment.ProcessorCount} logical cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        md.AppendLine();
        md.AppendLine("| trainer | family | micro-accuracy | macro-accuracy | log-loss | train s | predict rows/s | epochs |");
        md.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var r in report.Results)
        {
            md.AppendLine(c, $"| {r.Trainer} | {r.Family} | {r.MicroAccuracy:F4} | {r.MacroAccuracy:F4} | {r.LogLoss:F4} | {r.TrainSeconds:F2} | {r.PredictRowsPerSecond:N0} | {(r.Epochs is int e ? e.ToString(c) : "")} |");
        }
        File.WriteAllText(path, md.ToString());
    }
}
