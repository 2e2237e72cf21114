using System.Diagnostics;
using MLNet.DeepExtensions.Kernels;
using MLNet.DeepExtensions.Networks.Losses;

namespace MLNet.DeepExtensions.Networks.Training;

/// <summary>
/// The training loop: per-epoch shuffling, minibatches gathered on the device, forward, fused loss + gradient,
/// backward, clipping, optimizer step; then validation, schedule, early stopping and a report per epoch.
/// </summary>
/// <remarks>
/// Determinism: initialization, shuffling and the validation split draw from seeded <see cref="Random"/>s, dropout
/// masks from a counter-based generator, and every backend reduces in a fixed order, so the same seed on the same
/// backend gives bit-identical weights. State (optimizer moments, schedule, early stopping) resets at each Fit.
/// </remarks>
public sealed class NetworkTrainer
{
    private readonly TrainingOptions _options;

    /// <summary>Creates a trainer; the options are validated here.</summary>
    public NetworkTrainer(TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
    }

    /// <summary>
    /// Trains a built <paramref name="model"/> on <paramref name="train"/> against <paramref name="loss"/>; validates on
    /// <paramref name="validation"/>, or on a held-out <see cref="TrainingOptions.ValidationFraction"/> of the training data.
    /// </summary>
    public TrainingHistory Fit(Sequential model, Loss loss, Dataset train, Dataset? validation = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(train);
        if (!model.IsBuilt) throw new InvalidOperationException("The model is not built: call model.Build(backend, inputShape, seed) before Fit.");
        var o = _options;
        if (validation is null && o.ValidationFraction > 0f) (train, validation) = train.SplitValidation(o.ValidationFraction, o.Seed);
        CheckData(model, loss, train);
        if (validation is not null) CheckData(model, loss, validation);
        if (o.EarlyStopping is { Monitor: not MonitoredValue.TrainLoss } && validation is null)
        {
            throw new ArgumentException($"Early stopping monitors {o.EarlyStopping.Monitor}, which needs validation data: pass a validation set or set ValidationFraction > 0.", nameof(validation));
        }

        int batchSize = Math.Min(o.BatchSize, train.Count);
        o.Optimizer.Reset();
        o.Schedule?.Reset();

        using var stepper = new TrainingStep(model, loss, o.Optimizer, train, batchSize, o.GradientClipValue, o.GradientClipNorm);
        var backend = model.Backend;
        using var snapshot = o.EarlyStopping is { RestoreBestWeights: true } ? backend.Allocate(model.Parameters.TrainableCount + model.Parameters.StateCount) : null;
        var tracker = o.EarlyStopping is null ? null : new EarlyStoppingTracker(o.EarlyStopping, o.EarlyStopping.Monitor == MonitoredValue.ValidationMetric && loss.HigherMetricIsBetter);
        var order = Enumerable.Range(0, train.Count).ToArray();
        var shuffler = new Random(o.Seed);
        var reports = new List<EpochReport>(o.Epochs);
        bool stoppedEarly = false;
        long step = 0;

        for (int epoch = 0; epoch < o.Epochs; epoch++)
        {
            float learningRate = o.Schedule?.GetLearningRate(epoch, o.Optimizer.LearningRate) ?? o.Optimizer.LearningRate;
            if (o.Shuffle) Dataset.Shuffle(order, shuffler);
            var clock = Stopwatch.StartNew();
            double lossSum = 0;
            int batchIndex = 0;
            for (int start = 0; start < train.Count; start += batchSize, batchIndex++)
            {
                o.CancellationToken.ThrowIfCancellationRequested();
                int n = Math.Min(batchSize, train.Count - start);
                double batchLoss = stepper.Forward(order.AsSpan(start, n), step++);
                if (!double.IsFinite(batchLoss))
                {
                    throw new InvalidOperationException(
                        $"Training loss became {batchLoss} at epoch {epoch + 1}, batch {batchIndex + 1} (rows {start}..{start + n - 1} of the shuffled epoch). " +
                        "Lower the learning rate, normalize the features, or set GradientClipNorm.");
                }
                lossSum += batchLoss * n;
                stepper.BackwardAndUpdate(learningRate);
            }
            backend.Synchronize();
            double seconds = clock.Elapsed.TotalSeconds;
            double trainLoss = lossSum / train.Count;

            (double Loss, double Metric)? validationResult = validation is null ? null : EvaluateCore(model, loss, validation, batchSize);
            var report = new EpochReport(epoch + 1, o.Epochs, trainLoss, validationResult?.Loss, validationResult?.Metric,
                loss.MetricName, learningRate, seconds, train.Count / Math.Max(seconds, 1e-9));
            reports.Add(report);
            o.Progress?.Report(report);

            double plateauValue = validationResult?.Loss ?? trainLoss;
            o.Schedule?.OnEpochEnd(epoch, plateauValue);
            if (tracker is not null)
            {
                double monitored = o.EarlyStopping!.Monitor switch
                {
                    MonitoredValue.ValidationLoss => validationResult!.Value.Loss,
                    MonitoredValue.ValidationMetric => validationResult!.Value.Metric,
                    _ => trainLoss,
                };
                bool stop = tracker.Update(epoch + 1, monitored);
                if (tracker.LastWasImprovement && snapshot is not null) model.Parameters.SaveTo(snapshot);
                if (stop && epoch + 1 < o.Epochs)
                {
                    stoppedEarly = true;
                    break;
                }
            }
        }

        bool restored = false;
        if (snapshot is not null && tracker!.BestEpoch > 0 && tracker.BestEpoch != reports.Count)
        {
            model.Parameters.RestoreFrom(snapshot);
            restored = true;
        }
        return new TrainingHistory(reports, tracker?.BestEpoch, stoppedEarly, restored);
    }

    /// <summary>Mean loss and metric of <paramref name="model"/> on <paramref name="data"/> in inference mode.</summary>
    public static (double Loss, double Metric) Evaluate(Sequential model, Loss loss, Dataset data, int batchSize = 1024)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(data);
        CheckData(model, loss, data);
        return EvaluateCore(model, loss, data, batchSize);
    }

    private static (double Loss, double Metric) EvaluateCore(Sequential model, Loss loss, Dataset data, int batchSize)
    {
        var backend = model.Backend;
        int width = model.InputShape.Size, outputs = model.OutputShape.Size, targetWidth = loss.TargetWidth(outputs);
        batchSize = Math.Max(1, Math.Min(batchSize, data.Count));
        model.EnsureCapacity(batchSize);
        loss.Allocate(backend, batchSize, outputs);
        using var features = backend.Allocate(batchSize * width);
        using var targets = backend.Allocate(batchSize * targetWidth);
        var hostOutputs = new float[batchSize * outputs];
        double lossSum = 0, metricSum = 0;
        for (int start = 0; start < data.Count; start += batchSize)
        {
            int n = Math.Min(batchSize, data.Count - start);
            backend.Upload(data.Features.AsSpan(start * width, n * width), features);
            backend.Upload(data.Targets.AsSpan(start * targetWidth, n * targetWidth), targets);
            var output = model.Forward(features, n, training: false);
            lossSum += loss.Compute(output, targets, n, dPredictions: null) * n;
            backend.Download(output, hostOutputs.AsSpan(0, n * outputs));
            metricSum += loss.MetricContribution(hostOutputs, data.Targets.AsSpan(start * targetWidth, n * targetWidth), n, outputs);
        }
        return (lossSum / data.Count, loss.FinishMetric(metricSum, data.Count, outputs));
    }

    private static void CheckData(Sequential model, Loss loss, Dataset data)
    {
        if (data.Count == 0) throw new ArgumentException($"{data.Name} is empty; training and evaluation need at least one sample.", nameof(data));
        if (data.FeatureShape.Size != model.InputShape.Size)
        {
            throw new ArgumentException($"{data.Name} has samples of shape {data.FeatureShape} ({data.FeatureShape.Size} features); the model was built for input {model.InputShape} ({model.InputShape.Size}).", nameof(data));
        }
        int expectedTargets = loss.TargetWidth(model.OutputShape.Size);
        if (data.TargetWidth != expectedTargets)
        {
            throw new ArgumentException($"{data.Name} has {data.TargetWidth} target value(s) per sample; loss '{loss.Name}' with {model.OutputShape.Size} model outputs expects {expectedTargets}.", nameof(data));
        }
        loss.ValidateTargets(data.Targets, model.OutputShape.Size, data.Name);
    }
}
