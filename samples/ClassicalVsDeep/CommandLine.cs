using System.Globalization;

namespace MLNet.DeepExtensions.Samples.ClassicalVsDeep;

/// <summary>Command-line settings with their defaults.</summary>
/// <param name="DataSet">"digits" (default), "fashion-mnist", or the path of a numeric CSV file.</param>
/// <param name="Label">Label column of a CSV data set. Default "label".</param>
/// <param name="Epochs">Epochs of the deep trainers, or null for the data set's defaults.</param>
/// <param name="ReportDirectory">Where report.json, report.md and accuracy-vs-time.png go. Default "reports".</param>
/// <param name="SkipSlow">Leave out the slow tree ensembles (LightGbm, OVA FastForest) for a quick run.</param>
/// <param name="Threads">Threads for LightGbm and the deep trainers. Default: one per core.</param>
/// <param name="Trainers">Only these trainers (names as in the table, comma-separated), or null for all.</param>
/// <param name="Seed">Seed of the deep trainers (weights, shuffling, dropout, augmentation). Default 0.</param>
/// <param name="NormalizeFeatures">The deep trainers' <see cref="DeepTrainerOptions.NormalizeFeatures"/>. Default: the trainers' (Auto).</param>
internal sealed record CommandLine(string DataSet, string Label, int? Epochs, string ReportDirectory, bool SkipSlow, int Threads, string[]? Trainers = null, int Seed = 0,
    FeatureNormalization NormalizeFeatures = DeepTrainerOptions.Defaults.NormalizeFeatures)
{
    public const string Usage =
        "usage: ClassicalVsDeep [--dataset digits|fashion-mnist|PATH.csv] [--label COLUMN] [--epochs N] [--report-dir DIR] [--skip-slow] [--threads N] [--trainers NAME,NAME] [--seed N] [--normalize-features Auto|Standardize|None]";

    public static CommandLine Parse(string[] args)
    {
        var result = new CommandLine("digits", "label", null, "reports", false, Environment.ProcessorCount);
        for (int i = 0; i < args.Length; i++)
        {
            string option = args[i];
            if (option == "--skip-slow")
            {
                result = result with { SkipSlow = true };
                continue;
            }
            if (option is not ("--dataset" or "--label" or "--epochs" or "--report-dir" or "--threads" or "--trainers" or "--seed" or "--normalize-features")) throw new ArgumentException($"Unknown option {option}.\n{Usage}");
            string value = i + 1 < args.Length ? args[++i] : throw new ArgumentException($"Option {option} needs a value.\n{Usage}");
            result = option switch
            {
                "--dataset" => result with { DataSet = value },
                "--label" => result with { Label = value },
                "--epochs" => result with { Epochs = Positive(option, value) },
                "--threads" => result with { Threads = Positive(option, value) },
                "--report-dir" => result with { ReportDirectory = value },
                "--seed" => result with { Seed = NonNegative(option, value) },
                "--normalize-features" => result with
                {
                    NormalizeFeatures = Enum.TryParse<FeatureNormalization>(value, ignoreCase: true, out var n) && Enum.IsDefined(n)
                        ? n : throw new ArgumentException($"Option {option} needs Auto, Standardize or None; got '{value}'."),
                },
                "--trainers" => result with { Trainers = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) },
                _ => throw new ArgumentException($"Unknown option {option}.\n{Usage}"),
            };
        }
        return result;
    }

    private static int NonNegative(string option, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n >= 0
            ? n : throw new ArgumentException($"Option {option} needs a non-negative integer; got '{value}'.");

    private static int Positive(string option, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n > 0
            ? n : throw new ArgumentException($"Option {option} needs a positive integer; got '{value}'.");
}
