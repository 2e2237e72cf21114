using MLNet.DeepExtensions.Networks.Schedules;
using MLNet.DeepExtensions.Networks.Training;

namespace MLNet.DeepExtensions.Samples.ClassicalVsDeep;

/// <summary>
/// The DeepCnn settings of each image data set, spelled out. The features are a flat vector here, so the image shape
/// comes from the options (an ExtractPixels column would declare it). Seeds are fixed.
/// </summary>
internal static class DeepCnnSettings
{
    /// <summary>Options for <paramref name="kind"/>; <paramref name="epochs"/> overrides the data set's default.</summary>
    public static DeepCnnTrainer.Options For(DataSetKind kind, int[] imageShape, int? epochs, int threads, IProgress<EpochReport>? progress)
    {
        var options = kind switch
        {
            // The best preset of docs/BENCHMARKS.md: small VGG (batch norm), random flips and 2-pixel shifts, dropout before the output.
            DataSetKind.FashionMnist => new DeepCnnTrainer.Options
            {
                Architecture = CnnArchitecture.SmallVgg,
                DropoutRate = 0.3f,
                RandomHorizontalFlip = true,
                RandomCropPadding = 2,
                Epochs = 15,
                BatchSize = 128,
            },
            // 8x8 digits are too small for the presets: two 3x3 blocks with batch norm, pooled to 2x2.
            _ => new DeepCnnTrainer.Options
            {
                Layers =
                [
                    CnnLayer.Conv2D(32, 3, padding: 1, useBias: false), CnnLayer.BatchNorm(), CnnLayer.Relu(),
                    CnnLayer.Conv2D(32, 3, padding: 1, useBias: false), CnnLayer.BatchNorm(), CnnLayer.Relu(), CnnLayer.MaxPool(2),
                    CnnLayer.Conv2D(64, 3, padding: 1, useBias: false), CnnLayer.BatchNorm(), CnnLayer.Relu(), CnnLayer.MaxPool(2),
                    CnnLayer.Flatten(), CnnLayer.Dense(128), CnnLayer.Relu(), CnnLayer.Dropout(0.3f),
                ],
                RandomCropPadding = 1,
                Epochs = 40,
                BatchSize = 32,
            },
        };
        options.ImageShape = imageShape;
        options.Epochs = epochs ?? options.Epochs;
        options.LearningRate = 1e-3f;
        // Cosine decay to zero over the whole run, as DeepMlpSettings.
        options.LearningRateSchedule = new CosineDecaySchedule(options.Epochs);
        options.Seed = 0;
        options.NumberOfThreads = threads;
        options.Progress = progress;
        return options;
    }
}
