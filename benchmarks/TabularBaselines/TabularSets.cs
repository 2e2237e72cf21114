using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.DeepExtensions.Benchmarks.TabularBaselines;

/// <summary>What a table's label is.</summary>
internal enum TabularTask
{
    Regression,
    Multiclass,
    Binary,
}

/// <summary>One committed table of samples/data/tabular (see its README.md for sources and licences).</summary>
/// <param name="Name">The name <c>--datasets</c> takes, e.g. "ames".</param>
/// <param name="File">File name under data/tabular, e.g. "ames.csv".</param>
/// <param name="Label">The label column; every other column is a feature.</param>
internal sealed record TabularSet(string Name, string File, string Label, TabularTask Task)
{
    /// <summary>The tables, regression first, in the order they run by default.</summary>
    public static IReadOnlyList<TabularSet> All { get; } =
    [
        new("diabetes", "diabetes.csv", "progression", TabularTask.Regression),
        new("biomass", "biomass.csv", "HHV", TabularTask.Regression),
        new("concrete", "concrete.csv", "compressive_strength", TabularTask.Regression),
        new("sacramento", "sacramento.csv", "price", TabularTask.Regression),
        new("ames", "ames.csv", "Sale_Price", TabularTask.Regression),
        new("wine", "wine.csv", "cultivar", TabularTask.Multiclass),
        new("penguins", "penguins.csv", "species", TabularTask.Multiclass),
        new("breast_cancer", "breast_cancer.csv", "malignant", TabularTask.Binary),
    ];

    /// <summary>The CSV next to the executable (copied there at build time), else under the repository's samples/data/tabular.</summary>
    public string Path
    {
        get
        {
            string beside = System.IO.Path.Combine(AppContext.BaseDirectory, "data", "tabular", File);
            return System.IO.File.Exists(beside) ? beside : System.IO.Path.Combine("samples", "data", "tabular", File);
        }
    }
}

/// <summary>A loaded table: every column Single, with <c>Features</c> and <c>Label</c> added by <see cref="Prepare"/>.</summary>
internal sealed class LoadedTable
{
    private LoadedTable(TabularSet set, IDataView data, string[] featureColumns, float[] labels)
    {
        Set = set;
        Data = data;
        FeatureColumns = featureColumns;
        Labels = labels;
    }

    public TabularSet Set { get; }

    /// <summary>The raw columns as read from the file: one Single column per header name.</summary>
    public IDataView Data { get; }

    public string[] FeatureColumns { get; }

    /// <summary>The label column of every row, for the table's "target range".</summary>
    public float[] Labels { get; }

    public int Rows => Labels.Length;

    /// <summary>
    /// Reads the file with ML.NET's TextLoader, one Single column per header name (the header is the schema), and
    /// checks that no value is missing.
    /// </summary>
    public static LoadedTable Load(MLContext ml, TabularSet set)
    {
        string path = set.Path;
        if (!File.Exists(path)) throw new FileNotFoundException($"{set.Name}: no {set.File} beside the app or under samples/data/tabular (run from the repository root, or run samples/data/tabular/export.sh).", path);
        string[] header = File.ReadLines(path).First().Split(',').Select(h => h.Trim()).ToArray();
        int labelIndex = Array.IndexOf(header, set.Label);
        if (labelIndex < 0) throw new InvalidDataException($"{path}: no label column '{set.Label}' in the header ({string.Join(",", header)}).");
        var columns = header.Select((name, i) => new TextLoader.Column(name, DataKind.Single, i)).ToArray();
        var data = ml.Data.CreateTextLoader(columns, separatorChar: ',', hasHeader: true).Load(path);
        string[] features = header.Where((_, i) => i != labelIndex).ToArray();
        foreach (string column in header)
        {
            if (data.GetColumn<float>(column).Any(float.IsNaN)) throw new InvalidDataException($"{path}: column '{column}' has missing or unparsable values.");
        }
        return new LoadedTable(set, data, features, data.GetColumn<float>(set.Label).ToArray());
    }

    /// <summary>
    /// Adds <c>Features</c> (all non-label columns, raw) and <c>Label</c> in the type the task's trainers take:
    /// Single for regression, a key for multiclass, Boolean (non-zero = true) for binary.
    /// </summary>
    public IEstimator<ITransformer> Prepare(MLContext ml)
    {
        IEstimator<ITransformer> features = ml.Transforms.Concatenate("Features", FeatureColumns);
        return Set.Task switch
        {
            TabularTask.Regression => features.Append(ml.Transforms.CopyColumns("Label", Set.Label)),
            TabularTask.Multiclass => features.Append(ml.Transforms.Conversion.MapValueToKey("Label", Set.Label)),
            TabularTask.Binary => features.Append(ml.Transforms.Conversion.ConvertType("Label", Set.Label, DataKind.Boolean)),
            _ => throw new InvalidOperationException($"Unknown task {Set.Task}."),
        };
    }
}
