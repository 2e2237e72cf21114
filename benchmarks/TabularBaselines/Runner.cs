using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.DeepExtensions.Benchmarks.TabularBaselines;

/// <summary>One contender on one split: the headline metric (R² or accuracy), RMSE for regression, and seconds.</summary>
internal sealed record SplitResult(int Seed, double Metric, double Rmse, double Seconds);

/// <summary>One contender on one table, over all split seeds.</summary>
internal sealed record ContenderResult(string Name, IReadOnlyList<SplitResult> Splits, string? Error)
{
    public double MeanMetric => Splits.Count == 0 ? double.NaN : Splits.Average(s => s.Metric);

    public double MeanRmse => Splits.Count == 0 ? double.NaN : Splits.Average(s => s.Rmse);

    public double MeanSeconds => Splits.Count == 0 ? double.NaN : Splits.Average(s => s.Seconds);
}

/// <summary>One table's results.</summary>
internal sealed record TableResult(TabularSet Set, int Rows, int Features, float LabelMin, float LabelMax, IReadOnlyList<ContenderResult> Contenders, double Seconds);

/// <summary>Fits and scores every contender on every split of one table.</summary>
internal static class Runner
{
    public static TableResult Run(TabularSet set, CommandLine settings, Action<string> log)
    {
        var total = Stopwatch.StartNew();
        var loadContext = new MLContext(seed: 0);
        var table = LoadedTable.Load(loadContext, set);
        var contenders = Contenders.For(set.Task, settings);
        var results = contenders.ToDictionary(c => c.Name, _ => new List<SplitResult>());
        var errors = new Dictionary<string, string>();
        for (int seed = 0; seed < settings.Seeds; seed++)
        {
            var ml = new MLContext(seed: seed);
            var split = ml.Data.TrainTestSplit(table.Data, testFraction: 0.2, seed: seed);
            var prepare = table.Prepare(ml).Fit(split.TrainSet);
            var train = prepare.Transform(split.TrainSet);
            var test = prepare.Transform(split.TestSet);
            foreach (var contender in contenders)
            {
                if (errors.ContainsKey(contender.Name)) continue;
                try
                {
                    var watch = Stopwatch.StartNew();
                    var result = Score(ml, set.Task, contender, train, test, seed);
                    result = result with { Seconds = watch.Elapsed.TotalSeconds };
                    results[contender.Name].Add(result);
                    log($"  {set.Name} seed {seed} {contender.Name}: {(set.Task == TabularTask.Regression ? $"R² {result.Metric:F4}, RMSE {result.Rmse:G5}" : $"accuracy {result.Metric:F4}")} ({result.Seconds:F1} s)");
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    errors[contender.Name] = $"{e.GetType().Name}: {e.Message}";
                    log($"  {set.Name} seed {seed} {contender.Name}: FAILED {errors[contender.Name]}");
                }
            }
        }
        var contenderResults = contenders.Select(c => new ContenderResult(c.Name, results[c.Name], errors.GetValueOrDefault(c.Name))).ToList();
        return new TableResult(set, table.Rows, table.FeatureColumns.Length, table.Labels.Min(), table.Labels.Max(), contenderResults, total.Elapsed.TotalSeconds);
    }

    private static SplitResult Score(MLContext ml, TabularTask task, Contender contender, IDataView train, IDataView test, int seed)
    {
        switch (task)
        {
            case TabularTask.Regression when contender.StandardizeLabelByHand:
                {
                    // (y − mean) / std with the training rows' mean and (population) std; scores are mapped back
                    // (score · std + mean) before R² and RMSE against the untouched test labels.
                    var labels = train.GetColumn<float>("Label").Select(v => (double)v).ToArray();
                    double mean = labels.Average();
                    double std = Math.Sqrt(labels.Sum(v => (v - mean) * (v - mean)) / labels.Length);
                    if (!(std > 0)) std = 1;
                    var standardize = ml.Transforms.CustomMapping<LabelRow, StandardizedLabelRow>(
                        (input, output) => output.StandardizedLabel = (float)((input.Label - mean) / std), contractName: null);
                    var model = standardize.Append(contender.Create(ml, contender.LabelColumn)).Fit(train);
                    var scored = model.Transform(test);
                    var truth = scored.GetColumn<float>("Label").ToArray();
                    var predicted = scored.GetColumn<float>("Score").Select(s => s * std + mean).ToArray();
                    var (r2, rmse) = RegressionMetricsOf(truth, predicted);
                    return new SplitResult(seed, r2, rmse, 0);
                }
            case TabularTask.Regression:
                {
                    var metrics = ml.Regression.Evaluate(contender.Create(ml, contender.LabelColumn).Fit(train).Transform(test));
                    return new SplitResult(seed, metrics.RSquared, metrics.RootMeanSquaredError, 0);
                }
            case TabularTask.Multiclass:
                {
                    var metrics = ml.MulticlassClassification.Evaluate(contender.Create(ml, contender.LabelColumn).Fit(train).Transform(test));
                    return new SplitResult(seed, metrics.MicroAccuracy, double.NaN, 0);
                }
            default:
                {
                    var metrics = ml.BinaryClassification.EvaluateNonCalibrated(contender.Create(ml, contender.LabelColumn).Fit(train).Transform(test));
                    return new SplitResult(seed, metrics.Accuracy, double.NaN, 0);
                }
        }
    }

    /// <summary>R² = 1 − SS_res / SS_tot (SS_tot about the test labels' mean, as ML.NET's evaluator) and RMSE.</summary>
    private static (double R2, double Rmse) RegressionMetricsOf(float[] truth, double[] predicted)
    {
        double mean = truth.Average(v => (double)v);
        double residual = 0, totalSquares = 0;
        for (int i = 0; i < truth.Length; i++)
        {
            residual += (truth[i] - predicted[i]) * (truth[i] - predicted[i]);
            totalSquares += (truth[i] - mean) * (truth[i] - mean);
        }
        return (1 - residual / totalSquares, Math.Sqrt(residual / truth.Length));
    }

    private sealed class LabelRow
    {
        public float Label { get; set; }
    }

    private sealed class StandardizedLabelRow
    {
        public float StandardizedLabel { get; set; }
    }
}
