namespace MLNet.DeepExtensions.Samples.ClassicalVsDeep;

/// <summary>One row of the report (serialized camelCase into report.json's "results").</summary>
/// <param name="Trainer">Trainer name.</param>
/// <param name="Family">"classical" or "deep".</param>
/// <param name="MicroAccuracy">Fraction of test rows classified correctly.</param>
/// <param name="MacroAccuracy">Mean over classes of the per-class accuracy.</param>
/// <param name="LogLoss">Mean negative log-probability of the true class on the test rows.</param>
/// <param name="TrainSeconds">Wall time of Fit.</param>
/// <param name="PredictRowsPerSecond">Test rows per second through Transform plus reading every Score vector (median of 3 passes).</param>
/// <param name="Epochs">Epochs trained (deep trainers), or null.</param>
internal sealed record TrainerResult(string Trainer, string Family, double MicroAccuracy, double MacroAccuracy, double LogLoss,
    double TrainSeconds, double PredictRowsPerSecond, int? Epochs);
