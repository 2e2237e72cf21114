using System.Globalization;

namespace MLNet.DeepExtensions.Samples.TextReviews;

/// <summary>Command-line settings with their defaults.</summary>
/// <param name="DataDirectory">The folder with train.csv and test.csv. Default: data/ next to the executable.</param>
/// <param name="Epochs">Epochs of DeepRnn. Default 3.</param>
/// <param name="ReportDirectory">Where report.md and scores.png go. Default "reports".</param>
/// <param name="Threads">Threads of DeepRnn. Default: one per core.</param>
/// <param name="Seed">Seed of DeepRnn (weights, shuffling, dropout). Default 0.</param>
internal sealed record Settings(string DataDirectory, int Epochs, string ReportDirectory, int Threads, int Seed)
{
    public const string Usage = "usage: TextReviews [--data DIR] [--epochs N] [--report-dir DIR] [--threads N] [--seed N]";

    public static Settings Parse(string[] args)
    {
        var result = new Settings(Reviews.DefaultDirectory, 3, "reports", Environment.ProcessorCount, 0);
        for (int i = 0; i < args.Length; i++)
        {
            string option = args[i];
            if (option is not ("--data" or "--epochs" or "--report-dir" or "--threads" or "--seed")) throw new ArgumentException($"Unknown option {option}.\n{Usage}");
            string value = i + 1 < args.Length ? args[++i] : throw new ArgumentException($"Option {option} needs a value.\n{Usage}");
            result = option switch
            {
                "--data" => result with { DataDirectory = value },
                "--epochs" => result with { Epochs = Integer(option, value, 1) },
                "--report-dir" => result with { ReportDirectory = value },
                "--threads" => result with { Threads = Integer(option, value, 1) },
                _ => result with { Seed = Integer(option, value, 0) },
            };
        }
        return result;
    }

    private static int Integer(string option, string value, int minimum) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n >= minimum
            ? n : throw new ArgumentException($"Option {option} needs an integer of at least {minimum}; got '{value}'.");
}
