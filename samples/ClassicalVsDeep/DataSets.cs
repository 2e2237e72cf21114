using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.DeepExtensions.Networks.Data;

namespace MLNet.DeepExtensions.Samples.ClassicalVsDeep;

/// <summary>
/// A train/test pair of in-memory tables: features row-major (rows × <see cref="FeatureCount"/>), one numeric label per row.
/// </summary>
/// <param name="Name">Short name for the report, e.g. "digits".</param>
/// <param name="Kind">Which loader produced it; decides the deep trainers' settings.</param>
/// <param name="Split">How train and test were made, in words (for the report).</param>
/// <param name="NeedsNormalization">True when the features are not already scaled to [0, 1]; the pipeline then min-max normalizes.</param>
internal sealed record DataSet(string Name, DataSetKind Kind, string Split, int FeatureCount, bool NeedsNormalization,
    float[] TrainFeatures, float[] TrainLabels, float[] TestFeatures, float[] TestLabels)
{
    public int TrainRows => TrainLabels.Length;

    public int TestRows => TestLabels.Length;

    public int ClassCount => TrainLabels.Concat(TestLabels).Distinct().Count();

    /// <summary>[channels, height, width] when the features are an image's pixels (DeepCnn runs then); null for a table.</summary>
    public int[]? ImageShape { get; init; }

    /// <summary>The training rows as an IDataView with Features (Vector&lt;Single, FeatureCount&gt;) and Label (Single).</summary>
    public IDataView TrainView(MLContext ml) => ToDataView(ml, TrainFeatures, TrainLabels);

    /// <summary>The test rows, in the same schema as <see cref="TrainView"/>.</summary>
    public IDataView TestView(MLContext ml) => ToDataView(ml, TestFeatures, TestLabels);

    private IDataView ToDataView(MLContext ml, float[] features, float[] labels)
    {
        var rows = new FeatureRow[labels.Length];
        for (int r = 0; r < rows.Length; r++)
        {
            rows[r] = new FeatureRow { Features = features.AsSpan(r * FeatureCount, FeatureCount).ToArray(), Label = labels[r] };
        }
        // The width is known only at run time, so the schema says it instead of a [VectorType(n)] attribute.
        var schema = SchemaDefinition.Create(typeof(FeatureRow));
        schema[nameof(FeatureRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, FeatureCount);
        return ml.Data.LoadFromEnumerable(rows, schema);
    }

    private sealed class FeatureRow
    {
        public float[] Features { get; set; } = [];

        public float Label { get; set; }
    }
}

/// <summary>Where a <see cref="DataSet"/> came from.</summary>
internal enum DataSetKind
{
    Digits,
    FashionMnist,
    Csv,
}

/// <summary>Loads the data sets this sample knows: the committed digits, Debian's Fashion-MNIST, any numeric CSV.</summary>
internal static class DataSets
{
    /// <summary>Where Debian's <c>dataset-fashion-mnist</c> package puts the IDX files.</summary>
    public const string FashionMnistDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>
    /// The handwritten digits (1797 rows, 8×8 pixels 0..16) committed at samples/data/digits.csv and copied next to the
    /// app: pixels / 16, the stratified 80/20 split of shared/ANCHORS.md (seed 42): 1438 train / 359 test rows.
    /// </summary>
    public static DataSet Digits()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "data", "digits.csv");
        var set = SplitCsv(path, "label", featureScale: 1f / 16f, "digits", DataSetKind.Digits, needsNormalization: false);
        return set with { Split = "stratified 80/20 (per class, System.Random(42) Fisher-Yates, first round(0.2·n) rows to test); pixels / 16", ImageShape = [1, 8, 8] };
    }

    /// <summary>
    /// Fashion-MNIST from Debian's <c>dataset-fashion-mnist</c>: the official 60,000 train / 10,000 test images,
    /// 28×28 pixels / 255. Returns null when the package is not installed.
    /// </summary>
    public static DataSet? FashionMnist(string directory = FashionMnistDirectory)
    {
        string InDirectory(string name) => Path.Combine(directory, name);
        string[] files = ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"];
        if (!files.All(f => File.Exists(InDirectory(f)))) return null;
        var (trainPixels, trainRows, width) = IdxReader.ReadImages(InDirectory(files[0]), 1f / 255f);
        var trainLabels = IdxReader.ReadLabels(InDirectory(files[1]));
        var (testPixels, testRows, testWidth) = IdxReader.ReadImages(InDirectory(files[2]), 1f / 255f);
        var testLabels = IdxReader.ReadLabels(InDirectory(files[3]));
        if (trainLabels.Length != trainRows || testLabels.Length != testRows || testWidth != width)
        {
            throw new InvalidDataException($"Fashion-MNIST files in '{directory}' disagree: {trainRows} train images, {trainLabels.Length} train labels, {testRows} test images, {testLabels.Length} test labels.");
        }
        return new DataSet("fashion-mnist", DataSetKind.FashionMnist, "the official 60,000 train / 10,000 test split; pixels / 255",
            width, NeedsNormalization: false, trainPixels, trainLabels, testPixels, testLabels) { ImageShape = [1, 28, 28] };
    }

    /// <summary>
    /// Any numeric CSV with a header: every column except <paramref name="labelColumn"/> is a feature (min-max
    /// normalized in the pipeline); the stratified 80/20 split by the label, seed 42.
    /// </summary>
    public static DataSet Csv(string path, string labelColumn)
    {
        var set = SplitCsv(path, labelColumn, featureScale: 1f, Path.GetFileNameWithoutExtension(path), DataSetKind.Csv, needsNormalization: true);
        return set with { Split = $"stratified 80/20 by '{labelColumn}' (per class, System.Random(42) Fisher-Yates); features min-max normalized on the training rows" };
    }

    private static DataSet SplitCsv(string path, string labelColumn, float featureScale, string name, DataSetKind kind, bool needsNormalization)
    {
        var table = CsvTable.Load(path);
        var (features, labels, width) = table.SplitLabel(labelColumn, featureScale);
        var (train, test) = StratifiedSplit.Split(labels, testFraction: 0.2, seed: 42);
        return new DataSet(name, kind, "", width, needsNormalization,
            Gather(features, width, train), train.Select(r => labels[r]).ToArray(),
            Gather(features, width, test), test.Select(r => labels[r]).ToArray());
    }

    private static float[] Gather(float[] features, int width, int[] rows)
    {
        var result = new float[rows.Length * width];
        for (int i = 0; i < rows.Length; i++) Array.Copy(features, rows[i] * width, result, i * width, width);
        return result;
    }
}
