using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.DeepExtensions.Trainers.Tests;

/// <summary>A digit as an image: the 64 pixels declared as 1 channel x 8 x 8, as ExtractPixels would declare them.</summary>
public sealed class DigitImageRow
{
    [VectorType(1, 8, 8)]
    public float[] Features = [];

    public float Label;
}

/// <summary>One multiclass DeepCnn pipeline fitted on the digits images, shared by the tests that only read it.</summary>
public sealed class DigitImagesFixture : IDisposable
{
    public DigitImagesFixture()
    {
        Ml = new MLContext(seed: 0);
        var (train, test) = TestData.Digits(Ml);
        Train = AsImages(Ml, train);
        Test = AsImages(Ml, test);
        Options = new DeepCnnTrainer.Options
        {
            Layers =
            [
                CnnLayer.Conv2D(16, 3, padding: 1), CnnLayer.Relu(), CnnLayer.MaxPool(2),
                CnnLayer.Conv2D(32, 3, padding: 1), CnnLayer.BatchNorm(), CnnLayer.Relu(), CnnLayer.MaxPool(2),
                CnnLayer.Flatten(), CnnLayer.Dense(64), CnnLayer.Relu(),
            ],
            Epochs = 12,
            BatchSize = 32,
            Seed = 5,
        };
        Model = Ml.Transforms.Conversion.MapValueToKey("Label").Append(Ml.MulticlassClassification.Trainers.DeepCnn(Options)).Fit(Train);
    }

    public MLContext Ml { get; }
    public IDataView Train { get; }
    public IDataView Test { get; }
    public DeepCnnTrainer.Options Options { get; }
    public TransformerChain<DeepCnnTransformer> Model { get; }
    public DeepCnnTransformer Deep => Model.LastTransformer;

    /// <summary>The digits rows with their features declared as 1 x 8 x 8 images.</summary>
    public static IDataView AsImages(MLContext ml, IDataView digits) =>
        ml.Data.LoadFromEnumerable(ml.Data.CreateEnumerable<DigitRow>(digits, reuseRowObject: false)
            .Select(r => new DigitImageRow { Features = r.Features, Label = r.Label }).ToArray());

    public void Dispose() => Deep.Dispose();
}
