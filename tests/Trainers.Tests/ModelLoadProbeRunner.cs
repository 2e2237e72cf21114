using System.Diagnostics;
using System.Globalization;

namespace MLNet.DeepExtensions.Trainers.Tests;

/// <summary>Runs tests/ModelLoadProbe: loads a saved model in a fresh process (without this package) and returns its Score rows.</summary>
internal static class ModelLoadProbeRunner
{
    public static float[][] Scores(string modelPath, IEnumerable<float[]> featureRows, string folder)
    {
        string features = Path.Combine(folder, "features.csv"), scores = Path.Combine(folder, "scores.csv");
        File.WriteAllLines(features, featureRows.Select(r => string.Join(",", r.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))));
        string probe = Path.Combine(TestData.RepositoryRoot(), "tests", "ModelLoadProbe", "bin", BuildConfiguration, "net10.0", "ModelLoadProbe.dll");
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

    public static string BuildConfiguration =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";
}
