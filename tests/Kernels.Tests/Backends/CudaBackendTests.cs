using MLNet.DeepExtensions.Kernels.Backends;

namespace MLNet.DeepExtensions.Kernels.Tests.Backends;

/// <summary>The GPU backend, created once for the class and only when a test actually runs.</summary>
public sealed class GpuBackendFixture : IDisposable
{
    private readonly Lazy<IlgpuBackend> _backend = new(() => IlgpuBackend.CreateGpu());

    public IlgpuBackend Backend => _backend.Value;

    public void Dispose()
    {
        if (_backend.IsValueCreated) _backend.Value.Dispose();
    }
}

/// <summary>
/// The ILGPU backend on the first GPU ILGPU finds (CUDA first) against the managed CPU backend: GEMM, softmax
/// cross-entropy and an Adam step. Every test skips visibly (<see cref="GpuFactAttribute"/>) where there is no GPU.
/// Tolerance: atol 1e-5 + rtol 1e-4 (float32 on both sides; the GPU's fast exp/log and a different GEMM summation order
/// differ from the CPU by a few ulps per term).
/// </summary>
public sealed class CudaBackendTests : IClassFixture<GpuBackendFixture>, IDisposable
{
    private const float AbsoluteTolerance = 1e-5f;
    private const float RelativeTolerance = 1e-4f;

    private readonly GpuBackendFixture _fixture;
    private readonly ManagedCpuBackend _oracle = new(1);

    public CudaBackendTests(GpuBackendFixture fixture) => _fixture = fixture;

    public void Dispose() => _oracle.Dispose();

    [GpuFact]
    public void GpuIsSelectedAndDescribed()
    {
        var gpu = _fixture.Backend;
        Assert.True(gpu.Kind is BackendKind.Cuda or BackendKind.OpenCL, $"Kind was {gpu.Kind}.");
        Assert.StartsWith("ILGPU ", gpu.Description);
    }

    [GpuFact]
    public void GemmMatchesManagedForEveryTransposePair()
    {
        var random = new Random(1);
        foreach (var (m, n, k) in new[] { (1, 1, 1), (7, 33, 257), (257, 7, 33), (33, 257, 7), (300, 200, 100) })
        {
            foreach (bool transposeA in new[] { false, true })
            {
                foreach (bool transposeB in new[] { false, true })
                {
                    float[] a = RandomArray(random, m * k), b = RandomArray(random, k * n), c = RandomArray(random, m * n);
                    float[] expected = Gemm(_oracle, transposeA, transposeB, m, n, k, a, b, c);
                    float[] actual = Gemm(_fixture.Backend, transposeA, transposeB, m, n, k, a, b, c);
                    AssertClose(expected, actual, $"Gemm(transposeA: {transposeA}, transposeB: {transposeB}, m: {m}, n: {n}, k: {k})");
                }
            }
        }
    }

    [GpuFact]
    public void SoftmaxCrossEntropyMatchesManaged()
    {
        const int rows = 33, classes = 7;
        var random = new Random(2);
        float[] logits = RandomArray(random, rows * classes).Select(v => 4 * v).ToArray();
        float[] targets = Enumerable.Range(0, rows).Select(r => (float)(r % classes)).ToArray();
        float[] weights = Enumerable.Range(0, classes).Select(c => 0.5f + 0.25f * c).ToArray();

        (float[] Probabilities, float[] Gradient, float[] Loss) Run(ComputeBackend backend)
        {
            using var x = Upload(backend, logits);
            using var t = Upload(backend, targets);
            using var w = Upload(backend, weights);
            using var p = backend.Allocate(rows * classes);
            using var d = backend.Allocate(rows * classes);
            using var loss = backend.Allocate(rows);
            backend.SoftmaxCrossEntropy(x, t, w, 0.1f, rows, classes, 1f / rows, p, d, loss);
            return (Download(backend, p), Download(backend, d), Download(backend, loss));
        }

        var expected = Run(_oracle);
        var actual = Run(_fixture.Backend);
        AssertClose(expected.Probabilities, actual.Probabilities, "probabilities");
        AssertClose(expected.Gradient, actual.Gradient, "dLogits");
        AssertClose(expected.Loss, actual.Loss, "rowLoss");
    }

    [GpuFact]
    public void AdamStepsMatchManaged()
    {
        const int length = 1000;
        var random = new Random(3);
        float[] parameters = RandomArray(random, length);
        float[][] gradients = Enumerable.Range(0, 3).Select(_ => RandomArray(random, length)).ToArray();

        float[] Run(ComputeBackend backend)
        {
            using var w = Upload(backend, parameters);
            using var g = backend.Allocate(length);
            using var m = backend.Allocate(length);
            using var v = backend.Allocate(length);
            for (int step = 1; step <= gradients.Length; step++)
            {
                backend.Upload(gradients[step - 1], g);
                var h = new OptimizerStepParameters
                {
                    LearningRate = 1e-2f, Beta1 = 0.9f, Beta2 = 0.999f, Epsilon = 1e-8f, WeightDecay = 1e-2f,
                    BiasCorrection1 = 1f - MathF.Pow(0.9f, step), BiasCorrection2 = 1f - MathF.Pow(0.999f, step),
                };
                backend.OptimizerStep(OptimizerKind.AdamW, h, w, g, m, v, length);
            }
            return Download(backend, w);
        }

        AssertClose(Run(_oracle), Run(_fixture.Backend), "parameters after 3 AdamW steps");
    }

    private static float[] Gemm(ComputeBackend backend, bool transposeA, bool transposeB, int m, int n, int k, float[] a, float[] b, float[] c)
    {
        using var da = Upload(backend, a);
        using var db = Upload(backend, b);
        using var dc = Upload(backend, c);
        backend.Gemm(transposeA, transposeB, m, n, k, 0.5f, da, db, 0.25f, dc);
        return Download(backend, dc);
    }

    private static DeviceBuffer Upload(ComputeBackend backend, float[] values)
    {
        var buffer = backend.Allocate(values.Length);
        backend.Upload(values, buffer);
        return buffer;
    }

    private static float[] Download(ComputeBackend backend, DeviceBuffer buffer)
    {
        var values = new float[buffer.Length];
        backend.Download(buffer, values);
        return values;
    }

    private static float[] RandomArray(Random random, int length) =>
        Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();

    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            float tolerance = AbsoluteTolerance + RelativeTolerance * MathF.Abs(expected[i]);
            if (!(MathF.Abs(expected[i] - actual[i]) <= tolerance))
            {
                Assert.Fail($"{what}: index {i}: expected {expected[i]}, got {actual[i]} (|diff| {MathF.Abs(expected[i] - actual[i])} > {tolerance}).");
            }
        }
    }
}
