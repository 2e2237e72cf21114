using System.Globalization;

namespace MLNet.DeepExtensions.Benchmarks.VsTorch;

/// <summary>
/// Entry point. Without a command (or with <c>all</c>) this process is the driver: it runs every workload in child
/// processes of this same executable, ours and TorchSharp interleaved per repetition, and prints the tables.
/// <c>child WORKLOAD SIDE</c> runs one measurement and prints one JSON result line.
/// </summary>
internal static class Program
{
    private const string Usage = """
        usage: MLNet.DeepExtensions.Benchmarks.VsTorch [all] [--reps N] [--workloads gemm,mlp,ae,cnn,mlnet,lstm,gru,mlnet-lstm] [--epochs N]
                                                       [--write FILE] [--command TEXT]
               MLNet.DeepExtensions.Benchmarks.VsTorch child (gemm|mlp|ae|cnn|lstm|gru) (ours|torch) [--epochs N]
               MLNet.DeepExtensions.Benchmarks.VsTorch child (mlnet|mlnet-lstm) ours [--epochs N]
        --only is a synonym of --workloads. --epochs overrides the protocol's epoch count of every training workload
        (quick runs; at least 2, so that the steady-state allocation probe has epochs to compare).
        Run it through benchmarks/run-vs-torch.sh: that builds Release, patches the build output's libLibTorchSharp.so
        for Debian 12's libstdc++ and sets the allocator for both sides.
        """;

    public static int Main(string[] args)
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        try
        {
            if (args.Length > 0 && args[0] == "child") return RunChild(args);
            if (args.Contains("--help") || args.Contains("-h"))
            {
                Console.WriteLine(Usage);
                return 0;
            }
            return Driver.Run(DriverOptions.Parse(args.Length > 0 && args[0] == "all" ? args[1..] : args));
        }
        catch (ArgumentException e) when (e.ParamName == "args")
        {
            Console.Error.WriteLine("error: " + e.Message);
            Console.Error.WriteLine(Usage);
            return 2;
        }
        catch (FileNotFoundException e)
        {
            Console.Error.WriteLine("error: " + e.Message);
            return 3;
        }
    }

    private static int RunChild(string[] args)
    {
        if (args.Length != 3 && !(args.Length == 5 && args[3] == "--epochs")) throw new ArgumentException("child needs WORKLOAD and SIDE, then optionally --epochs N.", nameof(args));
        string workload = args[1], side = args[2];
        if (args.Length == 5) Protocol.EpochsOverride = DriverOptions.ParseEpochs(args[4]);
        ChildResult result = (workload, side) switch
        {
            ("gemm", "ours") => OurSide.Gemm(),
            ("gemm", "torch") => TorchSide.Gemm(),
            ("mlp" or "ae" or "cnn" or "lstm" or "gru", "ours") => OurSide.Train(workload, FashionMnist.Load()),
            ("mlp" or "ae" or "cnn" or "lstm" or "gru", "torch") => TorchSide.Train(workload, FashionMnist.Load()),
            ("mlnet", "ours") => MlNetSide.Mlp(FashionMnist.Load()),
            ("mlnet-lstm", "ours") => MlNetSide.Lstm(FashionMnist.Load()),
            _ => throw new ArgumentException($"unknown child workload/side '{workload} {side}'.", nameof(args)),
        };
        result.Print();
        return 0;
    }
}

/// <summary>Driver options.</summary>
internal sealed record DriverOptions(int Repetitions, string[] Workloads, int? Epochs, string? WritePath, string Command)
{
    public static readonly string[] AllWorkloads = ["gemm", "mlp", "ae", "cnn", "mlnet", "lstm", "gru", "mlnet-lstm"];

    public static int ParseEpochs(string text)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int epochs) || epochs < 2)
        {
            throw new ArgumentException($"--epochs must be an integer of at least 2; got '{text}'.", "args");
        }
        return epochs;
    }

    public static DriverOptions Parse(string[] args)
    {
        int reps = 5;
        string[] workloads = AllWorkloads;
        int? epochs = null;
        string? write = null;
        string command = "bash benchmarks/run-vs-torch.sh";
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.", nameof(args));
            switch (args[i])
            {
                case "--reps":
                    reps = int.Parse(Value(), CultureInfo.InvariantCulture);
                    if (reps < 1) throw new ArgumentException("--reps must be at least 1.", nameof(args));
                    break;
                case "--only" or "--workloads":
                    workloads = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    foreach (string w in workloads)
                    {
                        if (!AllWorkloads.Contains(w)) throw new ArgumentException($"unknown workload '{w}' ({string.Join(", ", AllWorkloads)}).", nameof(args));
                    }
                    // Keep the canonical order whatever order the list was given in.
                    workloads = AllWorkloads.Where(workloads.Contains).ToArray();
                    break;
                case "--epochs":
                    epochs = ParseEpochs(Value());
                    break;
                case "--write":
                    write = Value();
                    break;
                case "--command":
                    command = Value();
                    break;
                default:
                    throw new ArgumentException($"unknown option '{args[i]}'.", nameof(args));
            }
        }
        return new DriverOptions(reps, workloads, epochs, write, command);
    }
}
