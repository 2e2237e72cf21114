using MLNet.DeepExtensions.Kernels.MatMul;

namespace MLNet.DeepExtensions.Kernels.Tests.MatMul;

/// <summary>Parity of <see cref="ManagedGemm"/> with a double-precision triple loop.</summary>
public sealed unsafe class ManagedGemmTests
{
    private static readonly (bool TransposeA, bool TransposeB)[] AllTransposes =
        [(false, false), (false, true), (true, false), (true, true)];

    // Sizes 1, 7, 33, 257 (257 = KC + 1 crosses the default depth block), all different in each case, each of m, k, n
    // the smallest somewhere.
    [Theory]
    [InlineData(1, 33, 257)]
    [InlineData(7, 257, 33)]
    [InlineData(257, 1, 33)]
    [InlineData(33, 7, 257)]
    [InlineData(33, 257, 1)]
    [InlineData(257, 33, 7)]
    [InlineData(7, 33, 257)]
    public void AwkwardSizesMatchReference(int m, int k, int n)
    {
        using var pool = new WorkerPool(2);
        using var gemm = new ManagedGemm(pool);
        foreach (var (ta, tb) in AllTransposes) Check(gemm, ta, tb, m, n, k, 1f, 0f);
    }

    [Theory]
    [InlineData(1f, 0f)]     // C overwritten: the NaN fill must not leak
    [InlineData(1f, 1f)]     // accumulate
    [InlineData(0.5f, 0f)]
    [InlineData(0.5f, 1f)]
    [InlineData(-2f, 0.25f)] // general beta
    public void AlphaBetaVariantsMatchReference(float alpha, float beta)
    {
        using var pool = new WorkerPool(2);
        using var gemm = new ManagedGemm(pool);
        foreach (var (ta, tb) in AllTransposes) Check(gemm, ta, tb, 37, 65, 300, alpha, beta);
    }

    // Block boundaries of the default blocking: k = KC + 1, n = NC + 1, m = MR·k + 3; and a tiny blocking that cuts
    // a small problem into many depth blocks (beta applied only once) and column blocks.
    [Theory]
    [InlineData(11, ManagedGemm.DefaultDepthBlock + 1, 33, 0, 0)]
    [InlineData(35, 70, ManagedGemm.DefaultColumnBlock + 1, 0, 0)]
    [InlineData(131, ManagedGemm.DefaultDepthBlock * 2 + 8, 96, 0, 0)]
    [InlineData(37, 50, 131, 16, 64)]
    [InlineData(70, 17, 97, 8, 32)]
    public void BlockBoundariesMatchReference(int m, int k, int n, int depthBlock, int columnBlock)
    {
        using var pool = new WorkerPool(2);
        using var gemm = depthBlock == 0
            ? new ManagedGemm(pool)
            : new ManagedGemm(pool, GemmMicroKernels.Best, depthBlock, columnBlock);
        foreach (var (ta, tb) in AllTransposes)
        {
            Check(gemm, ta, tb, m, n, k, 1f, 0f);
            Check(gemm, ta, tb, m, n, k, 0.5f, 1.5f);
        }
    }

    [Theory]
    [InlineData(nameof(GemmIsa.Portable))]
    [InlineData(nameof(GemmIsa.Avx2))]
    [InlineData(nameof(GemmIsa.Avx512))]
    public void EveryKernelMatchesReference(string kernel)
    {
        var isa = Enum.Parse<GemmIsa>(kernel);
        if (!GemmMicroKernels.IsSupported(isa)) return; // nothing to check on this machine
        using var pool = new WorkerPool(2);
        using var gemm = new ManagedGemm(pool, isa, 64, 4 * GemmMicroKernels.TileColumns(isa));
        foreach (var (ta, tb) in AllTransposes)
        {
            Check(gemm, ta, tb, 33, 257, 70, 1f, 0f);
            Check(gemm, ta, tb, 7, 9, 129, 0.5f, -1f);
        }
    }

    // Both ways of sharing a block between threads (and several tasks per thread), on blocks with partial tiles.
    [Theory]
    [InlineData(nameof(GemmSplit.Rows), 1)]
    [InlineData(nameof(GemmSplit.Rows), 3)]
    [InlineData(nameof(GemmSplit.Columns), 1)]
    [InlineData(nameof(GemmSplit.Columns), 3)]
    public void EveryThreadSplitMatchesReference(string split, int tasksPerThread)
    {
        using var pool = new WorkerPool(2);
        using var gemm = new ManagedGemm(pool, GemmMicroKernels.Best, 64, 128, tasksPerThread, Enum.Parse<GemmSplit>(split));
        foreach (var (ta, tb) in AllTransposes)
        {
            Check(gemm, ta, tb, 75, 300, 150, 1f, 0f);
            Check(gemm, ta, tb, 9, 130, 333, 0.5f, 1f);
        }
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void ThreadCountDoesNotChangeTheResult(bool transposeA, bool transposeB)
    {
        // Each C tile is computed by one thread in the same order whatever the split, so results are bitwise equal.
        const int m = 130, k = 300, n = 200;
        float[] a = RandomMatrix(m * k, 1), b = RandomMatrix(k * n, 2);
        float[] single = RunWith(1), two = RunWith(2), three = RunWith(3);
        Assert.Equal(single, two);
        Assert.Equal(single, three);
        Check(transposeA, transposeB, m, n, k, 1f, a, b, 0f, new float[m * n], single, "threads");

        float[] RunWith(int threads)
        {
            using var pool = new WorkerPool(threads);
            using var gemm = new ManagedGemm(pool);
            float[] c = new float[m * n];
            fixed (float* pa = a, pb = b, pc = c) gemm.Multiply(transposeA, transposeB, m, n, k, 1f, pa, pb, 0f, pc);
            return c;
        }
    }

    [Theory]
    [InlineData(0f, 0f)]
    [InlineData(1f, 0f)]
    [InlineData(1f, 1f)]
    [InlineData(1f, -0.5f)]
    public void ZeroDepthOrZeroAlphaScalesC(float alpha, float beta)
    {
        using var pool = new WorkerPool(2);
        using var gemm = new ManagedGemm(pool);
        const int m = 5, n = 9;
        float[] c0 = RandomMatrix(m * n, 3);
        float[] c = (float[])c0.Clone();
        float[] a = [float.NaN], b = [float.NaN]; // must not be read
        int k = alpha == 0f ? 1 : 0;
        fixed (float* pa = a, pb = b, pc = c) gemm.Multiply(false, false, m, n, k, alpha, pa, pb, beta, pc);
        for (int i = 0; i < c.Length; i++) Assert.Equal(beta * c0[i], c[i]);

        if (beta == 0f)
        {
            Array.Fill(c, float.NaN);
            fixed (float* pa = a, pb = b, pc = c) gemm.Multiply(false, false, m, n, k, alpha, pa, pb, beta, pc);
            Assert.All(c, value => Assert.Equal(0f, value));
        }
    }

    [Fact]
    public void EmptyOutputLeavesCUntouched()
    {
        using var pool = new WorkerPool(2);
        using var gemm = new ManagedGemm(pool);
        float[] c = [42f];
        float[] a = [1f], b = [1f];
        fixed (float* pa = a, pb = b, pc = c)
        {
            gemm.Multiply(false, false, 0, 1, 1, 1f, pa, pb, 0f, pc);
            gemm.Multiply(false, false, 1, 0, 1, 1f, pa, pb, 0f, pc);
        }
        Assert.Equal(42f, c[0]);
    }

    // ------------------------------------------------------------------ helpers

    private static void Check(ManagedGemm gemm, bool ta, bool tb, int m, int n, int k, float alpha, float beta)
    {
        int seed = HashCode.Combine(ta, tb, m, n, k, alpha, beta);
        float[] a = RandomMatrix(m * k, seed), b = RandomMatrix(k * n, seed + 1);
        float[] c0 = beta == 0f ? Filled(m * n, float.NaN) : RandomMatrix(m * n, seed + 2);
        float[] c = (float[])c0.Clone();
        fixed (float* pa = a, pb = b, pc = c) gemm.Multiply(ta, tb, m, n, k, alpha, pa, pb, beta, pc);
        Check(ta, tb, m, n, k, alpha, a, b, beta, c0, c, $"alpha {alpha}, beta {beta}");
    }

    private static void Check(bool ta, bool tb, int m, int n, int k, float alpha, float[] a, float[] b, float beta,
        float[] c0, float[] actual, string what)
    {
        // Float accumulation error grows with the depth; a real indexing bug is off by O(1).
        double atol = 1e-5 * k, rtol = 1e-4;
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int p = 0; p < k; p++)
                {
                    double av = ta ? a[p * m + i] : a[i * k + p];
                    double bv = tb ? b[j * k + p] : b[p * n + j];
                    sum += av * bv;
                }
                double expected = alpha * sum + (beta == 0f ? 0 : beta * (double)c0[i * n + j]);
                float value = actual[i * n + j];
                if (!(Math.Abs(value - expected) <= atol + rtol * Math.Abs(expected)))
                {
                    Assert.Fail($"{(ta ? "T" : "N")}{(tb ? "T" : "N")} m={m} n={n} k={k} ({what}): C[{i}, {j}] (index {i * n + j}) " +
                        $"expected {expected}, actual {value}");
                }
            }
        }
    }

    private static float[] RandomMatrix(int length, int seed)
    {
        var random = new Random(seed);
        var values = new float[length];
        for (int i = 0; i < length; i++) values[i] = random.NextSingle() * 2f - 1f;
        return values;
    }

    private static float[] Filled(int length, float value)
    {
        var values = new float[length];
        Array.Fill(values, value);
        return values;
    }
}
