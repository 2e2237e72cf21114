using MLNet.DeepExtensions.Networks.Schedules;
using MLNet.DeepExtensions.Networks.Training;

namespace MLNet.DeepExtensions.Samples.ClassicalVsDeep;

/// <summary>
/// The DeepRnn settings of each image data set, spelled out: a one-channel image read row by row, each row one step
/// and its pixels that step's features (digits: 8 steps of 8; Fashion-MNIST: 28 steps of 28). The features are a flat
/// vector here, so the sequence shape comes from the options. The seed comes from the command line (default 0).
/// </summary>
internal static class DeepRnnSettings
{
    /// <summary>The DeepRnn contenders of <paramref name="kind"/>: a name for the table, and options made on demand; none for a table.</summary>
    public static IReadOnlyList<(string Name, Func<CommandLine, IProgress<EpochReport>?, DeepRnnTrainer.Options> Options)> For(DataSetKind kind, int[] imageShape)
    {
        if (imageShape is not [1, int height, int width]) return [];
        int[] rows = [height, width];
        return kind switch
        {
            DataSetKind.Digits => [("DeepRnn(GRU)", (settings, progress) => Finish(DigitsGru(), rows, settings, progress))],
            DataSetKind.FashionMnist => [("DeepRnn(LSTM)", (settings, progress) => Finish(FashionLstm(), rows, settings, progress))],
            _ => [],
        };
    }

    private static DeepRnnTrainer.Options DigitsGru() => new()
    {
        CellType = RnnCellType.Gru,
        HiddenSize = 128,
        Epochs = 40,
        BatchSize = 32,
        LearningRateSchedule = new CosineDecaySchedule(40),
    };

    // The must-show setting (one LSTM layer of 128, Adam 1e-3, batch 128, 10 epochs). Each pixel column is
    // standardized over all steps and rows: on pixels / 255 as they are it ends at 0.8855, standardized at 0.8902
    // (docs/BENCHMARKS.md, "DeepRnn on Fashion-MNIST"); that run had no gradient clipping.
    private static DeepRnnTrainer.Options FashionLstm() => new()
    {
        CellType = RnnCellType.Lstm,
        HiddenSize = 128,
        Epochs = 10,
        BatchSize = 128,
        NormalizeFeatures = FeatureNormalization.Standardize,
        GradientClipNorm = 0,
    };

    private static DeepRnnTrainer.Options Finish(DeepRnnTrainer.Options options, int[] sequenceShape, CommandLine settings, IProgress<EpochReport>? progress)
    {
        options.SequenceShape = sequenceShape;
        options.Epochs = settings.Epochs ?? options.Epochs;
        options.LearningRate = 1e-3f;
        if (options.LearningRateSchedule is CosineDecaySchedule) options.LearningRateSchedule = new CosineDecaySchedule(options.Epochs);
        options.Seed = settings.Seed;
        // A --normalize on the command line overrides the row's own choice.
        if (settings.NormalizeFeatures != DeepTrainerOptions.Defaults.NormalizeFeatures) options.NormalizeFeatures = settings.NormalizeFeatures;
        options.NumberOfThreads = settings.Threads;
        options.Progress = progress;
        return options;
    }
}
