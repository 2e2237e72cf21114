namespace MLNet.DeepExtensions.Benchmarks;

/// <summary>Entry point: the first argument names the benchmark, the rest are its options.</summary>
internal static class Program
{
    private const string Usage = """
        Usage: dotnet run -c Release --project benchmarks/MLNet.DeepExtensions.Benchmarks -- <command> [options]

        Commands:
          gemm [--threads N] [--repeats N] [--write docs/BENCHMARKS.md]
              Managed CPU GEMM (float32) at the reference shapes; GFLOP/s = 2MKN / s, median of N timed samples.
          gemm-compare [--threads N] [--repeats N] --variant KC,NC,TASKS,auto|rows|columns ...
              Tuning: the same shapes with several blockings / task counts / thread splits, samples interleaved so that all
              variants see the same machine noise.
          pool [--threads N] [--repeats N]
              Cost of one WorkerPool.Run: empty job back to back, 2 x 20 µs busy indices, and after an idle gap.
          cnn-profile [--threads N] [--repeats N]
              Each kernel of one training step of the Fashion-MNIST CNN (batch 128) timed on its own: ms per call and
              projected seconds per epoch, to see where a CNN epoch goes.
          rnn-step [--threads N] [--repeats N]
              LSTM and GRU time loops (batch 128, H 128, 28 steps of 28): forward (fused step op, and GEMM then cell) and
              backward (cell backward + dHidden GEMM) against their bare GEMMs, plus the per-batch GEMMs; projects an epoch.
        """;

    private static int Main(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }
        try
        {
            var options = BenchmarkOptions.Parse(args.AsSpan(1));
            switch (args[0])
            {
                case "gemm":
                    return GemmBenchmark.Run(options, args);
                case "gemm-compare":
                    return GemmCompareBenchmark.Run(options);
                case "pool":
                    return PoolBenchmark.Run(options);
                case "cnn-profile":
                    return CnnProfileBenchmark.Run(options);
                case "rnn-step":
                    return RecurrentStepBenchmark.Run(options);
                default:
                    Console.Error.WriteLine($"Unknown command '{args[0]}'.");
                    Console.Error.WriteLine(Usage);
                    return 2;
            }
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine(ex.Message);
            Console.Error.WriteLine(Usage);
            return 2;
        }
    }
}
