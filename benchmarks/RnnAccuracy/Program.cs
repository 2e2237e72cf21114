using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using MLNet.DeepExtensions;
using MLNet.DeepExtensions.Benchmarks.VsTorch;

// usage: RnnAccuracy [Lstm|Gru|SimpleRnn] [Auto|Standardize|None] [gradient clip norm, 0 = off] [epochs]
// Defaults: Lstm Standardize 0 10 (the setting quoted in docs/BENCHMARKS.md).
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var cell = args.Length > 0 ? Enum.Parse<RnnCellType>(args[0], ignoreCase: true) : RnnCellType.Lstm;
var normalization = args.Length > 1 ? Enum.Parse<FeatureNormalization>(args[1], ignoreCase: true) : FeatureNormalization.Standardize;
float clip = args.Length > 2 ? float.Parse(args[2], CultureInfo.InvariantCulture) : 0f;
int epochs = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 10;

var data = FashionMnist.Load();
var ml = new MLContext(42);
IDataView train = ml.Data.LoadFromEnumerable(Rows(data.TrainFeatures, data.TrainLabels));
IDataView test = ml.Data.LoadFromEnumerable(Rows(data.TestFeatures, data.TestLabels));
var toKey = ml.Transforms.Conversion.MapValueToKey("Label", keyOrdinality: ValueToKeyMappingEstimator.KeyOrdinality.ByValue).Fit(train);
train = toKey.Transform(train);
test = toKey.Transform(test);

var watch = Stopwatch.StartNew();
using var model = ml.MulticlassClassification.Trainers.DeepRnn(new DeepRnnTrainer.Options
{
    CellType = cell,
    HiddenSize = 128,
    SequenceShape = [FashionMnist.Side, FashionMnist.Side],
    Epochs = epochs,
    BatchSize = 128,
    LearningRate = 1e-3f,
    NormalizeFeatures = normalization,
    GradientClipNorm = clip,
    NumberOfThreads = 2,
    Device = ComputeDevice.Cpu,
    Seed = 42,
}).Fit(train);
double fitSeconds = watch.Elapsed.TotalSeconds;
var metrics = ml.MulticlassClassification.Evaluate(model.Transform(test));
Console.WriteLine($"DeepRnn {cell}, 128 units, 28x28, Adam 1e-3, batch 128, {epochs} epochs, NormalizeFeatures {normalization}, GradientClipNorm {clip}: " +
    $"test accuracy {metrics.MicroAccuracy:F4}, Fit {fitSeconds:F0} s");

static IEnumerable<Row> Rows(float[] features, int[] labels)
{
    for (int i = 0; i < labels.Length; i++)
    {
        yield return new Row { Features = features.AsSpan(i * FashionMnist.Width, FashionMnist.Width).ToArray(), Label = (uint)labels[i] };
    }
}

internal sealed class Row
{
    [VectorType(FashionMnist.Width)]
    public float[] Features { get; set; } = [];

    public uint Label { get; set; }
}
