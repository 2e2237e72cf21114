namespace MLNet.DeepExtensions.Networks.Data;

/// <summary>
/// The stratified train/test split used for the sklearn data sets (shared/ANCHORS.md): for each class in ascending
/// order, that class's row indices (in file order) are shuffled with one shared <c>new Random(seed)</c> (Fisher-Yates,
/// for i = n−1..1: j = rng.Next(i + 1)), and the first round(testFraction · n_class) go to test.
/// </summary>
public static class StratifiedSplit
{
    /// <summary>Returns the sorted row indices of the train and test parts.</summary>
    public static (int[] Train, int[] Test) Split(ReadOnlySpan<float> labels, double testFraction = 0.2, int seed = 42)
    {
        if (!(testFraction > 0 && testFraction < 1)) throw new ArgumentOutOfRangeException(nameof(testFraction), $"testFraction must be in (0, 1); got {testFraction}.");
        var byClass = new SortedDictionary<float, List<int>>();
        for (int i = 0; i < labels.Length; i++)
        {
            if (!byClass.TryGetValue(labels[i], out var rows)) byClass[labels[i]] = rows = new List<int>();
            rows.Add(i);
        }
        var random = new Random(seed);
        var train = new List<int>();
        var test = new List<int>();
        foreach (var rows in byClass.Values)
        {
            var indices = rows.ToArray();
            Training.Dataset.Shuffle(indices, random);
            int testCount = (int)Math.Round(testFraction * indices.Length, MidpointRounding.ToEven);
            test.AddRange(indices.Take(testCount));
            train.AddRange(indices.Skip(testCount));
        }
        train.Sort();
        test.Sort();
        return (train.ToArray(), test.ToArray());
    }
}
