using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using MLNet.DeepExtensions.Kernels;
using MLNet.DeepExtensions.Kernels.MatMul;

namespace MLNet.DeepExtensions.Benchmarks;

/// <summary>
/// The <c>gemm-compare</c> command: times several <see cref="ManagedGemm"/> configurations on the
/// <see cref="GemmBenchmark"/> shapes with their samples interleaved, so that a noisy shared machine affects them alike.
/// </summary>
internal static unsafe class GemmCompareBenchmark
{
    /// <summary>Runs the comparison; returns the process exit code.</summary>
    public static int Run(BenchmarkOptions options)
    {
        if (options.Variants.Count == 0) throw new ArgumentException("gemm-compare needs at least one --variant KC,NC,TASKS_PER_THREAD,auto|rows|columns.");
        using var pool = new WorkerPool(options.Threads);
        var gemms = new List<(string Name, ManagedGemm Gemm)>();
        foreach (string spec in options.Variants)
        {
            string[] parts = spec.Split(',');
            if (parts.Length != 4 || !int.TryParse(parts[0], out int kc) || !int.TryParse(parts[1], out int nc)
                || !int.TryParse(parts[2], out int tasks) || !Enum.TryParse(parts[3], ignoreCase: true, out GemmSplit split))
            {
                throw new ArgumentException($"Bad --variant '{spec}': expected KC,NC,TASKS_PER_THREAD,auto|rows|columns.");
            }
            gemms.Add((spec, new ManagedGemm(pool, GemmMicroKernels.Best, kc, nc, tasks, split)));
        }
        Console.WriteLine($"{options.Threads} thread(s), {options.Repeats} interleaved samples; GFLOP/s median (best)");
        Console.WriteLine(MachineInfo.Describe());

        foreach (GemmBenchmark.Case shape in GemmBenchmark.Cases)
        {
            int m = shape.M, k = shape.K, n = shape.N;
            float* a = Allocate((nint)m * k), b = Allocate((nint)k * n), c = Allocate((nint)m * n);
            try
            {
                var random = new Random(1);
                for (nint i = 0; i < (nint)m * k; i++) a[i] = random.NextSingle();
                for (nint i = 0; i < (nint)k * n; i++) b[i] = random.NextSingle();
                var samples = new double[gemms.Count][];
                int calls = 1;
                for (int v = 0; v < gemms.Count; v++)
                {
                    samples[v] = new double[options.Repeats];
                    var watch = Stopwatch.StartNew();
                    int warm = 0;
                    while (watch.ElapsedMilliseconds < 300 || warm < 3)
                    {
                        gemms[v].Gemm.Multiply(shape.TransposeA, shape.TransposeB, m, n, k, 1f, a, b, 0f, c);
                        warm++;
                    }
                    calls = Math.Max(calls, (int)Math.Ceiling(0.01 / (watch.Elapsed.TotalSeconds / warm)));
                }
                for (int s = 0; s < options.Repeats; s++)
                {
                    for (int step = 0; step < gemms.Count; step++)
                    {
                        int v = (s + step) % gemms.Count;
                        long start = Stopwatch.GetTimestamp();
                        for (int i = 0; i < calls; i++) gemms[v].Gemm.Multiply(shape.TransposeA, shape.TransposeB, m, n, k, 1f, a, b, 0f, c);
                        samples[v][s] = Stopwatch.GetElapsedTime(start).TotalSeconds / calls;
                    }
                }
                double flops = 2.0 * m * k * n / 1e9;
                Console.Write(string.Create(CultureInfo.InvariantCulture, $"{(shape.TransposeA ? "T" : "N")}{(shape.TransposeB ? "T" : "N")} {m,4}x{k,4}x{n,4}:"));
                for (int v = 0; v < gemms.Count; v++)
                {
                    Array.Sort(samples[v]);
                    Console.Write(string.Create(CultureInfo.InvariantCulture,
                        $"  [{gemms[v].Name}] {flops / samples[v][options.Repeats / 2],6:F1} ({flops / samples[v][0],6:F1})"));
                }
                Console.WriteLine();
            }
            finally
            {
                NativeMemory.AlignedFree(a);
                NativeMemory.AlignedFree(b);
                NativeMemory.AlignedFree(c);
            }
        }
        foreach (var (_, gemm) in gemms) gemm.Dispose();
        return 0;
    }

    private static float* Allocate(nint length) => (float*)NativeMemory.AlignedAlloc((nuint)(length * sizeof(float)), 64);
}
