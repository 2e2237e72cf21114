using System.Diagnostics;
using System.Globalization;

namespace MLNet.DeepExtensions.Trainers.Tests;

/// <summary>Runs tests/ModelLoadProbe: loads a saved model in a fresh process (without this package) and returns its Score rows.</summary>
internal static class ModelLoadProbeRunner
{
    public static float[][] Scores(string modelPath, IEnumerable<float[]> featureRows, string folder) =>
        Run(modelPath, featureRows.Select(r => string.Join(",", r.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))), folder);

    /// <summary>For a model whose input column "Features" is text (a token pipeline): one text per row, without line breaks.</summary>
    public static float[][] TextScores(string modelPath, IEnumerable<string> texts, string folder) => Run(modelPath, texts, folder);

    private static float[][] Run(string modelPath, IEnumerable<string> lines, string folder)
    {
        string features = Path.Combine(folder, "features.csv"), scores = Path.Combine(folder, "scores.csv");
        File.WriteAllLines(features, lines);
        string probe = Path.Combine(ProbeOutputFolder, "ModelLoadProbe.dll");
        Assert.True(File.Exists(probe), $"probe not built at {probe}");
        var start = new ProcessStartInfo("dotnet", [probe, modelPath, features, scores])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(start)!;
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"ModelLoadProbe failed ({process.ExitCode}): {errors}");
        return File.ReadAllLines(scores).Select(l => l.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
    }

    /// <summary>
    /// The probe's build output: the same folder under tests/ModelLoadProbe as this assembly's under tests/Trainers.Tests
    /// (bin/Release/net10.0, or bin/mlnet-6.0.0/Release/net10.0 in the -p:MlNetVersion=6.0.0 leg).
    /// </summary>
    private static string ProbeOutputFolder
    {
        get
        {
            string tests = Path.Combine(TestData.RepositoryRoot(), "tests");
            string relative = Path.GetRelativePath(Path.Combine(tests, "Trainers.Tests"), AppContext.BaseDirectory);
            return relative.StartsWith("..", StringComparison.Ordinal)
                ? Path.Combine(tests, "ModelLoadProbe", "bin", BuildConfiguration, "net10.0")
                : Path.Combine(tests, "ModelLoadProbe", relative);
        }
    }

    public static string BuildConfiguration =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";
}
