using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.DeepExtensions.Networks.Training;

namespace MLNet.DeepExtensions.Samples.ClassicalVsDeep;

/// <summary>Trains one contender, evaluates it on the test rows and measures its prediction throughput.</summary>
internal static class TrainerRun
{
    /// <summary>How prediction throughput is measured, in words for the report.</summary>
    public const string PredictionMethod =
        "batch scoring: `model.Transform(test)` plus a cursor that reads every row's Score vector; median of 3 passes after the evaluation pass";

    private const int TimedPasses = 3;

    public static TrainerResult Run(MLContext ml, Contender contender, IDataView train, IDataView test, IProgress<EpochReport>? progress,
        Action<string, DeepNetworkInfo>? deepNetwork = null)
    {
        var estimator = contender.Create(progress);
        var clock = Stopwatch.StartNew();
        var model = estimator.Fit(train);
        double trainSeconds = clock.Elapsed.TotalSeconds;
        try
        {
            // Evaluate needs Label (key), Score (class probabilities) and PredictedLabel (key); every contender makes them.
            var metrics = ml.MulticlassClassification.Evaluate(model.Transform(test));
            var rowsPerSecond = new double[TimedPasses];
            for (int pass = 0; pass < TimedPasses; pass++) rowsPerSecond[pass] = ScoreAll(model, test);
            Array.Sort(rowsPerSecond);
            int? epochs = null;
            if (model is DeepNetworkTransformer deep)
            {
                epochs = deep.History.Epochs.Count;
                deepNetwork?.Invoke(contender.Name, deep.Network);
            }
            return new TrainerResult(contender.Name, contender.Family, metrics.MicroAccuracy, metrics.MacroAccuracy, metrics.LogLoss,
                trainSeconds, rowsPerSecond[TimedPasses / 2], epochs);
        }
        finally
        {
            (model as IDisposable)?.Dispose();
        }
    }

    /// <summary>Rows per second of Transform plus materializing the Score column of every test row.</summary>
    private static double ScoreAll(ITransformer model, IDataView test)
    {
        var clock = Stopwatch.StartNew();
        var scored = model.Transform(test);
        var score = scored.Schema["Score"];
        long rows = 0;
        using (var cursor = scored.GetRowCursor([score]))
        {
            var getter = cursor.GetGetter<VBuffer<float>>(score);
            VBuffer<float> value = default;
            while (cursor.MoveNext())
            {
                getter(ref value);
                rows++;
            }
        }
        double seconds = clock.Elapsed.TotalSeconds;
        return rows / seconds;
    }
}
