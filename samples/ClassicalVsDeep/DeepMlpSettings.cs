using MLNet.DeepExtensions.Networks.Schedules;
using MLNet.DeepExtensions.Networks.Training;

namespace MLNet.DeepExtensions.Samples.ClassicalVsDeep;

/// <summary>
/// The DeepMlp settings of each data set, spelled out. Seeds are fixed, so a run on the same machine and device
/// reproduces the model.
/// </summary>
internal static class DeepMlpSettings
{
    /// <summary>Options for <paramref name="kind"/>; <paramref name="epochs"/> overrides the data set's default.</summary>
    public static DeepMlpTrainer.Options For(DataSetKind kind, int? epochs, int threads, IProgress<EpochReport>? progress)
    {
        var options = kind switch
        {
            // 1438 rows of 64 features: small, so small batches, many epochs, and dropout against overfitting.
            DataSetKind.Digits => new DeepMlpTrainer.Options
            {
                HiddenLayers = [256, 128],
                DropoutRate = 0.2f,
                Epochs = 60,
                BatchSize = 32,
                LearningRate = 1e-3f,
                Optimizer = OptimizerKind.Adam,
            },
            // The peers' protocol of shared/ANCHORS.md (784-256-128-10 ReLU, Adam 1e-3, batch 128), with light dropout.
            DataSetKind.FashionMnist => new DeepMlpTrainer.Options
            {
                HiddenLayers = [256, 128],
                DropoutRate = 0.1f,
                Epochs = 10,
                BatchSize = 128,
                LearningRate = 1e-3f,
                Optimizer = OptimizerKind.Adam,
            },
            _ => new DeepMlpTrainer.Options
            {
                HiddenLayers = [256, 128],
                DropoutRate = 0.1f,
                Epochs = 30,
                BatchSize = 32,
                LearningRate = 1e-3f,
                Optimizer = OptimizerKind.Adam,
            },
        };
        options.Epochs = epochs ?? options.Epochs;
        // Cosine decay to zero over the whole run: the last epochs fine-tune at a small rate.
        options.LearningRateSchedule = new CosineDecaySchedule(options.Epochs);
        options.Seed = 0;
        options.NumberOfThreads = threads;
        options.Progress = progress;
        return options;
    }
}
