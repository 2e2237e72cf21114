// Product reviews, great or not: ML.NET's classical text pipeline (FeaturizeText + SDCA or L-BFGS logistic regression)
// beside a DeepRnn that reads the words in order (NormalizeText, TokenizeIntoWords, MapValueToKey, then an Embedding and
// a bidirectional GRU), on the same split, evaluated by the same ml.BinaryClassification.Evaluate. Prints a table and
// writes report.md and scores.png to --report-dir.
//
//   dotnet run -c Release --project samples/TextReviews -- [--data DIR] [--epochs N] [--report-dir reports] [--threads N] [--seed N]
//
// The data: modeldata's small_fine_foods (Amazon fine-food reviews; 4,000 train / 1,000 test as the package splits
// them; samples/data/text/README.md). Accuracy, AUC and seconds vary a little with the machine (threads change the
// order of floating-point sums); docs/BENCHMARKS.md holds a measured run.
using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using MLNet.DeepExtensions.Networks.Training;
using MLNet.DeepExtensions.Samples.TextReviews;
using Spectre.Console;

Settings settings;
try
{
    settings = Settings.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

var ml = new MLContext(seed: 0);
IDataView train, test;
int trainRows, testRows;
try
{
    (train, trainRows, test, testRows) = Reviews.Load(ml, settings.DataDirectory);
}
catch (Exception e) when (e is FileNotFoundException or InvalidDataException)
{
    Console.Error.WriteLine(e.Message);
    return 3;
}
train = ml.Data.Cache(train);
test = ml.Data.Cache(test);
if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = 140; // logs: don't wrap the table at 80 columns
Console.WriteLine($"small_fine_foods: {trainRows} train / {testRows} test reviews, label great (true) / other (false)");

var results = new List<ReviewResult>();
foreach (var contender in Contenders.All(ml, settings))
{
    Console.WriteLine($"{contender.Name} ...");
    var progress = new Progress(report => Console.WriteLine($"  {report}"));
    var clock = Stopwatch.StartNew();
    var model = contender.Create(progress).Fit(train);
    double seconds = clock.Elapsed.TotalSeconds;
    var metrics = ml.BinaryClassification.Evaluate(model.Transform(test));
    results.Add(new ReviewResult(contender.Name, contender.Family, metrics.Accuracy, metrics.AreaUnderRocCurve, metrics.F1Score, metrics.LogLoss, seconds));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  accuracy {metrics.Accuracy:F4}  AUC {metrics.AreaUnderRocCurve:F4}  {seconds:F1} s"));
    (model as IDisposable)?.Dispose();
}

var c = CultureInfo.InvariantCulture;
var table = new Table().Border(TableBorder.Rounded).Title($"small_fine_foods: {trainRows} train / {testRows} test reviews");
foreach (var header in new[] { "trainer", "family", "accuracy", "AUC", "F1", "log-loss", "train s" })
{
    table.AddColumn(new TableColumn(header) { Alignment = header is "trainer" or "family" ? Justify.Left : Justify.Right });
}
foreach (var r in results)
{
    table.AddRow(Markup.Escape(r.Trainer), r.Family, r.Accuracy.ToString("F4", c), r.Auc.ToString("F4", c), r.F1.ToString("F4", c),
        r.LogLoss.ToString("F4", c), r.TrainSeconds.ToString("F1", c));
}
AnsiConsole.Write(table);

Directory.CreateDirectory(settings.ReportDirectory);
ReviewReport.WriteMarkdown(Path.Combine(settings.ReportDirectory, "report.md"), results, trainRows, testRows, settings);
ScoreChart.Write(Path.Combine(settings.ReportDirectory, "scores.png"), results);
Console.WriteLine($"Reports written to {settings.ReportDirectory}/ (report.md, scores.png)");
return 0;

/// <summary>Prints each DeepRnn epoch as it ends (on the training thread, so lines never interleave).</summary>
internal sealed class Progress(Action<EpochReport> print) : IProgress<EpochReport>
{
    public void Report(EpochReport value) => print(value);
}
