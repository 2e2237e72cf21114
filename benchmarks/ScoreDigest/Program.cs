// ScoreDigest: a bit-identity check of training. Trains DeepMlp and DeepCnn on the digits (8x8, pixels / 16,
// stratified 80/20 split with seed 42), seed 0, 2 threads, CPU, and prints a SHA-256 of all Score floats of the
// test split for each. Usage: ScoreDigest [repositoryRoot] (default: found above the working directory or the binary).
using System.Reflection;
using System.Security.Cryptography;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.DeepExtensions;
using MLNet.DeepExtensions.Kernels;
using MLNet.DeepExtensions.Networks.Data;

string root = args.Length > 0 ? args[0] : FindRoot();
var table = CsvTable.Load(Path.Combine(root, "samples", "data", "digits.csv"));
var (features, labels, width) = table.SplitLabel("label", featureScale: 1f / 16f);
var rows = Enumerable.Range(0, table.RowCount)
    .Select(r => new DigitRow { Features = features.AsSpan(r * width, width).ToArray(), Label = labels[r] })
    .ToArray();
var (trainIndices, testIndices) = StratifiedSplit.Split(labels);
var ml = new MLContext(seed: 0);
var train = ml.Data.LoadFromEnumerable(trainIndices.Select(i => rows[i]).ToArray());
var test = ml.Data.LoadFromEnumerable(testIndices.Select(i => rows[i]).ToArray());
Console.WriteLine($"digits: {trainIndices.Length} train, {testIndices.Length} test rows");

var mlp = new DeepMlpTrainer.Options { HiddenLayers = [64, 32] };
Report("DeepMlp", ml.MulticlassClassification.Trainers.DeepMlp(Common(mlp)));

var cnn = new DeepCnnTrainer.Options
{
    ImageShape = [1, 8, 8],
    Layers =
    [
        CnnLayer.Conv2D(8, 3, padding: 1), CnnLayer.BatchNorm(), CnnLayer.Relu(), CnnLayer.MaxPool(2),
        CnnLayer.Conv2D(16, 3, padding: 1), CnnLayer.Relu(), CnnLayer.AvgPool(2),
        CnnLayer.Flatten(), CnnLayer.Dense(32), CnnLayer.Relu(), CnnLayer.Dropout(0.2f),
    ],
};
Report("DeepCnn", ml.MulticlassClassification.Trainers.DeepCnn(Common(cnn)));

void Report<TTrainer>(string name, TTrainer trainer) where TTrainer : IEstimator<ITransformer>
{
    var model = ml.Transforms.Conversion.MapValueToKey("Label").Append(trainer).Fit(train);
    var scored = model.Transform(test);
    var column = scored.Schema["Score"];
    using var cursor = scored.GetRowCursor([column]);
    var get = cursor.GetGetter<VBuffer<float>>(column);
    var value = default(VBuffer<float>);
    using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    long count = 0;
    Span<byte> bytes = stackalloc byte[4];
    while (cursor.MoveNext())
    {
        get(ref value);
        foreach (float f in value.DenseValues())
        {
            BitConverter.TryWriteBytes(bytes, BitConverter.SingleToInt32Bits(f));
            sha.AppendData(bytes);
            count++;
        }
    }
    var metrics = ml.MulticlassClassification.Evaluate(scored);
    Console.WriteLine($"{name}: {Convert.ToHexString(sha.GetHashAndReset()).ToLowerInvariant()}  ({count} scores, accuracy {metrics.MicroAccuracy:F4})");
}

static T Common<T>(T options) where T : DeepTrainerOptions
{
    options.Epochs = 5;
    options.Seed = 0;
    options.NumberOfThreads = 2;
    options.Device = ComputeDevice.Cpu;
    // NormalizeFeatures (a newer option) off where it exists, so old and new commits train the same network.
    var field = options.GetType().GetField("NormalizeFeatures", BindingFlags.Public | BindingFlags.Instance);
    if (field is not null && field.FieldType.IsEnum) field.SetValue(options, Enum.Parse(field.FieldType, "None"));
    var property = options.GetType().GetProperty("NormalizeFeatures", BindingFlags.Public | BindingFlags.Instance);
    if (property is not null && property.PropertyType.IsEnum && property.CanWrite) property.SetValue(options, Enum.Parse(property.PropertyType, "None"));
    return options;
}

static string FindRoot()
{
    foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MLNet.DeepExtensions.sln"))) return dir.FullName;
        }
    }
    throw new DirectoryNotFoundException("No MLNet.DeepExtensions.sln found; pass the repository root as the first argument.");
}

/// <summary>A digits row: 64 pixels and the digit as a number.</summary>
internal sealed class DigitRow
{
    [VectorType(64)]
    public float[] Features = [];

    public float Label;
}
