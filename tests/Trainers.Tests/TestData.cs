using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.DeepExtensions.Networks.Data;

namespace MLNet.DeepExtensions.Trainers.Tests;

/// <summary>A row with a 64-pixel feature vector and a numeric label (digits).</summary>
public sealed class DigitRow
{
    [VectorType(64)]
    public float[] Features = [];

    public float Label;
}

/// <summary>Real data for the trainer tests: the committed digits set, split as in shared/ANCHORS.md.</summary>
internal static class TestData
{
    private static readonly Lazy<(DigitRow[] Train, DigitRow[] Test)> DigitsRows = new(LoadDigits);

    /// <summary>Digits (pixels / 16, numeric label 0..9), stratified 80/20: 1438 train and 359 test rows.</summary>
    public static (IDataView Train, IDataView Test) Digits(MLContext ml) =>
        (ml.Data.LoadFromEnumerable(DigitsRows.Value.Train), ml.Data.LoadFromEnumerable(DigitsRows.Value.Test));

    /// <summary>The test rows themselves.</summary>
    public static DigitRow[] DigitsTestRows => DigitsRows.Value.Test;

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MLNet.DeepExtensions.sln"))) return dir.FullName;
        }
        throw new DirectoryNotFoundException($"No MLNet.DeepExtensions.sln above {AppContext.BaseDirectory}.");
    }

    private static (DigitRow[], DigitRow[]) LoadDigits()
    {
        var table = CsvTable.Load(Path.Combine(RepositoryRoot(), "samples", "data", "digits.csv"));
        var (features, labels, width) = table.SplitLabel("label", featureScale: 1f / 16f);
        var rows = Enumerable.Range(0, table.RowCount)
            .Select(r => new DigitRow { Features = features.AsSpan(r * width, width).ToArray(), Label = labels[r] })
            .ToArray();
        var (train, test) = StratifiedSplit.Split(labels);
        return (train.Select(i => rows[i]).ToArray(), test.Select(i => rows[i]).ToArray());
    }

    /// <summary>The SchemaShape of a schema, as a pipeline hands it to GetOutputSchema (ML.NET keeps SchemaShape.Create internal).</summary>
    public static SchemaShape ShapeOf(DataViewSchema schema) =>
        (SchemaShape)typeof(SchemaShape).GetMethod("Create", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static, [typeof(DataViewSchema)])!
            .Invoke(null, [schema])!;

    /// <summary>Reads a float vector column.</summary>
    public static float[][] VectorColumn(IDataView data, string name)
    {
        var result = new List<float[]>();
        var column = data.Schema[name];
        using var cursor = data.GetRowCursor(new[] { column });
        var get = cursor.GetGetter<VBuffer<float>>(column);
        var value = default(VBuffer<float>);
        while (cursor.MoveNext())
        {
            get(ref value);
            result.Add(value.DenseValues().ToArray());
        }
        return result.ToArray();
    }

    /// <summary>Reads a scalar column of type <typeparamref name="T"/>.</summary>
    public static T[] ScalarColumn<T>(IDataView data, string name) => data.GetColumn<T>(name).ToArray();
}

/// <summary>An IProgress that calls back on the reporting thread.</summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
