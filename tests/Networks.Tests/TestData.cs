using MLNet.DeepExtensions.Networks.Data;
using MLNet.DeepExtensions.Networks.Training;

namespace MLNet.DeepExtensions.Networks.Tests;

/// <summary>Real data for tests: the digits set committed under samples/data.</summary>
internal static class TestData
{
    private static readonly Lazy<(Dataset Train, Dataset Test)> DigitsSplit = new(LoadDigits);

    /// <summary>sklearn/UCI digits, pixels / 16, stratified 80/20 split of shared/ANCHORS.md.</summary>
    public static (Dataset Train, Dataset Test) Digits => DigitsSplit.Value;

    /// <summary>The repository root (the folder holding MLNet.DeepExtensions.sln).</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MLNet.DeepExtensions.sln"))) return dir.FullName;
        }
        throw new DirectoryNotFoundException($"No MLNet.DeepExtensions.sln above {AppContext.BaseDirectory}.");
    }

    private static (Dataset, Dataset) LoadDigits()
    {
        var table = CsvTable.Load(Path.Combine(RepositoryRoot(), "samples", "data", "digits.csv"));
        var (features, labels, width) = table.SplitLabel("label", featureScale: 1f / 16f);
        var all = new Dataset(features, new TensorShape(width), labels, 1, "digits");
        var (train, test) = StratifiedSplit.Split(labels);
        return (all.Subset(train, "digits train"), all.Subset(test, "digits test"));
    }
}
