using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.DeepExtensions.Samples.TextReviews;

/// <summary>One line of samples/data/text/*.csv: the review's text and its score, "great" or "other".</summary>
internal sealed class ReviewRow
{
    [LoadColumn(0)]
    public string Review { get; set; } = "";

    [LoadColumn(1)]
    public string Score { get; set; } = "";
}

/// <summary>The 4,000 training and 1,000 test reviews of modeldata's small_fine_foods, with a boolean Label (great = true).</summary>
internal static class Reviews
{
    public static string DefaultDirectory => Path.Combine(AppContext.BaseDirectory, "data");

    /// <summary>Loads train.csv and test.csv of <paramref name="directory"/> and maps Score to a boolean Label.</summary>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    /// <exception cref="InvalidDataException">A Score is neither "great" nor "other", or a Review is empty.</exception>
    public static (IDataView Train, int TrainRows, IDataView Test, int TestRows) Load(MLContext ml, string directory)
    {
        var (train, trainRows) = Read(ml, Path.Combine(directory, "train.csv"));
        var (test, testRows) = Read(ml, Path.Combine(directory, "test.csv"));
        return (train, trainRows, test, testRows);
    }

    private static (IDataView Rows, int Count) Read(MLContext ml, string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path} is missing. The sample ships it (samples/data/text); regenerate it with: bash samples/data/text/export.sh", path);
        }
        // Reviews are quoted with inner quotes doubled (R's write.csv); one review per line.
        var rows = ml.Data.CreateEnumerable<ReviewRow>(
            ml.Data.LoadFromTextFile<ReviewRow>(path, separatorChar: ',', hasHeader: true, allowQuoting: true), reuseRowObject: false).ToList();
        for (int i = 0; i < rows.Count; i++)
        {
            // Line i + 2: the header is line 1.
            if (rows[i].Score is not ("great" or "other")) throw new InvalidDataException($"{path}, line {i + 2}: column Score must be 'great' or 'other'; found '{rows[i].Score}'.");
            if (string.IsNullOrWhiteSpace(rows[i].Review)) throw new InvalidDataException($"{path}, line {i + 2}: column Review is empty.");
        }
        return (ml.Data.LoadFromEnumerable(rows.Select(r => new LabelledReview { Review = r.Review, Label = r.Score == "great" }).ToList()), rows.Count);
    }

    private sealed class LabelledReview
    {
        public string Review { get; set; } = "";

        public bool Label { get; set; }
    }
}
