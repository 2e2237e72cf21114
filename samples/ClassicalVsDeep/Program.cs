// Compares ML.NET's classical multiclass trainers with DeepMlp (and DeepCnn on image data) on one train/test split: trains each (with a live
// progress display), evaluates it with ml.MulticlassClassification.Evaluate, prints a table, and writes report.json,
// report.md and accuracy-vs-time.png to --report-dir.
//
//   dotnet run -c Release --project samples/ClassicalVsDeep -- [--dataset digits|fashion-mnist|PATH.csv] [--label COLUMN]
//       [--epochs N] [--report-dir reports] [--skip-slow] [--threads N] [--trainers NAME,NAME]
//
// Expected output (digits, 2 cores; seconds and rows/s vary by machine and load; without a terminal the progress
// display becomes one line per trainer and per DeepMlp epoch):
//   digits: 1438 train / 359 test rows, 64 features, 10 classes
//   ...
//   │ trainer                  │ family    │ micro-acc │ macro-acc │ log-loss │ train s │ predict rows/s │ epochs │
//   │ SdcaMaximumEntropy       │ classical │    0.9610 │    0.9609 │   0.1292 │    1.70 │        463,585 │        │
//   │ LbfgsMaximumEntropy      │ classical │    0.9610 │    0.9609 │   0.2118 │    0.77 │        339,223 │        │
//   │ LightGbm                 │ classical │    0.9554 │    0.9554 │   0.1250 │    0.28 │         15,483 │        │
//   │ OneVersusAll(FastForest) │ classical │    0.9526 │    0.9524 │   0.1904 │    2.77 │         12,943 │        │
//   │ OneVersusAll(LinearSvm)  │ classical │    0.9554 │    0.9555 │   0.2501 │    0.06 │        198,332 │        │
//   │ DeepMlp                  │ deep      │    0.9944 │    0.9944 │   0.0420 │    2.46 │         74,901 │     40 │
//   │ DeepCnn                  │ deep      │    0.9944 │    0.9944 │   0.0126 │    4.87 │         26,271 │     40 │
//   DeepMlp: Dense(256, no bias) BatchNorm(...) Relu Dropout(0.2) Dense(128, no bias) BatchNorm(...) Relu Dropout(0.2) Dense(10); 51,210 parameters; ...
//   DeepCnn: Conv2D(32, 3x3, ...) BatchNorm2D(...) Relu ... Dense(10); 62,378 parameters; ...
//   Reports written to reports/ (report.json, report.md, accuracy-vs-time.png)
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Transforms;
using MLNet.DeepExtensions.Samples.ClassicalVsDeep;
using Spectre.Console;

CommandLine settings;
try
{
    settings = CommandLine.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

DataSet? data = settings.DataSet switch
{
    "digits" => DataSets.Digits(),
    "fashion-mnist" => DataSets.FashionMnist(),
    _ => DataSets.Csv(settings.DataSet, settings.Label),
};
if (data is null)
{
    Console.Error.WriteLine($"Fashion-MNIST not found in {DataSets.FashionMnistDirectory}. Install Debian's package: sudo apt-get install dataset-fashion-mnist");
    return 3;
}
if (!TrainingDisplay.IsInteractive) AnsiConsole.Profile.Width = 140; // logs: don't wrap the table at 80 columns
AnsiConsole.MarkupLineInterpolated($"[bold]{data.Name}[/]: {data.TrainRows} train / {data.TestRows} test rows, {data.FeatureCount} features, {data.ClassCount} classes");

var ml = new MLContext(seed: 0);
// Label to a key (in value order, so class k is digit k) and, for arbitrary CSVs, features to [0, 1]; fitted once on
// the training rows and cached, so the trainers' times measure training alone.
IEstimator<ITransformer> prepare = ml.Transforms.Conversion.MapValueToKey("Label", keyOrdinality: ValueToKeyMappingEstimator.KeyOrdinality.ByValue);
if (data.NeedsNormalization) prepare = prepare.Append(ml.Transforms.NormalizeMinMax("Features"));
var preparation = prepare.Fit(data.TrainView(ml));
var train = ml.Data.Cache(preparation.Transform(data.TrainView(ml)));
var test = ml.Data.Cache(preparation.Transform(data.TestView(ml)));

IReadOnlyList<Contender> contenders;
try
{
    contenders = Contenders.For(ml, data, settings);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
var deepNetworks = new Dictionary<string, string>();
var results = TrainingDisplay.Run(contenders, (contender, progress) =>
    TrainerRun.Run(ml, contender, train, test, progress, (name, info) => deepNetworks[name] = $"{info.Architecture}; {info.ParameterCount:N0} parameters; {info.Backend}"));

var table = new Table().Border(TableBorder.Rounded).Title($"{data.Name}: {data.TrainRows} train / {data.TestRows} test rows");
foreach (var header in new[] { "trainer", "family", "micro-acc", "macro-acc", "log-loss", "train s", "predict rows/s", "epochs" })
{
    table.AddColumn(new TableColumn(header) { Alignment = header is "trainer" or "family" ? Justify.Left : Justify.Right });
}
double best = results.Max(r => r.MicroAccuracy);
foreach (var r in results)
{
    var c = CultureInfo.InvariantCulture;
    string accuracy = r.MicroAccuracy.ToString("F4", c);
    table.AddRow(Markup.Escape(r.Trainer), r.Family, r.MicroAccuracy == best ? $"[bold green]{accuracy}[/]" : accuracy,
        r.MacroAccuracy.ToString("F4", c), r.LogLoss.ToString("F4", c), r.TrainSeconds.ToString("F2", c),
        r.PredictRowsPerSecond.ToString("N0", c), r.Epochs?.ToString(c) ?? "");
}
AnsiConsole.Write(table);
foreach (var (name, network) in deepNetworks) Console.WriteLine($"{name}: {network}");

Directory.CreateDirectory(settings.ReportDirectory);
var report = new ComparisonReport(data.Name, data.TrainRows, data.TestRows, results);
ReportWriter.WriteJson(Path.Combine(settings.ReportDirectory, "report.json"), report);
ReportWriter.WriteMarkdown(Path.Combine(settings.ReportDirectory, "report.md"), report, data, deepNetworks);
AccuracyChart.Write(Path.Combine(settings.ReportDirectory, "accuracy-vs-time.png"), data.Name, results);
Console.WriteLine($"Reports written to {settings.ReportDirectory}/ (report.json, report.md, accuracy-vs-time.png)");
return 0;
