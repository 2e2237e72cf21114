using System.Globalization;

namespace MLNet.DeepExtensions.Benchmarks.TabularBaselines;

/// <summary>Command-line settings with their defaults.</summary>
/// <param name="DataSets">Names of <see cref="TabularSet.All"/> to run, or null for all.</param>
/// <param name="Seeds">Split seeds 0..Seeds-1 (ml.Data.TrainTestSplit(data, 0.2, seed)). Default 3.</param>
/// <param name="Epochs">Epochs of the DeepMlp rows, or null for the trainer's default.</param>
/// <param name="Deep">"Name=Value,..." set on DeepMlpTrainer.Options by reflection, or null for none.</param>
/// <param name="StandardizeLabelByHand">Regression: also DeepMlp on (y − mean) / std of the training rows, inverted for the metrics.</param>
/// <param name="ZScore">Also DeepMlp after NormalizeMeanVariance(fixZero: false), the centred z-score.</param>
/// <param name="WritePath">Markdown file the tables also go to, or null.</param>
internal sealed record CommandLine(string[]? DataSets, int Seeds, int? Epochs, string? Deep, bool StandardizeLabelByHand, string? WritePath, bool ZScore = false)
{
    public const string Usage =
        "usage: TabularBaselines [--datasets NAME,NAME] [--seeds N] [--epochs N] [--deep \"Name=Value,...\"] [--standardize-label-by-hand] [--zscore] [--write FILE]\n" +
        "  data sets: diabetes, biomass, concrete, sacramento, ames (regression); wine, penguins (multiclass); breast_cancer (binary)\n" +
        "  --deep sets public fields of DeepMlpTrainer.Options on the DeepMlp rows, e.g. --deep \"Epochs=100,HiddenLayers=64;32\"";

    public static CommandLine Parse(string[] args)
    {
        var result = new CommandLine(null, 3, null, null, false, null);
        for (int i = 0; i < args.Length; i++)
        {
            string option = args[i];
            if (option is "-h" or "--help") throw new ArgumentException(Usage);
            if (option == "--standardize-label-by-hand")
            {
                result = result with { StandardizeLabelByHand = true };
                continue;
            }
            if (option == "--zscore")
            {
                result = result with { ZScore = true };
                continue;
            }
            if (option is not ("--datasets" or "--seeds" or "--epochs" or "--deep" or "--write")) throw new ArgumentException($"Unknown option {option}.\n{Usage}");
            string value = i + 1 < args.Length ? args[++i] : throw new ArgumentException($"Option {option} needs a value.\n{Usage}");
            result = option switch
            {
                "--datasets" => result with { DataSets = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) },
                "--seeds" => result with { Seeds = Positive(option, value) },
                "--epochs" => result with { Epochs = Positive(option, value) },
                "--deep" => result with { Deep = value },
                "--write" => result with { WritePath = value },
                _ => throw new ArgumentException($"Unknown option {option}.\n{Usage}"),
            };
        }
        return result;
    }

    /// <summary>The chosen tables in <see cref="TabularSet.All"/>'s order; throws on an unknown name.</summary>
    public IReadOnlyList<TabularSet> ChosenSets()
    {
        if (DataSets is null) return TabularSet.All;
        var unknown = DataSets.Where(n => !TabularSet.All.Any(s => s.Name.Equals(n, StringComparison.OrdinalIgnoreCase))).ToList();
        if (unknown.Count > 0) throw new ArgumentException($"Unknown data set(s) {string.Join(", ", unknown)}; known: {string.Join(", ", TabularSet.All.Select(s => s.Name))}.");
        return TabularSet.All.Where(s => DataSets.Contains(s.Name, StringComparer.OrdinalIgnoreCase)).ToList();
    }

    private static int Positive(string option, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n > 0
            ? n : throw new ArgumentException($"Option {option} needs a positive integer; got '{value}'.");
}
