using MLNet.DeepExtensions.Kernels.Backends;

namespace MLNet.DeepExtensions.Kernels.Tests.Backends;

/// <summary>
/// ILGPU-specific behaviour on the CPU accelerator, checked against plain double loops: the tiled GEMM's edges
/// (every transpose pair, sizes 1 and non-multiples of the tile, beta 0 not reading C), determinism of the reductions,
/// the growing row-index buffer of GatherRows, slices as sub-views, and the backend's identity.
/// </summary>
[Collection(IlgpuCpuAcceleratorCollection.Name)]
public sealed class IlgpuBackendTests
{
    private readonly IlgpuBackend _backend;

    public IlgpuBackendTests(IlgpuCpuAcceleratorFixture fixture) => _backend = fixture.Backend;

    [Fact]
    public void KindAndDescriptionNameTheCpuAccelerator()
    {
        Assert.Equal(BackendKind.IlgpuCpu, _backend.Kind);
        Assert.Equal("ILGPU CPU accelerator (emulator, for tests; 1 multiprocessor(s), 16 threads per group, GEMM tile 4x4)", _backend.Description);
    }

    [Theory]
    [InlineData(false, false, 1, 1, 1)]
    [InlineData(false, true, 7, 33, 5)]
    [InlineData(true, false, 33, 5, 7)]
    [InlineData(true, true, 5, 7, 33)]
    [InlineData(false, false, 17, 3, 9)]
    [InlineData(true, true, 1, 9, 2)]
    public void GemmMatchesNaiveForEveryTransposePair(bool transposeA, bool transposeB, int m, int n, int k)
    {
        var random = new Random(m * 1000 + n * 10 + k);
        float[] a = RandomArray(random, m * k), b = RandomArray(random, k * n), c = RandomArray(random, m * n);
        const float alpha = 0.75f, beta = -0.5f;
        float[] actual = RunGemm(transposeA, transposeB, m, n, k, alpha, a, b, beta, c);

        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int p = 0; p < k; p++)
                {
                    double av = transposeA ? a[p * m + i] : a[i * k + p];
                    double bv = transposeB ? b[j * k + p] : b[p * n + j];
                    sum += av * bv;
                }
                double expected = alpha * sum + beta * c[i * n + j];
                AssertClose(expected, actual[i * n + j], $"C[{i}, {j}]");
            }
        }
    }

    [Fact]
    public void GemmWithBetaZeroDoesNotReadC()
    {
        float[] a = [1, 2, 3, 4, 5, 6], b = [1, 0, 0, 1, 1, 1];
        float[] c = Enumerable.Repeat(float.NaN, 4).ToArray();
        float[] actual = RunGemm(false, false, 2, 2, 3, 1f, a, b, 0f, c);
        Assert.Equal([4f, 5f, 10f, 11f], actual);
    }

    [Fact]
    public void GemmWithZeroInnerSizeScalesC()
    {
        using var a = _backend.Allocate(0);
        using var b = _backend.Allocate(0);
        using var c = _backend.Allocate(3);
        _backend.Upload([1f, 2f, 3f], c);
        _backend.Gemm(false, false, 3, 1, 0, 1f, a, b, 2f, c);
        Assert.Equal([2f, 4f, 6f], Download(c, 3));
    }

    [Fact]
    public void ReductionsAreDeterministicAndAccurate()
    {
        var random = new Random(7);
        float[] values = RandomArray(random, 4099);
        using var x = _backend.Allocate(values.Length);
        _backend.Upload(values, x);

        float sum = _backend.Sum(x, values.Length);
        for (int repeat = 0; repeat < 3; repeat++) Assert.Equal(sum, _backend.Sum(x, values.Length));
        AssertClose(values.Sum(v => (double)v), sum, "Sum");
        AssertClose(values.Sum(v => (double)v * v), _backend.SquaredNorm(x, values.Length), "SquaredNorm");
        Assert.Equal(values.Max(), _backend.Max(x, values.Length));
        Assert.Equal(values[..5].Max(), _backend.Max(x, 5));
        Assert.Equal(0f, _backend.Sum(x, 0));
    }

    [Fact]
    public void GatherRowsGrowsItsIndexBufferAndGathersEveryRow()
    {
        const int columns = 3, sourceRows = 11;
        float[] source = Enumerable.Range(0, sourceRows * columns).Select(i => (float)i).ToArray();
        using var src = _backend.Allocate(source.Length);
        _backend.Upload(source, src);
        foreach (int rows in new[] { 2, 700, 5 })
        {
            int[] indices = Enumerable.Range(0, rows).Select(i => (i * 7 + 3) % sourceRows).ToArray();
            using var destination = _backend.Allocate(rows * columns);
            _backend.GatherRows(src, columns, indices, destination);
            float[] actual = Download(destination, rows * columns);
            for (int r = 0; r < rows; r++)
            {
                for (int c = 0; c < columns; c++) Assert.Equal(source[indices[r] * columns + c], actual[r * columns + c]);
            }
        }
    }

    [Fact]
    public void SlicesShareTheOwnersMemory()
    {
        using var owner = _backend.Allocate(10);
        var slice = owner.Slice(4, 3);
        _backend.Fill(slice, 2f, 3);
        _backend.Scale(slice.Slice(1, 2), 3f, 2);
        Assert.Equal([0f, 0f, 0f, 0f, 2f, 6f, 6f, 0f, 0f, 0f], Download(owner, 10));
    }

    [Fact]
    public void DropoutMaskFollowsCounterRandom()
    {
        const int length = 257;
        const float rate = 0.3f;
        const ulong seed = 12345;
        using var input = _backend.Allocate(length);
        using var output = _backend.Allocate(length);
        using var mask = _backend.Allocate(length);
        _backend.Fill(input, 2f, length);
        _backend.DropoutForward(input, output, mask, length, rate, seed);
        float[] actualMask = Download(mask, length), actualOutput = Download(output, length);
        float keep = 1f / (1f - rate);
        for (int i = 0; i < length; i++)
        {
            float expected = CounterRandom.Uniform(seed, i) >= rate ? keep : 0f;
            Assert.Equal(expected, actualMask[i]);
            Assert.Equal(2f * expected, actualOutput[i]);
        }
    }

    [Fact]
    public void SeededTrainingStepsAreBitIdenticalFromRunToRun()
    {
        float[] first = RunTinyTraining(), second = RunTinyTraining();
        Assert.Equal(first, second); // exact: no atomics, fixed summation orders
    }

    /// <summary>Three steps of a dense layer + GELU + dropout + softmax cross-entropy + AdamW, returning weights and losses.</summary>
    private float[] RunTinyTraining()
    {
        const int rows = 9, inputs = 7, outputs = 5;
        var random = new Random(11);
        using var x = _backend.Allocate(rows * inputs);
        using var w = _backend.Allocate(outputs * inputs);
        using var bias = _backend.Allocate(outputs);
        using var z = _backend.Allocate(rows * outputs);
        using var a = _backend.Allocate(rows * outputs);
        using var mask = _backend.Allocate(rows * outputs);
        using var targets = _backend.Allocate(rows);
        using var probabilities = _backend.Allocate(rows * outputs);
        using var dA = _backend.Allocate(rows * outputs);
        using var rowLoss = _backend.Allocate(rows);
        using var dW = _backend.Allocate(outputs * inputs);
        using var m = _backend.Allocate(outputs * inputs);
        using var v = _backend.Allocate(outputs * inputs);
        _backend.Upload(RandomArray(random, rows * inputs), x);
        _backend.Upload(RandomArray(random, outputs * inputs), w);
        _backend.Upload(Enumerable.Range(0, rows).Select(r => (float)(r % outputs)).ToArray(), targets);
        var losses = new List<float>();
        var gelu = new Activation(ActivationKind.Gelu);
        for (int step = 1; step <= 3; step++)
        {
            _backend.Gemm(false, true, rows, outputs, inputs, 1f, x, w, 0f, z);
            _backend.AddRowVector(z, bias, rows, outputs);
            _backend.ActivationForward(gelu, z, a, rows * outputs);
            _backend.DropoutForward(a, a, mask, rows * outputs, 0.2f, (ulong)step);
            _backend.SoftmaxCrossEntropy(a, targets, null, 0.05f, rows, outputs, 1f / rows, probabilities, dA, rowLoss);
            losses.Add(_backend.Sum(rowLoss, rows));
            _backend.Multiply(dA, mask, dA, rows * outputs);
            _backend.ActivationBackward(gelu, z, a, dA, dA, rows * outputs);
            _backend.SumColumns(dA, rows, outputs, bias, 1f);
            _backend.Gemm(true, false, outputs, inputs, rows, 1f, dA, x, 0f, dW);
            var h = new OptimizerStepParameters
            {
                LearningRate = 0.01f, Beta1 = 0.9f, Beta2 = 0.999f, Epsilon = 1e-8f, WeightDecay = 0.01f,
                BiasCorrection1 = 1f - MathF.Pow(0.9f, step), BiasCorrection2 = 1f - MathF.Pow(0.999f, step),
            };
            _backend.OptimizerStep(OptimizerKind.AdamW, h, w, dW, m, v, outputs * inputs);
        }
        return [.. Download(w, outputs * inputs), .. losses];
    }

    private float[] RunGemm(bool transposeA, bool transposeB, int m, int n, int k, float alpha, float[] a, float[] b, float beta, float[] c)
    {
        using var da = _backend.Allocate(a.Length);
        using var db = _backend.Allocate(b.Length);
        using var dc = _backend.Allocate(c.Length);
        _backend.Upload(a, da);
        _backend.Upload(b, db);
        _backend.Upload(c, dc);
        _backend.Gemm(transposeA, transposeB, m, n, k, alpha, da, db, beta, dc);
        return Download(dc, c.Length);
    }

    private float[] Download(DeviceBuffer buffer, int length)
    {
        var result = new float[length];
        _backend.Download(buffer, result);
        return result;
    }

    private static float[] RandomArray(Random random, int length) =>
        Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();

    private static void AssertClose(double expected, float actual, string what)
    {
        double tolerance = 1e-5 + 1e-5 * Math.Abs(expected);
        Assert.True(Math.Abs(expected - actual) <= tolerance, $"{what}: expected {expected}, got {actual} (tolerance {tolerance}).");
    }
}
