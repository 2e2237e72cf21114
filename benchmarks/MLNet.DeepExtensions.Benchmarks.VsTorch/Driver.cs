using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace MLNet.DeepExtensions.Benchmarks.VsTorch;

/// <summary>
/// Runs every workload in child processes (one process per side and repetition, so that each side has the machine,
/// its thread pools and its allocator to itself, and its peak RSS is its own), alternating which side goes first per
/// repetition, then prints one table per workload with medians and the ratio ours / TorchSharp.
/// </summary>
internal static class Driver
{
    private const string SectionBegin = "<!-- vs-torch:begin -->";
    private const string SectionEnd = "<!-- vs-torch:end -->";
    // The CNN has its own generated subsection, so that a CNN-only run (minutes per repetition) can be recorded
    // without discarding the other workloads' tables, and the reverse.
    private const string CnnSectionBegin = "<!-- vs-torch-cnn:begin -->";
    private const string CnnSectionEnd = "<!-- vs-torch-cnn:end -->";
    // The recurrent workloads (LSTM, GRU, the LSTM through ML.NET) likewise.
    private const string RnnSectionBegin = "<!-- vs-torch-rnn:begin -->";
    private const string RnnSectionEnd = "<!-- vs-torch-rnn:end -->";

    public static int Run(DriverOptions options)
    {
        Protocol.EpochsOverride = options.Epochs;
        string machine = Machine();
        string allocator = Allocator();
        string startLoad = LoadAverage();
        Console.WriteLine($"Ours vs TorchSharp-cpu, {options.Repetitions} repetition(s), workloads: {string.Join(", ", options.Workloads)}" +
            (options.Epochs is int e ? $", {e} epochs per training run (--epochs)" : ""));
        Console.WriteLine($"Machine: {machine}");
        Console.WriteLine($"Allocator (both sides): {allocator}");
        Console.WriteLine($"Load average at start: {startLoad}");
        Console.WriteLine();

        var results = new List<ChildResult>();
        var clock = Stopwatch.StartNew();
        for (int rep = 0; rep < options.Repetitions; rep++)
        {
            // Alternate the order so that a slow drift of the machine's load does not favour one side.
            string[] sides = rep % 2 == 0 ? ["ours", "torch"] : ["torch", "ours"];
            foreach (string workload in options.Workloads)
            {
                if (workload is "mlnet" or "mlnet-lstm")
                {
                    results.Add(RunChild(workload, "ours", rep, options));
                    continue;
                }
                foreach (string side in sides) results.Add(RunChild(workload, side, rep, options));
            }
        }
        string endLoad = LoadAverage();
        Console.WriteLine();
        Console.WriteLine($"All runs took {clock.Elapsed.TotalSeconds:F0} s; load average at end: {endLoad}");
        Console.WriteLine();

        var tables = BuildTables(results, options);
        foreach (var table in tables) Console.WriteLine(table.ToText());

        if (options.WritePath is not null)
        {
            var run = new RunInfo(options, machine, allocator, startLoad, endLoad, clock.Elapsed);
            var main = tables.Where(t => t.Section == TableSection.Main).ToList();
            var cnn = tables.Where(t => t.Section == TableSection.Cnn).ToList();
            var rnn = tables.Where(t => t.Section == TableSection.Recurrent).ToList();
            if (main.Count > 0)
            {
                Shared.MarkdownSection.Write(options.WritePath, BuildSection(main, run), SectionBegin, SectionEnd);
                Console.WriteLine($"Wrote the vs-torch section of {options.WritePath}.");
            }
            if (cnn.Count > 0)
            {
                Shared.MarkdownSection.Write(options.WritePath, BuildCnnSection(cnn, run), CnnSectionBegin, CnnSectionEnd);
                Console.WriteLine($"Wrote the vs-torch CNN subsection of {options.WritePath}.");
            }
            if (rnn.Count > 0)
            {
                Shared.MarkdownSection.Write(options.WritePath, BuildRnnSection(rnn, run), RnnSectionBegin, RnnSectionEnd);
                Console.WriteLine($"Wrote the vs-torch recurrent subsection of {options.WritePath}.");
            }
        }
        return 0;
    }

    // ------------------------------------------------------------------ children

    private static ChildResult RunChild(string workload, string side, int rep, DriverOptions options)
    {
        var start = new ProcessStartInfo { RedirectStandardOutput = true, UseShellExecute = false };
        string host = Environment.ProcessPath ?? throw new InvalidOperationException("Cannot find this executable's path.");
        start.FileName = host;
        if (Path.GetFileNameWithoutExtension(host) == "dotnet") start.ArgumentList.Add(typeof(Driver).Assembly.Location);
        foreach (string a in new[] { "child", workload, side }) start.ArgumentList.Add(a);
        if (options.Epochs is int epochs && workload != "gemm")
        {
            start.ArgumentList.Add("--epochs");
            start.ArgumentList.Add(epochs.ToString(CultureInfo.InvariantCulture));
        }

        Console.Write($"[{rep + 1}/{options.Repetitions}] {workload,-10} {side,-5} (load {LoadAverage().Split(' ')[0]}) ");
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start a child process.");
        ChildResult? result = null;
        var other = new StringBuilder();
        string? line;
        while ((line = process.StandardOutput.ReadLine()) is not null)
        {
            var parsed = ChildResult.TryParse(line);
            if (parsed is not null) result = parsed;
            else other.AppendLine(line);
        }
        process.WaitForExit();
        if (process.ExitCode != 0 || result is null)
        {
            Console.WriteLine();
            Console.Error.Write(other.ToString());
            throw new InvalidOperationException($"The child '{workload} {side}' failed (exit code {process.ExitCode}).");
        }
        Console.WriteLine($"{Summary(result)} ({watch.Elapsed.TotalSeconds:F1} s)");
        return result;
    }

    private static string Summary(ChildResult r)
    {
        var inv = CultureInfo.InvariantCulture;
        if (r.Workload == "gemm")
        {
            return string.Join("  ", Protocol.GemmShapes.Select(s =>
                string.Create(inv, $"{Protocol.ShapeKey(s)}: {GigaFlops(s, Median(r.GemmSecondsPerCall[Protocol.ShapeKey(s)])):F1} GFLOP/s")));
        }
        var text = new StringBuilder();
        if (r.EpochSeconds.Length > 0) text.Append(inv, $"epochs {string.Join(" ", r.EpochSeconds.Select(s => s.ToString("F3", inv)))} s  ");
        if (r.HistoryEpochSeconds.Length > 0) text.Append(inv, $"fit {r.FitSeconds:F2} s, history epochs {string.Join(" ", r.HistoryEpochSeconds.Select(s => s.ToString("F3", inv)))} s  ");
        if (r.Accuracy is double acc) text.Append(inv, $"acc {acc:F4}  ");
        if (r.TestMse is double mse) text.Append(inv, $"mse {mse:F5}  ");
        if (r.InferenceSamplesPerSecond.Length > 0) text.Append(inv, $"infer {Median(r.InferenceSamplesPerSecond) / 1e3:F0}k/s  ");
        if (r.DeviceInferenceSamplesPerSecond.Length > 0) text.Append(inv, $"(device {Median(r.DeviceInferenceSamplesPerSecond) / 1e3:F0}k/s)  ");
        text.Append(inv, $"VmHWM {r.PeakRssMiB:F0} MiB");
        return text.ToString();
    }

    // ------------------------------------------------------------------ statistics

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Where(double.IsFinite).Order().ToArray();
        if (sorted.Length == 0) return double.NaN;
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static double GigaFlops((int M, int K, int N) s, double seconds) => 2.0 * s.M * s.K * s.N / seconds / 1e9;

    // ------------------------------------------------------------------ tables

    private enum TableSection { Main, Cnn, Recurrent }

    private sealed record Table(string Title, string[] Headers, List<string[]> Rows, string Notes, TableSection Section = TableSection.Main)
    {
        public string ToText()
        {
            var widths = Headers.Select((h, i) => Math.Max(h.Length, Rows.Count == 0 ? 0 : Rows.Max(r => r[i].Length))).ToArray();
            var text = new StringBuilder();
            text.AppendLine(Title);
            text.AppendLine(string.Join("  ", Headers.Select((h, i) => h.PadRight(widths[i]))));
            text.AppendLine(string.Join("  ", widths.Select(w => new string('-', w))));
            foreach (var row in Rows) text.AppendLine(string.Join("  ", row.Select((c, i) => i == 0 ? c.PadRight(widths[i]) : c.PadLeft(widths[i]))));
            if (Notes.Length > 0) text.AppendLine(Notes);
            return text.ToString();
        }

        public string ToMarkdown()
        {
            var text = new StringBuilder();
            text.AppendLine("### " + Title);
            text.AppendLine();
            text.AppendLine("| " + string.Join(" | ", Headers) + " |");
            text.AppendLine("| " + string.Join(" | ", Headers.Select((_, i) => i == 0 ? "---" : "---:")) + " |");
            foreach (var row in Rows) text.AppendLine("| " + string.Join(" | ", row) + " |");
            if (Notes.Length > 0)
            {
                text.AppendLine();
                text.AppendLine(Notes);
            }
            return text.ToString();
        }
    }

    private static readonly string[] ComparisonHeaders = ["metric", "ours", "TorchSharp", "ours / TorchSharp", "better when", "must-show"];

    private static string F(double value, string format) => double.IsFinite(value) ? value.ToString(format, CultureInfo.InvariantCulture) : "–";

    private static string Verdict(double ratio, double limit, bool lowerIsBetter)
    {
        if (!double.IsFinite(ratio)) return "–";
        bool pass = lowerIsBetter ? ratio <= limit : ratio >= limit;
        string bound = (lowerIsBetter ? "≤ " : "≥ ") + limit.ToString("0.0#", CultureInfo.InvariantCulture);
        return pass ? $"pass ({bound})" : $"**FAIL** (needs {bound})";
    }

    private static string[] Row(string metric, double ours, double peer, string format, bool lowerIsBetter, double? limit, string ratioFormat = "F2")
    {
        double ratio = ours / peer;
        return [metric, F(ours, format), F(peer, format), F(ratio, ratioFormat), lowerIsBetter ? "≤ 1" : "≥ 1",
            limit is double l ? Verdict(ratio, l, lowerIsBetter) : "info"];
    }

    private static List<Table> BuildTables(List<ChildResult> results, DriverOptions options)
    {
        var tables = new List<Table>();
        IEnumerable<ChildResult> Of(string workload, string side) => results.Where(r => r.Workload == workload && r.Side == side);

        if (options.Workloads.Contains("gemm"))
        {
            var rows = new List<string[]>();
            foreach (var shape in Protocol.GemmShapes)
            {
                string key = Protocol.ShapeKey(shape);
                double ours = GigaFlops(shape, Median(Of("gemm", "ours").SelectMany(r => r.GemmSecondsPerCall[key])));
                double peer = GigaFlops(shape, Median(Of("gemm", "torch").SelectMany(r => r.GemmSecondsPerCall[key])));
                double? limit = shape switch { (1024, 1024, 1024) => 0.9, (128, 784, 256) => 1.0, _ => null };
                rows.Add(Row($"{shape.M} x {shape.K} x {shape.N} GFLOP/s", ours, peer, "F1", lowerIsBetter: false, limit));
            }
            int samples = Of("gemm", "ours").Sum(r => r.GemmSecondsPerCall.Values.First().Length);
            tables.Add(new Table("GEMM, float32, C = A·B (M x K x N), 2 threads", ComparisonHeaders, rows,
                $"GFLOP/s = 2·M·K·N / median time per call over {samples} samples per side (each ≥ {Protocol.GemmMinimumSample.TotalMilliseconds:F0} ms of back-to-back calls after a {Protocol.GemmWarmUp.TotalMilliseconds:F0} ms warm-up, " +
                "in every repetition). Ours: `ManagedCpuBackend(2).Gemm` on device buffers (the internal `ManagedGemm`). TorchSharp: `torch.matmul(a, b)` on CPU tensors (a new output tensor per call, disposed), `torch.set_num_threads(2)`."));
        }

        foreach (string workload in new[] { "mlp", "ae", "cnn" })
        {
            if (!options.Workloads.Contains(workload)) continue;
            var ours = Of(workload, "ours").ToList();
            var peer = Of(workload, "torch").ToList();
            bool ae = workload == "ae", cnn = workload == "cnn";
            // Must-shows: the MLP and the autoencoder at TorchSharp's epoch time; the CNN within 1.5x of it (goal 1.0).
            var rows = new List<string[]>
            {
                Row("epoch time, s (median of all epochs)", Median(ours.SelectMany(r => r.EpochSeconds)), Median(peer.SelectMany(r => r.EpochSeconds)), "F3", true, cnn ? 1.5 : 1.0),
                Row("first epoch, s (median over runs)", Median(ours.Select(r => r.EpochSeconds[0])), Median(peer.Select(r => r.EpochSeconds[0])), "F3", true, null),
            };
            if (cnn)
            {
                rows.Add(Row("epochs 2.. (median), s", Median(ours.SelectMany(r => r.EpochSeconds.Skip(1))), Median(peer.SelectMany(r => r.EpochSeconds.Skip(1))), "F3", true, null));
            }
            rows.Add(ae
                ? Row("test MSE after the last epoch", Median(ours.Select(r => r.TestMse ?? double.NaN)), Median(peer.Select(r => r.TestMse ?? double.NaN)), "F5", true, null)
                : Row("test accuracy after the last epoch", Median(ours.Select(r => r.Accuracy ?? double.NaN)), Median(peer.Select(r => r.Accuracy ?? double.NaN)), "F4", false, null, "F3"));
            double peerInference = Median(peer.SelectMany(r => r.InferenceSamplesPerSecond));
            double? inferenceLimit = workload == "mlp" ? 1.0 : null;
            rows.Add(Row("inference samples/s, ours via Predict (host in/out)", Median(ours.SelectMany(r => r.InferenceSamplesPerSecond)), peerInference, "N0", false, inferenceLimit));
            rows.Add(Row("inference samples/s, ours via Forward on device slices", Median(ours.SelectMany(r => r.DeviceInferenceSamplesPerSecond)), peerInference, "N0", false, inferenceLimit));
            rows.Add(Row("peak RSS (VmHWM after training), MiB", Median(ours.Select(r => r.PeakRssMiB)), Median(peer.Select(r => r.PeakRssMiB)), "F0", true, workload == "mlp" ? 1.5 : null));
            if (cnn)
            {
                rows.Add(["managed bytes allocated per training step, ours (training thread / all threads)",
                    $"{F(Median(ours.Select(r => r.AllocatedBytesPerStepThisThread ?? double.NaN)), "N2")} / {F(Median(ours.Select(r => r.AllocatedBytesPerStepAllThreads ?? double.NaN)), "N2")}",
                    "–", "–", "", "info"]);
            }
            int epochs = Protocol.Epochs(workload);
            string title = workload switch
            {
                "ae" => $"Autoencoder 784-128-32-128-784 (ReLU, sigmoid output, MSE), {epochs} epochs",
                "cnn" => $"CNN conv(1→32, 3x3, pad 1)-ReLU-maxpool2, conv(32→64, 3x3, pad 1)-ReLU-maxpool2, FC 3136→128-ReLU, FC 128→10, {epochs} epochs",
                _ => $"MLP 784-256-128-10 ReLU, softmax cross-entropy, {epochs} epochs",
            };
            string model = cnn
                ? "Ours: `Sequential(Conv2DLayer(32, 3, padding: Same), ActivationLayer(Relu), MaxPool2DLayer(2), Conv2DLayer(64, 3, padding: Same), ActivationLayer(Relu), MaxPool2DLayer(2), FlattenLayer(), DenseLayer(128), ActivationLayer(Relu), DenseLayer(10))` on `ManagedCpuBackend(2)`, input shape (1, 28, 28). " +
                  "TorchSharp: `nn.Sequential(Conv2d(1, 32, 3, padding: 1), ReLU, MaxPool2d(2), Conv2d(32, 64, 3, padding: 1), ReLU, MaxPool2d(2), Flatten, Linear(3136, 128), ReLU, Linear(128, 10))`, input [N, 1, 28, 28]. " +
                  "Initializations differ (ours Glorot uniform, TorchSharp Kaiming uniform a = √5). Managed bytes per step: as in the allocations table of the main section (epochs 2..N). "
                : "";
            tables.Add(new Table(title, ComparisonHeaders, rows,
                model +
                $"{ours.Count} training run(s) per side, each in its own process; epoch medians pool all {epochs} epochs of every run. Batch 128 (the last holds 96), Adam lr 1e-3, seed {Protocol.Seed}. " +
                "Inference: forward over the 10,000 test images in batches of 1024, median of 5 timed passes per run after one untimed pass; the TorchSharp side keeps its outputs as tensors (no_grad, eval). " +
                "Peak RSS: VmHWM from /proc/self/status right after the training loop, each side in its own process (data loading included on both sides).", cnn ? TableSection.Cnn : TableSection.Main));
        }

        if (options.Workloads.Contains("mlnet"))
        {
            tables.Add(MlNetTable(Of("mlnet", "ours").ToList(), Of("mlp", "ours").ToList(), Protocol.Epochs("mlp"), "DeepMlp",
                "The same MLP through ML.NET: `ml.MulticlassClassification.Trainers.DeepMlp` vs our engine",
                $"DeepMlp: HiddenLayers [256, 128], {Protocol.Epochs("mlp")} epochs, batch 128, lr 1e-3, 2 threads, CPU, on an `IDataView` from `LoadFromEnumerable` with the label mapped to a key (outside the timed Fit). ",
                "mlp", TableSection.Main));
        }

        foreach (string workload in new[] { "lstm", "gru" })
        {
            if (!options.Workloads.Contains(workload)) continue;
            var ours = Of(workload, "ours").ToList();
            var peer = Of(workload, "torch").ToList();
            double peerInference = Median(peer.SelectMany(r => r.InferenceSamplesPerSecond));
            // Must-show: the epoch at TorchSharp's time or better; inference is reported beside the peer's.
            var rows = new List<string[]>
            {
                Row("epoch time, s (median of all epochs)", Median(ours.SelectMany(r => r.EpochSeconds)), Median(peer.SelectMany(r => r.EpochSeconds)), "F3", true, 1.0),
                Row("first epoch, s (median over runs)", Median(ours.Select(r => r.EpochSeconds[0])), Median(peer.Select(r => r.EpochSeconds[0])), "F3", true, null),
                Row("epochs 2.. (median), s", Median(ours.SelectMany(r => r.EpochSeconds.Skip(1))), Median(peer.SelectMany(r => r.EpochSeconds.Skip(1))), "F3", true, null),
                Row("test accuracy after the last epoch", Median(ours.Select(r => r.Accuracy ?? double.NaN)), Median(peer.Select(r => r.Accuracy ?? double.NaN)), "F4", false, null, "F3"),
                Row("inference samples/s, ours via Predict (host in/out)", Median(ours.SelectMany(r => r.InferenceSamplesPerSecond)), peerInference, "N0", false, null),
                Row("inference samples/s, ours via Forward on device slices", Median(ours.SelectMany(r => r.DeviceInferenceSamplesPerSecond)), peerInference, "N0", false, null),
                Row("peak RSS (VmHWM after training), MiB", Median(ours.Select(r => r.PeakRssMiB)), Median(peer.Select(r => r.PeakRssMiB)), "F0", true, null),
                new[] { "managed bytes allocated per training step, ours (training thread / all threads)",
                    $"{F(Median(ours.Select(r => r.AllocatedBytesPerStepThisThread ?? double.NaN)), "N2")} / {F(Median(ours.Select(r => r.AllocatedBytesPerStepAllThreads ?? double.NaN)), "N2")}",
                    "–", "–", "", "info" },
            };
            int epochs = Protocol.Epochs(workload);
            string cell = workload.ToUpperInvariant();
            string ourLayer = workload == "gru" ? "GruLayer" : "LstmLayer";
            tables.Add(new Table($"{cell} 28 steps x 28 pixels, one layer of {Protocol.RecurrentHidden} units, last state → FC 10, {epochs} epochs", ComparisonHeaders, rows,
                $"Ours: `Sequential({ourLayer}({Protocol.RecurrentHidden}), DenseLayer(10))` on `ManagedCpuBackend(2)`, input shape (28, 28): one input GEMM for all steps, then per step one recurrent GEMM with the gate math fused, weight gradients as one GEMM each over all steps. " +
                $"TorchSharp: `nn.{cell}(28, {Protocol.RecurrentHidden}, batchFirst: true)`, the last step's output into `nn.Linear({Protocol.RecurrentHidden}, 10)`, input [N, 28, 28] (libtorch's CPU {cell} runs its own fused cell kernels). " +
                "Neither side clips gradients or rescales the pixels / 255. Initializations differ (ours: orthogonal recurrent weights, Glorot input weights" + (workload == "lstm" ? ", forget-gate bias 1 as Keras" : "") + "; TorchSharp: uniform ±1/√128). " +
                $"{ours.Count} training run(s) per side, each in its own process; epoch medians pool all {epochs} epochs of every run. Batch 128 (the last holds 96), Adam lr 1e-3, seed {Protocol.Seed}. " +
                "Inference: forward over the 10,000 test images in batches of 1024, median of 5 timed passes per run after one untimed pass (TorchSharp: no_grad, eval, outputs kept as tensors). " +
                "Managed bytes per step: epochs 2..N, as in the allocations table of the main section.", TableSection.Recurrent));
        }

        if (options.Workloads.Contains("mlnet-lstm"))
        {
            int epochs = Protocol.Epochs("lstm");
            tables.Add(MlNetTable(Of("mlnet-lstm", "ours").ToList(), Of("lstm", "ours").ToList(), epochs, "DeepRnn",
                "The same LSTM through ML.NET: `ml.MulticlassClassification.Trainers.DeepRnn` vs our engine",
                $"DeepRnn: CellType Lstm, HiddenSize {Protocol.RecurrentHidden}, SequenceShape [28, 28], {epochs} epochs, batch 128, lr 1e-3, GradientClipNorm 0 and NormalizeFeatures None (as the engine's run: no clipping, pixels / 255), 2 threads, CPU, on an `IDataView` from `LoadFromEnumerable` with the label mapped to a key (outside the timed Fit). ",
                "lstm", TableSection.Recurrent));
        }

        if (options.Workloads.Contains("mlp") || options.Workloads.Contains("ae"))
        {
            var rows = new List<string[]>();
            foreach (string workload in new[] { "mlp", "ae" })
            {
                var ours = Of(workload, "ours").ToList();
                if (ours.Count == 0) continue;
                int epochs = Protocol.Epochs(workload);
                rows.Add([workload == "ae" ? "autoencoder" : "MLP", $"2..{epochs}",
                    F(Median(ours.Select(r => r.AllocatedBytesPerStepThisThread ?? double.NaN)), "N2"),
                    F(Median(ours.Select(r => r.AllocatedBytesPerStepAllThreads ?? double.NaN)), "N2")]);
            }
            tables.Add(new Table("Managed allocations per training step, ours (informational)", ["workload", "epochs", "bytes/step, training thread", "bytes/step, all threads"], rows,
                "`GC.GetAllocatedBytesForCurrentThread()` and `GC.GetTotalAllocatedBytes(precise: true)` read at the end of epoch 1 and of the last epoch (from the trainer's synchronous progress callback), divided by the steps in between (469 per epoch). Includes the trainer's per-epoch report objects."));
        }
        return tables;
    }

    /// <summary>
    /// A model through its ML.NET trainer (<paramref name="ml"/>) against the same model on the engine
    /// (<paramref name="engine"/>): Fit time per epoch, the epoch loops, overheads, accuracy and scoring.
    /// </summary>
    private static Table MlNetTable(List<ChildResult> ml, List<ChildResult> engine, int epochs, string trainerName, string title, string trainerNote, string engineWorkload, TableSection section)
    {
        // The engine's epoch loop per epoch: the mean of TrainingHistory epoch seconds (epoch 1, with its JIT
        // warm-up, included, as it is in the ML.NET Fit time), median over runs; and the median epoch for reference.
        double engineLoop = Median(engine.Select(r => r.EpochSeconds.Average()));
        double engineMedianEpoch = Median(engine.SelectMany(r => r.EpochSeconds));
        double engineFit = Median(engine.Select(r => r.FitSeconds / r.EpochSeconds.Length));
        double mlFit = Median(ml.Select(r => r.FitSeconds / epochs));
        double mlLoop = Median(ml.Select(r => r.HistoryEpochSeconds.Average()));
        double mlMedianEpoch = Median(ml.SelectMany(r => r.HistoryEpochSeconds));
        double mlOverhead = Median(ml.Select(r => r.FitSeconds - r.HistoryEpochSeconds.Sum()));
        double engineOverhead = Median(engine.Select(r => r.FitSeconds - r.EpochSeconds.Sum()));
        double enginePredict = Median(engine.SelectMany(r => r.InferenceSamplesPerSecond));
        double mlTransform = Median(ml.SelectMany(r => r.InferenceSamplesPerSecond));
        var headers = new[] { "metric", "ML.NET " + trainerName, "our engine (Networks API)", "ML.NET / engine", "better when", "must-show" };
        var rows = new List<string[]>
        {
            Row("Fit wall time / epochs vs the engine's epoch loop (mean epoch), s", mlFit, engineLoop, "F3", true, 1.2),
            Row("Fit wall time / epochs vs the engine's median epoch, s", mlFit, engineMedianEpoch, "F3", true, null),
            Row("Fit wall time / epochs (both sides), s", mlFit, engineFit, "F3", true, null),
            Row("epoch loop, s (mean of History epoch seconds)", mlLoop, engineLoop, "F3", true, null),
            Row("epoch loop, s (median of History epoch seconds)", mlMedianEpoch, engineMedianEpoch, "F3", true, null),
            Row("Fit time outside the epoch loops, s", mlOverhead, engineOverhead, "F2", true, null),
            new[] { "of which before epoch 1 (read the IDataView, build, upload), s", F(Median(ml.Select(r => r.BeforeTrainingSeconds)), "F2"), "–", "–", "", "info" },
            new[] { "of which after the last epoch (ONNX export, scoring chain), s", F(Median(ml.Select(r => r.AfterTrainingSeconds)), "F2"), "–", "–", "", "info" },
            new[] { "for scale: one cursor pass over the IDataView (Features, Label), s", F(Median(ml.Select(r => r.DataReadSeconds)), "F2"), "–", "–", "", "info" },
            Row("test accuracy", Median(ml.Select(r => r.Accuracy ?? double.NaN)), Median(engine.Select(r => r.Accuracy ?? double.NaN)), "F4", false, null, "F3"),
            Row("scoring samples/s (Transform + read every Score vs Predict)", mlTransform, enginePredict, "N0", false, null),
            Row("peak RSS (VmHWM after Fit), MiB", Median(ml.Select(r => r.PeakRssMiB)), Median(engine.Select(r => r.PeakRssMiB)), "F0", true, null),
        };
        return new Table(title, headers, rows,
            trainerNote +
            "Its Fit wall time includes reading the IDataView into arrays, building the network, training, ONNX export and building the scoring chain; the engine's Fit time includes uploading the data set. " +
            "The engine's epoch loop is `TrainingHistory.Epochs[i].Seconds` of the `" + engineWorkload + "` runs above (the must-show compares per-epoch totals: both include epoch 1 with its JIT warm-up). Scoring: `model.Transform(test)` and a cursor reading every row's Score vector (median of 5 passes) vs the engine's `Sequential.Predict`.", section);
    }

    // ------------------------------------------------------------------ environment

    private static string Machine()
    {
        string cpu = "unknown CPU";
        try
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? cpu;
        }
        catch (IOException)
        {
        }
        string memory = "";
        try
        {
            string? line = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
            if (line is not null) memory = $", {long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0 / 1024.0:F0} GiB";
        }
        catch (IOException)
        {
        }
        string os = RuntimeInformation.OSDescription;
        try
        {
            string? pretty = File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal));
            if (pretty is not null) os = pretty["PRETTY_NAME=".Length..].Trim('"');
        }
        catch (IOException)
        {
        }
        string simd = System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? "AVX-512" : System.Runtime.Intrinsics.X86.Avx2.IsSupported ? "AVX2" : "no AVX2";
        return $"{cpu}, {Environment.ProcessorCount} logical processors ({simd}){memory}, {os}, {RuntimeInformation.FrameworkDescription}";
    }

    private static string Allocator()
    {
        string preload = Environment.GetEnvironmentVariable("LD_PRELOAD") ?? "";
        string conf = Environment.GetEnvironmentVariable("MALLOC_CONF") ?? "";
        if (preload.Contains("jemalloc", StringComparison.Ordinal))
        {
            return $"jemalloc (LD_PRELOAD={preload}{(conf.Length > 0 ? $", MALLOC_CONF={conf}" : "")})";
        }
        return preload.Length > 0 ? $"LD_PRELOAD={preload}" : "glibc malloc (no LD_PRELOAD)";
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    // ------------------------------------------------------------------ Markdown

    /// <summary>What a generated section says about the run that produced it.</summary>
    private sealed record RunInfo(DriverOptions Options, string Machine, string Allocator, string StartLoad, string EndLoad, TimeSpan Elapsed);

    private static string BuildSection(List<Table> tables, RunInfo run)
    {
        var text = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        text.AppendLine(SectionBegin);
        text.AppendLine("## Side by side with TorchSharp (CPU)");
        text.AppendLine();
        text.AppendLine(string.Create(inv, $"Our engine (managed CPU backend) and TorchSharp-cpu {ProcessInfo.PackageVersion(typeof(TorchSharp.torch))} (libtorch 2.10) on the same workloads in one run, ") +
            "on the protocol of `shared/ANCHORS.md`: Fashion-MNIST pixels / 255 as float32 flattened to 784, a random permutation each epoch, minibatch 128 (the last holds 96), Adam lr 1e-3, " +
            "epoch time = wall time of the training loop (shuffle and gather included, evaluation excluded), inference = forward over the test set in batches of 1024 (median of 5 timed passes). 2 threads on both sides. " +
            "The CNN has its own subsection below, rewritten by the runs that include it (it takes minutes per repetition).");
        text.AppendLine();
        AppendRunDetails(text, run);
        foreach (var table in tables) text.AppendLine(table.ToMarkdown());
        text.AppendLine(SectionEnd);
        return text.ToString();
    }

    private static string BuildCnnSection(List<Table> tables, RunInfo run)
    {
        var text = new StringBuilder();
        text.AppendLine(CnnSectionBegin);
        text.AppendLine("### CNN side by side with TorchSharp (CPU)");
        text.AppendLine();
        text.AppendLine("The protocol of the section above, with each sample as a (1, 28, 28) image. The must-show is an epoch time within 1.5x of TorchSharp's (goal 1.0x); inference is informational.");
        text.AppendLine();
        AppendRunDetails(text, run);
        // One level down from the main section's tables.
        foreach (var table in tables) text.AppendLine("#" + table.ToMarkdown());
        text.AppendLine(CnnSectionEnd);
        return text.ToString();
    }

    private static string BuildRnnSection(List<Table> tables, RunInfo run)
    {
        var text = new StringBuilder();
        text.AppendLine(RnnSectionBegin);
        text.AppendLine("### Recurrent networks side by side with TorchSharp (CPU)");
        text.AppendLine();
        text.AppendLine("The protocol of the section above, with each image read as 28 steps (rows) of 28 pixels. The must-shows: the LSTM and the GRU epoch at TorchSharp's time or better (ratio ≤ 1.0), and the LSTM through the ML.NET trainer within 1.2x of the engine; inference is reported beside TorchSharp's.");
        text.AppendLine();
        AppendRunDetails(text, run);
        foreach (var table in tables) text.AppendLine("#" + table.ToMarkdown());
        text.AppendLine(RnnSectionEnd);
        return text.ToString();
    }

    private static void AppendRunDetails(StringBuilder text, RunInfo run)
    {
        var inv = CultureInfo.InvariantCulture;
        text.AppendLine(inv, $"- Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on: {run.Machine}.");
        text.AppendLine(inv, $"- Allocator, the same for both sides: {run.Allocator}.");
        text.AppendLine(inv, $"- {run.Options.Repetitions} repetitions; in each, every workload runs once per side, each run in its own process, the side that goes first alternating between repetitions. The whole run took {run.Elapsed.TotalMinutes:F1} min; load average {run.StartLoad} at the start, {run.EndLoad} at the end (2 cores, shared with other work: compare ratios, not absolute numbers).");
        if (run.Options.Epochs is int epochs) text.AppendLine(inv, $"- Every training run was cut to {epochs} epochs (`--epochs {epochs}`), not the protocol's count.");
        text.AppendLine("- Ratios are ours / TorchSharp: for times and memory ≤ 1 is good, for throughput (GFLOP/s, samples/s) ≥ 1 is good.");
        text.AppendLine();
        text.AppendLine("Reproduce (from the repository root):");
        text.AppendLine();
        text.AppendLine("```");
        text.AppendLine(run.Options.Command);
        text.AppendLine("```");
        text.AppendLine();
    }
}
