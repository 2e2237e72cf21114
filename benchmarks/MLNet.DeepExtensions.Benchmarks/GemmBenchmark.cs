using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using MLNet.DeepExtensions.Benchmarks.Shared;
using MLNet.DeepExtensions.Kernels.MatMul;
using MLNet.DeepExtensions.Kernels;

namespace MLNet.DeepExtensions.Benchmarks;

/// <summary>
/// The <c>gemm</c> command: times <see cref="ManagedGemm"/> at the reference shapes and optionally writes the table to
/// a Markdown file.
/// </summary>
internal static unsafe class GemmBenchmark
{
    // A sample times back-to-back calls for at least this long, so that small shapes (tens of µs per call) are not
    // dominated by timer resolution and scheduling noise.
    private static readonly TimeSpan MinimumSample = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan WarmUp = TimeSpan.FromMilliseconds(400);

    private const string SectionBegin = "<!-- gemm:begin -->";
    private const string SectionEnd = "<!-- gemm:end -->";

    /// <summary>One timed shape. Libtorch: TorchSharp 0.107 (libtorch 2.10 + MKL), 2 threads, from ANCHORS.md.</summary>
    internal sealed record Case(string Operation, bool TransposeA, bool TransposeB, int M, int K, int N, double? Libtorch);

    internal static readonly Case[] Cases =
    [
        new("C = A·B", false, false, 1024, 1024, 1024, 176.6),
        new("C = A·B (MLP forward 784→256)", false, false, 128, 784, 256, 154.9),
        new("C = A·B (MLP forward 256→128)", false, false, 128, 256, 128, 129.8),
        new("dX = dY·Wᵀ (A·Bᵀ, backward of 784→256)", false, true, 128, 256, 784, null),
        new("dW = Xᵀ·dY (Aᵀ·B, backward of 784→256)", true, false, 784, 128, 256, null),
    ];

    private sealed record Result(Case Case, double MedianSeconds, double BestSeconds, int Samples, int CallsPerSample, double MaxRelativeError);

    /// <summary>Runs the benchmark; returns the process exit code.</summary>
    public static int Run(BenchmarkOptions options, string[] rawArgs)
    {
        string machine = MachineInfo.Describe();
        Console.WriteLine($"Managed GEMM, {options.Threads} thread(s), {options.Repeats} samples per shape");
        Console.WriteLine(machine);
        Console.WriteLine();

        var results = new List<Result>();
        using var pool = new WorkerPool(options.Threads);
        using var gemm = new ManagedGemm(pool);
        // One untimed pass over every shape first: tiered JIT compiles in the background for a while after start-up,
        // and on a 2-core machine that compiler thread would steal time from whichever shape is measured first.
        foreach (Case shape in Cases) Measure(gemm, shape, 1);
        foreach (Case shape in Cases)
        {
            Result result = Measure(gemm, shape, options.Repeats);
            results.Add(result);
            PrintRow(result);
        }

        if (options.WritePath is not null)
        {
            string command = "dotnet run -c Release --project benchmarks/MLNet.DeepExtensions.Benchmarks -- gemm "
                + string.Join(' ', rawArgs.Skip(1).Where((_, i) => !IsWriteOption(rawArgs, i + 1)));
            WriteSection(options.WritePath, BuildSection(results, options, machine, command.TrimEnd()));
            Console.WriteLine();
            Console.WriteLine($"Wrote the GEMM section of {options.WritePath}.");
        }
        return 0;
    }

    private static bool IsWriteOption(string[] args, int i) =>
        args[i] == "--write" || (i > 0 && args[i - 1] == "--write");

    private static Result Measure(ManagedGemm gemm, Case shape, int repeats)
    {
        int m = shape.M, k = shape.K, n = shape.N;
        nint aLength = (nint)m * k, bLength = (nint)k * n, cLength = (nint)m * n;
        float* a = (float*)NativeMemory.AlignedAlloc((nuint)(aLength * sizeof(float)), 64);
        float* b = (float*)NativeMemory.AlignedAlloc((nuint)(bLength * sizeof(float)), 64);
        float* c = (float*)NativeMemory.AlignedAlloc((nuint)(cLength * sizeof(float)), 64);
        try
        {
            var random = new Random(12345);
            for (nint i = 0; i < aLength; i++) a[i] = random.NextSingle() * 2f - 1f;
            for (nint i = 0; i < bLength; i++) b[i] = random.NextSingle() * 2f - 1f;

            void Call() => gemm.Multiply(shape.TransposeA, shape.TransposeB, m, n, k, 1f, a, b, 0f, c);

            var samples = CallTimer.Samples(Call, WarmUp, MinimumSample, repeats, out int callsPerSample);
            Array.Sort(samples);

            double error = CheckSample(shape, a, b, c);
            return new Result(shape, samples[repeats / 2], samples[0], repeats, callsPerSample, error);
        }
        finally
        {
            NativeMemory.AlignedFree(a);
            NativeMemory.AlignedFree(b);
            NativeMemory.AlignedFree(c);
        }
    }

    /// <summary>Largest relative error over a few entries of C against a double-precision dot product.</summary>
    private static double CheckSample(Case shape, float* a, float* b, float* c)
    {
        int m = shape.M, k = shape.K, n = shape.N;
        double worst = 0;
        var random = new Random(7);
        for (int s = 0; s < 64; s++)
        {
            int i = random.Next(m), j = random.Next(n);
            double sum = 0, magnitude = 0;
            for (int p = 0; p < k; p++)
            {
                double av = shape.TransposeA ? a[(nint)p * m + i] : a[(nint)i * k + p];
                double bv = shape.TransposeB ? b[(nint)j * k + p] : b[(nint)p * n + j];
                sum += av * bv;
                magnitude += Math.Abs(av * bv);
            }
            worst = Math.Max(worst, Math.Abs(c[(nint)i * n + j] - sum) / Math.Max(magnitude, 1e-30));
        }
        return worst;
    }

    private static double GigaFlops(Case shape, double seconds) => 2.0 * shape.M * shape.K * shape.N / seconds / 1e9;

    private static void PrintRow(Result r)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{r.Case.Operation,-42} {r.Case.M,5} x {r.Case.K,5} x {r.Case.N,5}  median {r.MedianSeconds * 1e3,9:F3} ms  " +
            $"{GigaFlops(r.Case, r.MedianSeconds),7:F1} GFLOP/s (best {GigaFlops(r.Case, r.BestSeconds),6:F1})  " +
            $"libtorch {(r.Case.Libtorch is double t ? t.ToString("F1", CultureInfo.InvariantCulture) : "-"),6}  " +
            $"err {r.MaxRelativeError:E1}"));
    }

    private static string BuildSection(List<Result> results, BenchmarkOptions options, string machine, string command)
    {
        var text = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        text.AppendLine(SectionBegin);
        text.AppendLine("## Managed CPU GEMM (float32)");
        text.AppendLine();
        text.AppendLine(inv, $"`ManagedGemm` through a `WorkerPool` of {options.Threads} thread(s). Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on: {machine}.");
        text.AppendLine();
        text.AppendLine("Reproduce (from the repository root):");
        text.AppendLine();
        text.AppendLine("```");
        text.AppendLine(command);
        text.AppendLine("```");
        text.AppendLine();
        text.AppendLine(inv, $"GFLOP/s = 2·M·K·N / time. Each of the {options.Repeats} samples per shape times back-to-back calls for at least {MinimumSample.TotalMilliseconds:F0} ms after a warm-up; the table gives the median sample (and the best). C = alpha·op(A)·op(B) with alpha 1, beta 0. The machines are shared and noisy: compare numbers taken in one run.");
        text.AppendLine();
        text.AppendLine("| operation | M x K x N | median time | GFLOP/s (median) | GFLOP/s (best sample) | libtorch GFLOP/s |");
        text.AppendLine("| --- | --- | ---: | ---: | ---: | ---: |");
        foreach (Result r in results)
        {
            string reference = r.Case.Libtorch is double t ? t.ToString("F1", inv) : "–";
            text.AppendLine(inv,
                $"| {r.Case.Operation} | {r.Case.M} x {r.Case.K} x {r.Case.N} | {r.MedianSeconds * 1e3:F3} ms | {GigaFlops(r.Case, r.MedianSeconds):F1} | {GigaFlops(r.Case, r.BestSeconds):F1} | {reference} |");
        }
        text.AppendLine();
        text.AppendLine("libtorch: TorchSharp 0.107 (libtorch 2.10 + MKL), 2 threads, C = A·B, from `shared/ANCHORS.md` (PyTorch 1.13 + OpenBLAS: 204.0 / 159.8 / 125.4). Backward shapes: dY·Wᵀ gives dX of a 784→256 layer (B stored transposed), Xᵀ·dY gives its dW (A stored transposed); M x K x N is the shape of op(A)·op(B).");
        text.AppendLine(SectionEnd);
        return text.ToString();
    }

    private static void WriteSection(string path, string section) =>
        Shared.MarkdownSection.Write(path, section, SectionBegin, SectionEnd);
}
