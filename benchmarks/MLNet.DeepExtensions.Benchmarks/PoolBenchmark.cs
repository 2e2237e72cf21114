using System.Diagnostics;
using System.Globalization;
using MLNet.DeepExtensions.Kernels;

namespace MLNet.DeepExtensions.Benchmarks;

/// <summary>
/// The <c>pool</c> command: the fixed cost of <see cref="WorkerPool.Run"/> (an empty job, back to back and after an
/// idle gap), which bounds how small a parallel kernel can usefully be.
/// </summary>
internal static class PoolBenchmark
{
    private sealed class EmptyJob : ParallelJob
    {
        public override void Execute(int index, int count)
        {
        }
    }

    // Busy work of a fixed duration per index: shows whether the indices really overlap.
    private sealed class SpinJob(double microseconds) : ParallelJob
    {
        public override void Execute(int index, int count)
        {
            long end = Stopwatch.GetTimestamp() + (long)(microseconds * Stopwatch.Frequency / 1e6);
            while (Stopwatch.GetTimestamp() < end)
            {
            }
        }
    }

    /// <summary>Runs the benchmark; returns the process exit code.</summary>
    public static int Run(BenchmarkOptions options)
    {
        using var pool = new WorkerPool(options.Threads);
        var job = new EmptyJob();
        Console.WriteLine($"WorkerPool, {pool.ThreadCount} thread(s)");
        for (int i = 0; i < 10_000; i++) pool.Run(job, pool.ThreadCount);

        var samples = new double[options.Repeats];
        const int calls = 10_000;
        for (int s = 0; s < samples.Length; s++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < calls; i++) pool.Run(job, pool.ThreadCount);
            samples[s] = Stopwatch.GetElapsedTime(start).TotalSeconds / calls;
        }
        Array.Sort(samples);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"back-to-back Run: median {samples[samples.Length / 2] * 1e6:F2} µs"));

        var spin = new SpinJob(20);
        for (int s = 0; s < samples.Length; s++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < 1000; i++) pool.Run(spin, pool.ThreadCount);
            samples[s] = Stopwatch.GetElapsedTime(start).TotalSeconds / 1000;
        }
        Array.Sort(samples);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"back-to-back Run of {pool.ThreadCount} x 20 µs busy indices: median {samples[samples.Length / 2] * 1e6:F2} µs, best {samples[0] * 1e6:F2} µs"));

        // After an idle gap long enough for the workers to block.
        for (int s = 0; s < samples.Length; s++)
        {
            Thread.Sleep(5);
            long start = Stopwatch.GetTimestamp();
            pool.Run(job, pool.ThreadCount);
            samples[s] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        Array.Sort(samples);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Run after 5 ms idle: median {samples[samples.Length / 2] * 1e6:F2} µs"));
        return 0;
    }
}
