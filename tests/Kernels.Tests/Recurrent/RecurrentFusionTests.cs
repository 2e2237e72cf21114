using MLNet.DeepExtensions.Kernels.Backends;
using MLNet.DeepExtensions.Kernels.MatMul;
using MLNet.DeepExtensions.Kernels.Tests.Layout;

namespace MLNet.DeepExtensions.Kernels.Tests.Recurrent;

/// <summary>
/// The fused step ops of the managed backend (the cell math as the recurrent GEMM's row-panel epilogue,
/// <see cref="ManagedGemm.MultiplyRows"/>) against the unfused pair (the GEMM, then the cell op over all rows), bit
/// for bit: the product is the same GEMM with the same blocking, and the epilogue runs the same row code, so nothing
/// may differ. The shapes cover the training ones (batch 128 and the last batch 96, H 128: LSTM 128 x 512 x 128, GRU
/// n 384, RNN n 128), n over the column block (LSTM H 129: n 516) and k over the depth block (H 257), on one and two
/// threads, with ragged lengths. Fusion is forced (<see cref="ManagedCpuBackend.FuseSteps"/>): by default the backend
/// fuses only products past L2, and one case here (batch 600, H 128) is that large, so the default is run there too.
/// </summary>
public sealed unsafe class RecurrentFusionTests
{
    public static TheoryData<string, int, int, int> Cases()
    {
        var data = new TheoryData<string, int, int, int>();
        foreach (string op in new[] { "LstmStepForward", "GruStepForward", "RnnStepForward/Tanh", "RnnStepForward/Relu" })
        {
            foreach ((int batch, int h) in new[] { (128, 128), (96, 128), (33, 129), (7, 257), (1, 7), (130, 33), (600, 128) })
            {
                data.Add(op, batch, h, 1);
                data.Add(op, batch, h, 2);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases), MemberType = typeof(RecurrentFusionTests))]
    public void FusedStepEqualsGemmThenCellBitForBit(string op, int batch, int h, int threads)
    {
        using var backend = new ManagedCpuBackend(threads) { FuseSteps = true };
        float[]? lengths = RecurrentScenarios.Lengths(batch, "ragged", batch + h);
        int seed = batch * 1000 + h;
        using var fusedBuffers = new BackendBuffers(backend);
        float[][] fused = RecurrentScenarios.Run(op, fusedBuffers, batch, h, lengths, withDOutput: false, seed);
        using var unfusedBuffers = new BackendBuffers(backend);
        float[][] unfused = RunUnfused(op, backend, unfusedBuffers, batch, h, lengths, seed);
        Assert.Equal(unfused.Length, fused.Length);
        for (int i = 0; i < fused.Length; i++) BackendBuffers.AssertBitIdentical(unfused[i], fused[i], $"{op}(batch {batch}, H {h}, {threads} threads) output {i}");
        backend.FuseSteps = null;
        using var autoBuffers = new BackendBuffers(backend);
        float[][] auto = RecurrentScenarios.Run(op, autoBuffers, batch, h, lengths, withDOutput: false, seed);
        for (int i = 0; i < auto.Length; i++) BackendBuffers.AssertBitIdentical(unfused[i], auto[i], $"{op}(batch {batch}, H {h}, {threads} threads), default fusion, output {i}");
    }

    // The inputs of RecurrentScenarios.Run's step cases, drawn in the same order, through the unfused internal entry points.
    private static float[][] RunUnfused(string op, ManagedCpuBackend backend, BackendBuffers buffers, int batch, int h, float[]? lengthValues, int seed)
    {
        var rng = new Random(seed);
        int s = batch * h, step = RecurrentScenarios.Step;
        DeviceBuffer? lengths = lengthValues is null ? null : buffers.Upload(lengthValues);
        DeviceBuffer U(int length, float lo = -1f, float hi = 1f) => buffers.Upload(BackendBuffers.Random(rng, length, lo, hi));
        float wScale = 1f / MathF.Sqrt(h);
        switch (op)
        {
            case "LstmStepForward":
            {
                DeviceBuffer hp = U(s), w = U(4 * h * h, -wScale, wScale), gates = U(4 * s), cp = U(s), c = buffers.Output(s), y = buffers.Output(s);
                backend.LstmStepForwardUnfused(hp, w, gates, cp, c, y, batch, h, lengths, step);
                return [buffers.Download(gates, 4 * s), buffers.Download(c, s), buffers.Download(y, s)];
            }
            case "GruStepForward":
            {
                DeviceBuffer hp = U(s), w = U(3 * h * h, -wScale, wScale), bias = U(3 * h), xg = U(3 * s, -2f, 2f);
                DeviceBuffer hg = buffers.Output(3 * s), y = buffers.Output(s);
                backend.GruStepForwardUnfused(hp, w, bias, xg, hg, y, batch, h, lengths, step);
                return [buffers.Download(xg, 3 * s), buffers.Download(hg, 3 * s), buffers.Download(y, s)];
            }
            default:
            {
                ActivationKind activation = op.EndsWith("/Relu", StringComparison.Ordinal) ? ActivationKind.Relu : ActivationKind.Tanh;
                DeviceBuffer hp = U(s), w = U(h * h, -wScale, wScale), z = U(s), y = buffers.Output(s);
                backend.RnnStepForwardUnfused(hp, w, z, y, activation, batch, h, lengths, step);
                return [buffers.Download(z, s), buffers.Download(y, s)];
            }
        }
    }

    public static TheoryData<int, int, int, int, int, string, int> GemmCases()
    {
        var data = new TheoryData<int, int, int, int, int, string, int>();
        foreach ((int m, int n, int k) in new[] { (128, 512, 128), (33, 100, 50), (7, 516, 257), (1, 33, 7), (130, 384, 128) })
        {
            foreach ((int kc, int nc) in new[] { (ManagedGemm.DefaultDepthBlock, ManagedGemm.DefaultColumnBlock), (16, 2 * GemmMicroKernels.TileColumns(GemmMicroKernels.Best)) })
            {
                foreach (string split in new[] { "Auto", "Rows", "Columns" })
                {
                    data.Add(m, n, k, kc, nc, split, 2);
                }
                data.Add(m, n, k, kc, nc, "Auto", 1);
            }
        }
        return data;
    }

    /// <summary>
    /// MultiplyRows calls its epilogue exactly once per row, only once the row is final (a snapshot taken inside the
    /// epilogue equals the finished C), whatever the blocking (several column and depth blocks) and the thread split
    /// (a column split makes the last task to finish a panel run it); the product equals Multiply's bit for bit.
    /// </summary>
    [Theory]
    [MemberData(nameof(GemmCases), MemberType = typeof(RecurrentFusionTests))]
    public void RowEpilogueSeesEachFinalRowOnce(int m, int n, int k, int depthBlock, int columnBlock, string split, int threads)
    {
        using var pool = new WorkerPool(threads);
        using var gemm = new ManagedGemm(pool, GemmMicroKernels.Best, depthBlock, columnBlock, split: Enum.Parse<GemmSplit>(split));
        var rng = new Random(m * 7 + n * 3 + k);
        float[] a = BackendBuffers.Random(rng, m * k), b = BackendBuffers.Random(rng, n * k), c0 = BackendBuffers.Random(rng, m * n);
        float[] expected = (float[])c0.Clone(), actual = (float[])c0.Clone();
        var snapshot = new float[m * n];
        var calls = new int[m];
        fixed (float* pa = a, pb = b, pe = expected, pc = actual, ps = snapshot)
        {
            gemm.Multiply(false, true, m, n, k, 1f, pa, pb, 1f, pe);
            var epilogue = new SnapshotEpilogue(pc, ps, n, calls);
            gemm.MultiplyRows(m, n, k, pa, pb, 1f, pc, epilogue);
        }
        for (int r = 0; r < m; r++) Assert.True(calls[r] == 1, $"row {r} of {m} went through the epilogue {calls[r]} times");
        BackendBuffers.AssertBitIdentical(expected, actual, $"MultiplyRows({m}, {n}, {k}) vs Multiply");
        BackendBuffers.AssertBitIdentical(expected, snapshot, $"rows as the epilogue saw them ({m}, {n}, {k}, KC {depthBlock}, NC {columnBlock}, {split}, {threads} threads)");
    }

    private sealed class SnapshotEpilogue(float* c, float* snapshot, int n, int[] calls) : IRowPanelEpilogue
    {
        public void Apply(int firstRow, int rowCount)
        {
            for (int r = firstRow; r < firstRow + rowCount; r++) Interlocked.Increment(ref calls[r]);
            new Span<float>(c + (nint)firstRow * n, rowCount * n).CopyTo(new Span<float>(snapshot + (nint)firstRow * n, rowCount * n));
        }
    }
}
