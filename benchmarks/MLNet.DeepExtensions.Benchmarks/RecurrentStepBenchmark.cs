using System.Diagnostics;
using System.Globalization;
using MLNet.DeepExtensions.Kernels;
using MLNet.DeepExtensions.Kernels.Backends;

namespace MLNet.DeepExtensions.Benchmarks;

/// <summary>
/// The <c>rnn-step</c> command: what the gate math costs on top of the recurrent GEMMs, on the managed CPU backend, for
/// the Fashion-MNIST sequence model (rows as 28 steps of 28 features, H 128, batch 128). Each variant is one whole time
/// loop of 28 steps: the LSTM and GRU forward loop (the fused step op per step; the unfused GEMM-then-cell for
/// comparison) and backward loop (cell backward, then dHidden += dGates·W_hh), each next to its bare GEMMs alone. The
/// per-batch GEMMs outside the loop (input projection for all steps, dW_ih, dW_hh as one product over all steps) are
/// timed too, to project an epoch (469 batches). Samples of all variants are interleaved so that they share the
/// machine's noise; the table gives medians and each loop's ratio to its bare GEMMs, and the same for the fastest
/// sample (the least disturbed on a shared machine).
/// </summary>
internal static class RecurrentStepBenchmark
{
    private const int Batch = 128, H = 128, F = 28, Steps = 28, BatchesPerEpoch = 469;

    /// <remarks>At this shape the step op's default is the unfused path (<c>ManagedCpuBackend.FuseSteps</c>); the
    /// "fused" rows force the fusion, the "GEMM, then cell" rows are what the step op runs by default.</remarks>
    /// <summary>Runs the benchmark; returns the process exit code.</summary>
    public static int Run(BenchmarkOptions options)
    {
        using var backend = new ManagedCpuBackend(options.Threads);
        var random = new Random(1);
        DeviceBuffer Buffer(int length, float scale = 1f)
        {
            var values = new float[length];
            for (int i = 0; i < length; i++) values[i] = (random.NextSingle() * 2f - 1f) * scale;
            DeviceBuffer buffer = backend.Allocate(length);
            backend.Upload(values, buffer);
            return buffer;
        }

        int s = Batch * H;
        float w = 1f / MathF.Sqrt(H);
        // Per-step state: step t uses slice t of these (time-major), as the layer's time loop does.
        DeviceBuffer x = Buffer(Steps * Batch * F);
        DeviceBuffer lstmGates = Buffer(Steps * Batch * 4 * H), lstmCells = Buffer((Steps + 1) * s), lstmHidden = Buffer((Steps + 1) * s, 0.5f);
        DeviceBuffer gruInput = Buffer(Steps * Batch * 3 * H), gruHidden = Buffer(Steps * Batch * 3 * H), gruStates = Buffer((Steps + 1) * s, 0.5f);
        DeviceBuffer wihLstm = Buffer(4 * H * F, w), whhLstm = Buffer(4 * H * H, w), wihGru = Buffer(3 * H * F, w), whhGru = Buffer(3 * H * H, w);
        DeviceBuffer dwhhLstm = Buffer(4 * H * H), dwihLstm = Buffer(4 * H * F), gruBias = Buffer(3 * H);
        DeviceBuffer dGates = Buffer(Steps * Batch * 4 * H), dHidden = Buffer(s), dCell = Buffer(s), dGruIn = Buffer(Steps * Batch * 3 * H), dGruHidden = Buffer(Steps * Batch * 3 * H);
        DeviceBuffer scratch = Buffer(Batch * 4 * H);

        DeviceBuffer G(DeviceBuffer b, int t, int width) => b.Slice(t * Batch * width, Batch * width);
        DeviceBuffer St(DeviceBuffer b, int t) => b.Slice(t * s, s);
        // Slices made once: a view is a small object, and the loops should time the kernels only.
        var lg = Enumerable.Range(0, Steps).Select(t => G(lstmGates, t, 4 * H)).ToArray();
        var lc = Enumerable.Range(0, Steps + 1).Select(t => St(lstmCells, t)).ToArray();
        var lh = Enumerable.Range(0, Steps + 1).Select(t => St(lstmHidden, t)).ToArray();
        var gi = Enumerable.Range(0, Steps).Select(t => G(gruInput, t, 3 * H)).ToArray();
        var gh = Enumerable.Range(0, Steps).Select(t => G(gruHidden, t, 3 * H)).ToArray();
        var gs = Enumerable.Range(0, Steps + 1).Select(t => St(gruStates, t)).ToArray();
        var dg = Enumerable.Range(0, Steps).Select(t => G(dGates, t, 4 * H)).ToArray();
        var dgi = Enumerable.Range(0, Steps).Select(t => G(dGruIn, t, 3 * H)).ToArray();
        var dgh = Enumerable.Range(0, Steps).Select(t => G(dGruHidden, t, 3 * H)).ToArray();
        DeviceBuffer scratchG = scratch.Slice(0, Batch * 4 * H), scratchH = scratch.Slice(0, s);

        var variants = new (string Name, double Flop, Action Run)[]
        {
            ("LSTM forward loop (step op, fused)", Steps * 2.0 * Batch * 4 * H * H, () =>
            {
                backend.FuseSteps = true;
                for (int t = 0; t < Steps; t++) backend.LstmStepForward(lh[t], whhLstm, lg[t], lc[t], lc[t + 1], lh[t + 1], Batch, H, null, t);
                backend.FuseSteps = null;
            }),
            ("LSTM forward loop (GEMM, then cell)", Steps * 2.0 * Batch * 4 * H * H, () =>
            {
                for (int t = 0; t < Steps; t++) backend.LstmStepForwardUnfused(lh[t], whhLstm, lg[t], lc[t], lc[t + 1], lh[t + 1], Batch, H, null, t);
            }),
            ("LSTM forward bare GEMMs (128x512x128)", Steps * 2.0 * Batch * 4 * H * H, () =>
            {
                for (int t = 0; t < Steps; t++) backend.Gemm(false, true, Batch, 4 * H, H, 1f, lh[t], whhLstm, 1f, scratchG);
            }),
            ("LSTM backward loop (cell bwd + dH GEMM)", Steps * 2.0 * Batch * 4 * H * H, () =>
            {
                for (int t = Steps - 1; t >= 0; t--)
                {
                    backend.LstmCellBackward(lg[t], lc[t], lc[t + 1], lh[t + 1], dHidden, dCell, dg[t], Batch, H, null, t);
                    backend.Gemm(false, false, Batch, H, 4 * H, 1f, dg[t], whhLstm, 1f, dHidden);
                }
            }),
            ("LSTM backward bare GEMMs (128x128x512)", Steps * 2.0 * Batch * 4 * H * H, () =>
            {
                for (int t = Steps - 1; t >= 0; t--) backend.Gemm(false, false, Batch, H, 4 * H, 1f, dg[t], whhLstm, 0f, scratchH);
            }),
            ("GRU forward loop (step op, fused)", Steps * 2.0 * Batch * 3 * H * H, () =>
            {
                backend.FuseSteps = true;
                for (int t = 0; t < Steps; t++) backend.GruStepForward(gs[t], whhGru, gruBias, gi[t], gh[t], gs[t + 1], Batch, H, null, t);
                backend.FuseSteps = null;
            }),
            ("GRU forward loop (GEMM, then cell)", Steps * 2.0 * Batch * 3 * H * H, () =>
            {
                for (int t = 0; t < Steps; t++) backend.GruStepForwardUnfused(gs[t], whhGru, gruBias, gi[t], gh[t], gs[t + 1], Batch, H, null, t);
            }),
            ("GRU forward bare GEMMs (128x384x128)", Steps * 2.0 * Batch * 3 * H * H, () =>
            {
                for (int t = 0; t < Steps; t++) backend.Gemm(false, true, Batch, 3 * H, H, 1f, gs[t], whhGru, 0f, scratchG);
            }),
            ("GRU backward loop (cell bwd + dH GEMM)", Steps * 2.0 * Batch * 3 * H * H, () =>
            {
                for (int t = Steps - 1; t >= 0; t--)
                {
                    backend.GruCellBackward(gi[t], gh[t], gs[t], gs[t + 1], dHidden, dgi[t], dgh[t], Batch, H, null, t);
                    backend.Gemm(false, false, Batch, H, 3 * H, 1f, dgh[t], whhGru, 1f, dHidden);
                }
            }),
            ("GRU backward bare GEMMs (128x128x384)", Steps * 2.0 * Batch * 3 * H * H, () =>
            {
                for (int t = Steps - 1; t >= 0; t--) backend.Gemm(false, false, Batch, H, 3 * H, 1f, dgh[t], whhGru, 0f, scratchH);
            }),
            ("LSTM cell forward alone", 0, () =>
            {
                for (int t = 0; t < Steps; t++) backend.LstmCellForward(lg[t], lc[t], lh[t], lc[t + 1], lh[t + 1], Batch, H, null, t);
            }),
            ("LSTM cell backward alone", 0, () =>
            {
                for (int t = Steps - 1; t >= 0; t--) backend.LstmCellBackward(lg[t], lc[t], lc[t + 1], lh[t + 1], dHidden, dCell, dg[t], Batch, H, null, t);
            }),
            ("GRU cell forward alone", 0, () =>
            {
                for (int t = 0; t < Steps; t++) backend.GruCellForward(gi[t], gh[t], gruBias, gs[t], gs[t + 1], Batch, H, null, t);
            }),
            ("GRU cell backward alone", 0, () =>
            {
                for (int t = Steps - 1; t >= 0; t--) backend.GruCellBackward(gi[t], gh[t], gs[t], gs[t + 1], dHidden, dgi[t], dgh[t], Batch, H, null, t);
            }),
            ("LSTM input projection, all steps (3584x512x28)", 2.0 * Steps * Batch * 4 * H * F, () =>
                backend.Gemm(false, true, Steps * Batch, 4 * H, F, 1f, x, wihLstm, 0f, lstmGates)),
            ("LSTM dW_ih, all steps (512x28x3584)", 2.0 * Steps * Batch * 4 * H * F, () =>
                backend.Gemm(true, false, 4 * H, F, Steps * Batch, 1f, dGates, x, 1f, dwihLstm)),
            ("LSTM dW_hh, all steps (512x128x3584)", 2.0 * Steps * Batch * 4 * H * H, () =>
                backend.Gemm(true, false, 4 * H, H, Steps * Batch, 1f, dGates, lstmHidden, 1f, dwhhLstm)),
        };

        // Warm-up: every variant for a while, so tiered JIT settles on optimized code.
        var warmUp = Stopwatch.StartNew();
        while (warmUp.Elapsed.TotalSeconds < 2)
        {
            foreach (var variant in variants) variant.Run();
        }
        // Calls per sample: enough for about 20 ms.
        int[] calls = variants.Select(v =>
        {
            var watch = Stopwatch.StartNew();
            v.Run();
            return Math.Max(1, (int)(0.020 / watch.Elapsed.TotalSeconds));
        }).ToArray();
        var samples = new double[variants.Length][];
        for (int v = 0; v < variants.Length; v++) samples[v] = new double[options.Repeats];
        for (int r = 0; r < options.Repeats; r++)
        {
            for (int v = 0; v < variants.Length; v++)
            {
                var watch = Stopwatch.StartNew();
                for (int c = 0; c < calls[v]; c++) variants[v].Run();
                samples[v][r] = watch.Elapsed.TotalSeconds / calls[v];
            }
        }
        foreach (double[] sorted in samples) Array.Sort(sorted);
        double[] medians = samples.Select(v => v[v.Length / 2]).ToArray();
        double[] minima = samples.Select(v => v[0]).ToArray();

        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine($"Recurrent time loops, batch {Batch}, H {H}, F {F}, {Steps} steps, {backend.Description}; median of {options.Repeats} interleaved samples");
        Console.WriteLine($"{"variant",-48} {"ms/loop",8} {"GFLOP/s",8} {"vs bare",8} {"min ms",8} {"min vs",8}");
        int[] bare = [2, 2, 2, 4, 4, 7, 7, 7, 9, 9, 2, 4, 7, 9, -1, -1, -1];
        for (int v = 0; v < variants.Length; v++)
        {
            string ratio = bare[v] < 0 ? "" : (medians[v] / medians[bare[v]]).ToString("F2", inv);
            string minRatio = bare[v] < 0 ? "" : (minima[v] / minima[bare[v]]).ToString("F2", inv);
            string rate = variants[v].Flop == 0 ? "" : (variants[v].Flop / medians[v] / 1e9).ToString("F1", inv);
            Console.WriteLine(string.Create(inv, $"{variants[v].Name,-48} {medians[v] * 1e3,8:F3} {rate,8} {ratio,8} {minima[v] * 1e3,8:F3} {minRatio,8}"));
        }
        // One LSTM training batch without the head and optimizer: both loops, the input projection and both weight gradients.
        double lstmBatch = medians[1] + medians[3] + medians[14] + medians[15] + medians[16];
        double lstmGemmOnly = medians[2] + medians[4] + medians[14] + medians[15] + medians[16];
        double lstmBatchMin = minima[1] + minima[3] + minima[14] + minima[15] + minima[16];
        Console.WriteLine(string.Create(inv, $"LSTM epoch projection from the fastest samples: {lstmBatchMin * BatchesPerEpoch:F2} s"));
        Console.WriteLine(string.Create(inv,
            $"LSTM epoch projection ({BatchesPerEpoch} batches, recurrent part only): {lstmBatch * BatchesPerEpoch:F2} s; the same with bare GEMMs: {lstmGemmOnly * BatchesPerEpoch:F2} s"));
        return 0;
    }
}
