using System.Text.Json;

namespace MLNet.DeepExtensions.Benchmarks.VsTorch;

/// <summary>What one child process measured; printed as one JSON line after <see cref="Marker"/> and read by the driver.</summary>
internal sealed class ChildResult
{
    public const string Marker = "##vs-torch-result ";

    public string Workload { get; set; } = "";
    public string Side { get; set; } = "";
    public string Description { get; set; } = "";

    /// <summary>Training: wall time of each epoch's training loop (shuffle and gather included, evaluation excluded).</summary>
    public double[] EpochSeconds { get; set; } = [];

    /// <summary>Training: wall time of the whole Fit call (model building and data upload excluded for the engine).</summary>
    public double FitSeconds { get; set; }

    /// <summary>Classifiers: test accuracy after the last epoch.</summary>
    public double? Accuracy { get; set; }

    /// <summary>Autoencoder: test MSE (mean over all 784 outputs of all rows) after the last epoch.</summary>
    public double? TestMse { get; set; }

    /// <summary>Forward over the test set in batches of 1024: samples/s of each timed pass.</summary>
    public double[] InferenceSamplesPerSecond { get; set; } = [];

    /// <summary>Ours only: the same passes through Sequential.Forward on slices of one device buffer holding the test set.</summary>
    public double[] DeviceInferenceSamplesPerSecond { get; set; } = [];

    /// <summary>VmHWM (peak resident set) in MiB, read from /proc/self/status right after training.</summary>
    public double PeakRssMiB { get; set; }

    /// <summary>Managed bytes allocated per training step in epochs 2..N: this thread, and all threads (precise).</summary>
    public double? AllocatedBytesPerStepThisThread { get; set; }
    public double? AllocatedBytesPerStepAllThreads { get; set; }

    /// <summary>GEMM: seconds per call of each sample, by shape "MxKxN".</summary>
    public Dictionary<string, double[]> GemmSecondsPerCall { get; set; } = [];

    /// <summary>ML.NET: epoch seconds as reported by the trainer's history.</summary>
    public double[] HistoryEpochSeconds { get; set; } = [];

    /// <summary>ML.NET: one cursor pass over the training view's Features and Label (what Fit reads first), timed after Fit.</summary>
    public double DataReadSeconds { get; set; }

    /// <summary>ML.NET: Fit time before the first epoch's loop started (reading the IDataView, building the network, uploading).</summary>
    public double BeforeTrainingSeconds { get; set; }

    /// <summary>ML.NET: Fit time after the last epoch was reported (ONNX export, building the scoring chain).</summary>
    public double AfterTrainingSeconds { get; set; }

    public void Print()
    {
        Console.Out.Flush();
        Console.WriteLine(Marker + JsonSerializer.Serialize(this));
        Console.Out.Flush();
    }

    public static ChildResult? TryParse(string line) =>
        line.StartsWith(Marker, StringComparison.Ordinal) ? JsonSerializer.Deserialize<ChildResult>(line[Marker.Length..]) : null;
}

/// <summary>Process-level measurements shared by both sides.</summary>
internal static class ProcessInfo
{
    /// <summary>The NuGet version of the package that ships <paramref name="type"/> (informational version, no commit hash).</summary>
    public static string PackageVersion(Type type)
    {
        string? version = System.Reflection.CustomAttributeExtensions
            .GetCustomAttribute<System.Reflection.AssemblyInformationalVersionAttribute>(type.Assembly)?.InformationalVersion;
        version ??= type.Assembly.GetName().Version?.ToString() ?? "?";
        int plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus >= 0 ? version[..plus] : version;
    }

    /// <summary>VmHWM of this process in MiB (peak resident set size), from /proc/self/status.</summary>
    public static double PeakResidentMiB()
    {
        foreach (string line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) / 1024.0;
            }
        }
        return double.NaN;
    }
}
