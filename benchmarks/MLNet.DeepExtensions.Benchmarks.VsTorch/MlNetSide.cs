using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using MLNet.DeepExtensions.Networks.Training;

namespace MLNet.DeepExtensions.Benchmarks.VsTorch;

/// <summary>The same MLP (DeepMlp) and LSTM (DeepRnn) through our ML.NET trainers, to show what the ML.NET layer costs.</summary>
internal static class MlNetSide
{
    private sealed class Row
    {
        [VectorType(FashionMnist.Width)]
        public float[] Features { get; set; } = [];

        public uint Label { get; set; }
    }

    public static ChildResult Mlp(FashionMnist data) => Fit("mlnet", "DeepMlp", data, (ml, probe) =>
        ml.MulticlassClassification.Trainers.DeepMlp(new DeepMlpTrainer.Options
        {
            HiddenLayers = [256, 128],
            Epochs = Protocol.Epochs("mlp"),
            BatchSize = Protocol.BatchSize,
            LearningRate = Protocol.LearningRate,
            NumberOfThreads = Protocol.Threads,
            Device = ComputeDevice.Cpu,
            Seed = Protocol.Seed,
            Progress = probe,
        }));

    // The engine's lstm workload has no gradient clipping and feeds pixels / 255 as they are: the trainer does the
    // same here (GradientClipNorm 0, NormalizeFeatures Off) so that both sides run the same arithmetic per step.
    public static ChildResult Lstm(FashionMnist data) => Fit("mlnet-lstm", "DeepRnn", data, (ml, probe) =>
        ml.MulticlassClassification.Trainers.DeepRnn(new DeepRnnTrainer.Options
        {
            CellType = RnnCellType.Lstm,
            HiddenSize = Protocol.RecurrentHidden,
            SequenceShape = [FashionMnist.Side, FashionMnist.Side],
            Epochs = Protocol.Epochs("lstm"),
            BatchSize = Protocol.BatchSize,
            LearningRate = Protocol.LearningRate,
            GradientClipNorm = 0,
            NormalizeFeatures = FeatureNormalization.None,
            NumberOfThreads = Protocol.Threads,
            Device = ComputeDevice.Cpu,
            Seed = Protocol.Seed,
            Progress = probe,
        }));

    private static ChildResult Fit<TModel>(string workload, string trainerName, FashionMnist data, Func<MLContext, EpochClock, IEstimator<TModel>> makeTrainer)
        where TModel : DeepNetworkTransformer
    {
        var ml = new MLContext(Protocol.Seed);
        IDataView train = ml.Data.LoadFromEnumerable(Rows(data.TrainFeatures, data.TrainLabels));
        IDataView test = ml.Data.LoadFromEnumerable(Rows(data.TestFeatures, data.TestLabels));
        // The label as a key in value order, so Score[k] belongs to class k; fitted outside the timed Fit.
        var toKey = ml.Transforms.Conversion.MapValueToKey("Label", keyOrdinality: ValueToKeyMappingEstimator.KeyOrdinality.ByValue).Fit(train);
        train = toKey.Transform(train);
        test = toKey.Transform(test);

        var probe = new EpochClock();
        var trainer = makeTrainer(ml, probe);

        long start = Stopwatch.GetTimestamp();
        probe.Start = start;
        using var model = trainer.Fit(train);
        long end = Stopwatch.GetTimestamp();
        double fitSeconds = Stopwatch.GetElapsedTime(start, end).TotalSeconds;
        double peak = ProcessInfo.PeakResidentMiB();

        var result = new ChildResult
        {
            Workload = workload,
            Side = "ours",
            Description = $"{trainerName} through ML.NET {ProcessInfo.PackageVersion(typeof(MLContext))}, {model.Network.Backend}",
            FitSeconds = fitSeconds,
            HistoryEpochSeconds = model.History.Epochs.Select(e => e.Seconds).ToArray(),
            PeakRssMiB = peak,
        };
        // The trainer reports each epoch synchronously right after its loop: the first report minus epoch 1's loop is
        // the time before training, Fit's end minus the last report the time after it.
        result.BeforeTrainingSeconds = Stopwatch.GetElapsedTime(start, probe.FirstReport).TotalSeconds - result.HistoryEpochSeconds[0];
        result.AfterTrainingSeconds = Stopwatch.GetElapsedTime(probe.LastReport, end).TotalSeconds;

        // What reading the IDataView costs on its own: one cursor pass over Features and Label, as Fit does first.
        long read = Stopwatch.GetTimestamp();
        ReadAll(train);
        result.DataReadSeconds = Stopwatch.GetElapsedTime(read).TotalSeconds;

        // Transform + materialize: score the test set and read every row's Score vector.
        var scores = new float[data.TestCount * FashionMnist.Classes];
        ScoreAll(model, test, scores);
        result.Accuracy = Protocol.Accuracy(scores, data.TestLabels, FashionMnist.Classes);
        result.InferenceSamplesPerSecond = Protocol.InferenceRates(data.TestCount, () => ScoreAll(model, test, scores));
        return result;
    }

    private static void ScoreAll(ITransformer model, IDataView test, float[] scores)
    {
        IDataView scored = model.Transform(test);
        var column = scored.Schema["Score"];
        using var cursor = scored.GetRowCursor([column]);
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        VBuffer<float> score = default;
        int row = 0;
        while (cursor.MoveNext())
        {
            getter(ref score);
            var target = scores.AsSpan(row * FashionMnist.Classes, FashionMnist.Classes);
            if (score.IsDense) score.GetValues().CopyTo(target);
            else score.CopyTo(target);
            row++;
        }
        if (row * FashionMnist.Classes != scores.Length) throw new InvalidOperationException($"Scored {row} rows; expected {scores.Length / FashionMnist.Classes}.");
    }

    private sealed class EpochClock : IProgress<EpochReport>
    {
        public long Start { get; set; }
        public long FirstReport { get; private set; }
        public long LastReport { get; private set; }

        public void Report(EpochReport value)
        {
            long now = Stopwatch.GetTimestamp();
            if (value.Epoch == 1) FirstReport = now;
            LastReport = now;
        }
    }

    private static void ReadAll(IDataView data)
    {
        var features = data.Schema["Features"];
        var label = data.Schema["Label"];
        using var cursor = data.GetRowCursor([features, label]);
        var getFeatures = cursor.GetGetter<VBuffer<float>>(features);
        var getLabel = cursor.GetGetter<uint>(label);
        VBuffer<float> vector = default;
        uint key = 0;
        float checksum = 0;
        while (cursor.MoveNext())
        {
            getFeatures(ref vector);
            getLabel(ref key);
            checksum += vector.GetValues()[0] + key;
        }
        if (!float.IsFinite(checksum)) throw new InvalidOperationException("Non-finite training data.");
    }

    private static IEnumerable<Row> Rows(float[] features, int[] labels)
    {
        for (int i = 0; i < labels.Length; i++)
        {
            yield return new Row { Features = features.AsSpan(i * FashionMnist.Width, FashionMnist.Width).ToArray(), Label = (uint)labels[i] };
        }
    }
}
