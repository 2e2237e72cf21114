using System.Diagnostics;
using MLNet.DeepExtensions.Benchmarks.Shared;

namespace MLNet.DeepExtensions.Benchmarks.VsTorch;

/// <summary>The shared protocol of shared/ANCHORS.md, in one place for both sides.</summary>
internal static class Protocol
{
    public const int Threads = 2;
    public const int BatchSize = 128;
    public const float LearningRate = 1e-3f;
    public const int InferenceBatch = 1024;
    public const int InferencePasses = 5;
    public const int Seed = 42;
    public const int MlpEpochs = 5;
    public const int AutoencoderEpochs = 3;
    public const int CnnEpochs = 3;
    public const int RecurrentEpochs = 3;
    /// <summary>The recurrent workloads read each image as 28 steps (rows) of 28 features (pixels), hidden size 128.</summary>
    public const int RecurrentHidden = 128;

    /// <summary>Set by <c>--epochs N</c> (driver and children): fewer epochs than the protocol for quick runs.</summary>
    public static int? EpochsOverride { get; set; }

    /// <summary>The epoch count of a training workload (mlp, ae, cnn, lstm, gru): the protocol's, unless overridden.</summary>
    public static int Epochs(string workload) => EpochsOverride ?? workload switch
    {
        "mlp" => MlpEpochs,
        "ae" => AutoencoderEpochs,
        "cnn" => CnnEpochs,
        "lstm" or "gru" => RecurrentEpochs,
        _ => throw new ArgumentOutOfRangeException(nameof(workload), workload, $"'{workload}' is not a training workload (mlp, ae, cnn, lstm, gru)."),
    };

    /// <summary>The LSTM and GRU workloads.</summary>
    public static bool IsRecurrent(string workload) => workload is "lstm" or "gru";

    /// <summary>
    /// Times <see cref="InferencePasses"/> calls of <paramref name="pass"/>, each over <paramref name="samples"/>
    /// samples, and returns samples per second of each; the caller warms up first.
    /// </summary>
    public static double[] InferenceRates(int samples, Action pass)
    {
        var rates = new double[InferencePasses];
        for (int i = 0; i < rates.Length; i++)
        {
            long start = Stopwatch.GetTimestamp();
            pass();
            rates[i] = samples / Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        return rates;
    }

    /// <summary>GEMM shapes, M x K x N, C = A·B.</summary>
    public static readonly (int M, int K, int N)[] GemmShapes = [(1024, 1024, 1024), (128, 784, 256), (128, 256, 128)];

    public static string ShapeKey((int M, int K, int N) s) => $"{s.M}x{s.K}x{s.N}";

    // A GEMM sample times back-to-back calls for at least this long (small shapes take tens of µs per call).
    public static readonly TimeSpan GemmMinimumSample = TimeSpan.FromMilliseconds(25);
    public static readonly TimeSpan GemmWarmUp = TimeSpan.FromMilliseconds(400);
    public const int GemmSamples = 9;

    /// <summary>
    /// Times <paramref name="call"/> like the engine's GemmBenchmark: warm-up, calibration of calls per sample, then
    /// <see cref="GemmSamples"/> samples; returns seconds per call of each sample.
    /// </summary>
    public static double[] TimeGemm(Action call) => CallTimer.Samples(call, GemmWarmUp, GemmMinimumSample, GemmSamples, out _);

    /// <summary>Deterministic uniform [-1, 1) matrix.</summary>
    public static float[] RandomMatrix(int rows, int columns, int seed)
    {
        var random = new Random(seed);
        var values = new float[(long)rows * columns];
        for (long i = 0; i < values.Length; i++) values[i] = random.NextSingle() * 2f - 1f;
        return values;
    }

    /// <summary>Fraction of rows whose argmax over <paramref name="classes"/> logits equals the label.</summary>
    public static double Accuracy(ReadOnlySpan<float> logits, int[] labels, int classes)
    {
        int correct = 0;
        for (int r = 0; r < labels.Length; r++)
        {
            var row = logits.Slice(r * classes, classes);
            int best = 0;
            for (int c = 1; c < classes; c++) if (row[c] > row[best]) best = c;
            if (best == labels[r]) correct++;
        }
        return (double)correct / labels.Length;
    }

    /// <summary>Mean over all values of (a − b)².</summary>
    public static double MeanSquaredError(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double d = a[i] - b[i];
            sum += d * d;
        }
        return sum / a.Length;
    }
}
