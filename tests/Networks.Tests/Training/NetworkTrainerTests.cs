using MLNet.DeepExtensions.Kernels;
using MLNet.DeepExtensions.Networks.Layers;
using MLNet.DeepExtensions.Networks.Losses;
using MLNet.DeepExtensions.Networks.Optimizers;
using MLNet.DeepExtensions.Networks.Training;

namespace MLNet.DeepExtensions.Networks.Tests.Training;

/// <summary>The training loop on the managed backend: determinism, reports, early stopping, failures with clear messages.</summary>
public sealed class NetworkTrainerTests
{
    private static Sequential Mlp(ComputeBackend backend, int seed, float dropout = 0.1f)
    {
        var model = new Sequential(new DenseLayer(32), new ActivationLayer(ActivationKind.Relu), new DropoutLayer(dropout), new DenseLayer(10));
        model.Build(backend, new TensorShape(64), seed);
        return model;
    }

    private static Dataset SmallDigits(int rows)
    {
        var (train, _) = TestData.Digits;
        return train.Subset(Enumerable.Range(0, rows).ToArray(), "digits subset");
    }

    [Fact]
    public void SameSeedGivesBitIdenticalWeightsAndLosses()
    {
        var data = SmallDigits(300);
        float[] RunOnce(out double[] losses)
        {
            using var backend = new ManagedCpuBackend(2);
            using var model = Mlp(backend, seed: 3);
            var history = new NetworkTrainer(new TrainingOptions { Epochs = 3, BatchSize = 32, Seed = 9, ValidationFraction = 0.2f }).Fit(model, new SoftmaxCrossEntropyLoss(), data);
            losses = history.Epochs.Select(e => e.TrainLoss).ToArray();
            return model.Parameters.Read();
        }
        var first = RunOnce(out var lossesA);
        var second = RunOnce(out var lossesB);
        Assert.Equal(lossesA, lossesB);
        Assert.Equal(first, second); // exact float equality
    }

    [Fact]
    public void DifferentSeedsGiveDifferentRuns()
    {
        var data = SmallDigits(100);
        using var backend = new ManagedCpuBackend(1);
        using var a = Mlp(backend, seed: 1);
        using var b = Mlp(backend, seed: 2);
        new NetworkTrainer(new TrainingOptions { Epochs = 1, Seed = 1 }).Fit(a, new SoftmaxCrossEntropyLoss(), data);
        new NetworkTrainer(new TrainingOptions { Epochs = 1, Seed = 2 }).Fit(b, new SoftmaxCrossEntropyLoss(), data);
        Assert.NotEqual(a.Parameters.Read(), b.Parameters.Read());
    }

    [Fact]
    public void ReportsOneEpochEachWithValidationMetricsAndThroughput()
    {
        var data = SmallDigits(200);
        using var backend = new ManagedCpuBackend(1);
        using var model = Mlp(backend, 0);
        var seen = new List<EpochReport>();
        // The held-out rows (the same seeded split the trainer draws), scored independently of the trainer's evaluation:
        // the fraction of rows whose predicted class, with the weights of the epoch just reported, is the label.
        var (_, validation) = data.SplitValidation(0.25f, seed: 0);
        var accuracies = new List<double>();
        void Record(EpochReport report)
        {
            seen.Add(report);
            var predicted = model.PredictClasses(validation.Features, validation.Count);
            accuracies.Add(predicted.Where((c, row) => c == (int)validation.Targets[row]).Count() / (double)validation.Count);
        }
        var history = new NetworkTrainer(new TrainingOptions { Epochs = 4, BatchSize = 16, ValidationFraction = 0.25f, Progress = new SynchronousProgress<EpochReport>(Record) })
            .Fit(model, new SoftmaxCrossEntropyLoss(), data);
        Assert.Equal(4, seen.Count);
        Assert.Equal(history.Epochs, seen);
        Assert.Equal([1, 2, 3, 4], seen.Select(r => r.Epoch));
        Assert.Equal(50, validation.Count);
        Assert.Equal(accuracies, seen.Select(r => r.ValidationMetric!.Value));
        Assert.All(seen, r =>
        {
            Assert.NotNull(r.ValidationLoss);
            Assert.Equal("accuracy", r.MetricName);
            Assert.True(r.Seconds > 0 && r.SamplesPerSecond > 0);
            Assert.Equal(1e-3f, r.LearningRate);
        });
        Assert.True(seen[^1].TrainLoss < seen[0].TrainLoss, "training loss should fall over 4 epochs");
        Assert.Matches(@"^epoch 4/4  loss \d\.\d{4}  val_loss \d\.\d{4}  val_accuracy \d\.\d{4}  lr 1\.0e-03  \d+\.\d\d s  [\d,]+ samples/s$", seen[^1].ToString());
    }

    [Fact]
    public void EarlyStoppingRestoresTheWeightsOfTheBestEpoch()
    {
        var data = SmallDigits(240);
        using var backend = new ManagedCpuBackend(1);
        using var model = Mlp(backend, 4, dropout: 0f);
        var weightsByEpoch = new List<float[]>();
        // A high learning rate makes validation loss bounce, so the best epoch is not the last one.
        var options = new TrainingOptions
        {
            Epochs = 30, BatchSize = 8, Optimizer = new SgdOptimizer(0.9f, momentum: 0.9f), ValidationFraction = 0.3f,
            EarlyStopping = new EarlyStoppingOptions { Patience = 2, RestoreBestWeights = true },
            Progress = new SynchronousProgress<EpochReport>(_ => weightsByEpoch.Add(model.Parameters.Read())),
        };
        var history = new NetworkTrainer(options).Fit(model, new SoftmaxCrossEntropyLoss(), data);
        int best = history.BestEpoch!.Value;
        var losses = history.Epochs.Select(e => e.ValidationLoss!.Value).ToArray();
        Assert.Equal(Array.IndexOf(losses, losses.Min()) + 1, best);
        if (history.StoppedEarly) Assert.Equal(best + 2, history.Epochs.Count);
        Assert.True(history.StoppedEarly || best < history.Epochs.Count, "the scenario must exercise a restore");
        Assert.True(history.RestoredBestWeights);
        Assert.Equal(weightsByEpoch[best - 1], model.Parameters.Read());
    }

    [Fact]
    public void DivergenceStopsWithTheEpochAndBatch()
    {
        var data = SmallDigits(64);
        using var backend = new ManagedCpuBackend(1);
        using var model = Mlp(backend, 0, dropout: 0f);
        var options = new TrainingOptions { Epochs = 5, BatchSize = 8, Optimizer = new SgdOptimizer(1e30f) };
        var e = Assert.Throws<InvalidOperationException>(() => new NetworkTrainer(options).Fit(model, new SoftmaxCrossEntropyLoss(), data));
        Assert.Matches(@"^Training loss became (NaN|∞|-∞|Infinity) at epoch 1, batch [2-8] \(rows \d+\.\.\d+ of the shuffled epoch\)\. Lower the learning rate", e.Message);
    }

    [Fact]
    public void CancellationIsObservedBetweenBatches()
    {
        var data = SmallDigits(128);
        using var backend = new ManagedCpuBackend(1);
        using var model = Mlp(backend, 0);
        using var cancel = new CancellationTokenSource();
        int epochsSeen = 0;
        var options = new TrainingOptions
        {
            Epochs = 10, CancellationToken = cancel.Token,
            Progress = new SynchronousProgress<EpochReport>(_ => { epochsSeen++; cancel.Cancel(); }),
        };
        Assert.Throws<OperationCanceledException>(() => new NetworkTrainer(options).Fit(model, new SoftmaxCrossEntropyLoss(), data));
        Assert.Equal(1, epochsSeen);
    }

    [Fact]
    public void ClippingKeepsHugeGradientsFinite()
    {
        var data = SmallDigits(64);
        using var backend = new ManagedCpuBackend(1);
        using var model = Mlp(backend, 0, dropout: 0f);
        var options = new TrainingOptions { Epochs = 2, BatchSize = 8, Optimizer = new SgdOptimizer(10f), GradientClipNorm = 0.01f, GradientClipValue = 0.001f };
        var history = new NetworkTrainer(options).Fit(model, new SoftmaxCrossEntropyLoss(), data);
        // With each step bounded by lr·clip, weights move at most 10·0.001 per value per step.
        Assert.All(history.Epochs, e => Assert.True(double.IsFinite(e.TrainLoss)));
    }

    [Theory]
    [InlineData(0, 32, 0f, "TrainingOptions.Epochs must be positive; got 0.")]
    [InlineData(1, -4, 0f, "TrainingOptions.BatchSize must be positive; got -4.")]
    [InlineData(1, 32, 1f, "TrainingOptions.ValidationFraction must be in [0, 1); got 1.")]
    public void InvalidOptionsNameTheOptionAndValue(int epochs, int batchSize, float validationFraction, string message)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new NetworkTrainer(new TrainingOptions { Epochs = epochs, BatchSize = batchSize, ValidationFraction = validationFraction }));
        Assert.StartsWith(message, e.Message);
    }

    [Fact]
    public void FeatureWidthMismatchNamesBothShapes()
    {
        using var backend = new ManagedCpuBackend(1);
        using var model = Mlp(backend, 0);
        var data = new Dataset(new float[3 * 5], new TensorShape(5), [0f, 1f, 2f], 1, "training data");
        var e = Assert.Throws<ArgumentException>(() => new NetworkTrainer(new TrainingOptions()).Fit(model, new SoftmaxCrossEntropyLoss(), data));
        Assert.StartsWith("training data has samples of shape (5) (5 features); the model was built for input (64) (64).", e.Message);
    }

    [Fact]
    public void ClassIndexOutOfRangeNamesTheRow()
    {
        using var backend = new ManagedCpuBackend(1);
        using var model = Mlp(backend, 0);
        var data = new Dataset(new float[2 * 64], new TensorShape(64), [3f, 10f], 1, "training data");
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new NetworkTrainer(new TrainingOptions()).Fit(model, new SoftmaxCrossEntropyLoss(), data));
        Assert.StartsWith("training data: row 1 has class 10; expected an integer class index in [0, 9] for a model with 10 outputs.", e.Message);
    }

    [Fact]
    public void EmptyAndNonFiniteDataAreRejected()
    {
        using var backend = new ManagedCpuBackend(1);
        using var model = Mlp(backend, 0);
        var empty = new Dataset([], new TensorShape(64), [], 1, "training data");
        var e = Assert.Throws<ArgumentException>(() => new NetworkTrainer(new TrainingOptions()).Fit(model, new SoftmaxCrossEntropyLoss(), empty));
        Assert.StartsWith("training data is empty; training and evaluation need at least one sample.", e.Message);
        var features = new float[2 * 3];
        features[4] = float.NaN;
        var f = Assert.Throws<ArgumentException>(() => new Dataset(features, new TensorShape(3), [0f, 1f], 1, "training data"));
        Assert.StartsWith("training data: feature 1 of row 1 is NaN; features must be finite.", f.Message);
    }

    [Fact]
    public void EarlyStoppingOnValidationNeedsValidationData()
    {
        using var backend = new ManagedCpuBackend(1);
        using var model = Mlp(backend, 0);
        var options = new TrainingOptions { EarlyStopping = new EarlyStoppingOptions() };
        var e = Assert.Throws<ArgumentException>(() => new NetworkTrainer(options).Fit(model, new SoftmaxCrossEntropyLoss(), SmallDigits(10)));
        Assert.StartsWith("Early stopping monitors ValidationLoss, which needs validation data", e.Message);
    }

    [Fact]
    public void UnbuiltModelIsRejected()
    {
        var model = new Sequential(new DenseLayer(2));
        var e = Assert.Throws<InvalidOperationException>(() => new NetworkTrainer(new TrainingOptions()).Fit(model, new MeanSquaredErrorLoss(), SmallDigits(4)));
        Assert.Equal("The model is not built: call model.Build(backend, inputShape, seed) before Fit.", e.Message);
    }
}

/// <summary>An IProgress that calls back on the reporting thread (Progress&lt;T&gt; posts to the thread pool).</summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
