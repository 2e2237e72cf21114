using MLNet.DeepExtensions.Kernels.Backends;
using MLNet.DeepExtensions.Kernels.Tests.Backends;

namespace MLNet.DeepExtensions.Kernels.Tests.Normalization;

/// <summary>
/// <see cref="ComputeBackend.BatchNorm2DForwardTraining"/> and its siblings beyond parity: the batch and running
/// statistics against a hand computation on every backend (PyTorch's update, unbiased variance over n = N·H·W),
/// results independent of the managed thread count, ILGPU run-to-run determinism, and the pinned argument messages.
/// </summary>
[Collection(IlgpuCpuAcceleratorCollection.Name)]
public sealed class BatchNorm2DTests : IDisposable
{
    private readonly IlgpuCpuAcceleratorFixture _ilgpu;
    private readonly ReferenceBackend _reference = new();
    private readonly ManagedCpuBackend _managed = new(numberOfThreads: 2);

    public BatchNorm2DTests(IlgpuCpuAcceleratorFixture ilgpu) => _ilgpu = ilgpu;

    public void Dispose()
    {
        _reference.Dispose();
        _managed.Dispose();
    }

    public static TheoryData<string> Backends() => new() { "reference", "managed", "ilgpu-cpu" };

    private ComputeBackend Backend(string name) => name switch
    {
        "reference" => _reference,
        "managed" => _managed,
        _ => _ilgpu.Backend,
    };

    // Batch 2, two channels, two positions, layout (n, c, s):
    //   channel 0 holds 1, 3 | 5, 7: μ = 4, Σ(x − μ)² = 20, biased σ² = 5, unbiased 20/3 (n = 4);
    //   channel 1 holds 2, 2 | 4, 8: μ = 4, Σ(x − μ)² = 24, biased σ² = 6, unbiased 8.
    // Momentum 0.25 from running mean (1, −2) and variance (2, 0.5):
    //   mean (0.75 + 1, −1.5 + 1) = (1.75, −0.5); variance (1.5 + 5/3, 0.375 + 2) = (19/6, 2.375).
    [Theory]
    [MemberData(nameof(Backends))]
    public void TrainingStatisticsMatchAHandComputation(string backendName)
    {
        var backend = Backend(backendName);
        float[] x = [1, 3, 2, 2, 5, 7, 4, 8];
        using var input = Upload(backend, x);
        using var gamma = Upload(backend, [1f, 2f]);
        using var beta = Upload(backend, [0f, 1f]);
        using var output = backend.Allocate(8);
        using var mean = backend.Allocate(2);
        using var inverseStd = backend.Allocate(2);
        using var runningMean = Upload(backend, [1f, -2f]);
        using var runningVariance = Upload(backend, [2f, 0.5f]);
        backend.BatchNorm2DForwardTraining(input, gamma, beta, output, mean, inverseStd, runningMean, runningVariance, 2, 2, 2, 0.25f, 1e-5f);

        double inv0 = 1 / Math.Sqrt(5 + 1e-5), inv1 = 1 / Math.Sqrt(6 + 1e-5);
        AssertClose([4, 4], Download(backend, mean, 2));
        AssertClose([inv0, inv1], Download(backend, inverseStd, 2));
        AssertClose([1.75, -0.5], Download(backend, runningMean, 2));
        AssertClose([19.0 / 6.0, 2.375], Download(backend, runningVariance, 2));
        double[] expected = new double[8];
        for (int i = 0; i < 8; i++)
        {
            int c = i / 2 % 2;
            expected[i] = c == 0 ? (x[i] - 4) * inv0 : 2 * (x[i] - 4) * inv1 + 1;
        }
        AssertClose(expected, Download(backend, output, 8));
    }

    // One value per channel (batch 1, 1x1): zero variance; PyTorch feeds the running variance the biased 0 then.
    [Theory]
    [MemberData(nameof(Backends))]
    public void ASingleValuePerChannelFeedsTheBiasedVariance(string backendName)
    {
        var backend = Backend(backendName);
        using var input = Upload(backend, [3f, -1f]);
        using var gamma = Upload(backend, [1f, 1f]);
        using var beta = Upload(backend, [0.5f, -0.5f]);
        using var output = backend.Allocate(2);
        using var mean = backend.Allocate(2);
        using var inverseStd = backend.Allocate(2);
        using var runningMean = Upload(backend, [0f, 0f]);
        using var runningVariance = Upload(backend, [2f, 1f]);
        backend.BatchNorm2DForwardTraining(input, gamma, beta, output, mean, inverseStd, runningMean, runningVariance, 1, 2, 1, 0.1f, 1e-5f);
        AssertClose([0.5, -0.5], Download(backend, output, 2)); // x − μ = 0: only β is left
        AssertClose([0.3, -0.1], Download(backend, runningMean, 2));
        AssertClose([1.8, 0.9], Download(backend, runningVariance, 2));
    }

    [Fact]
    public void ManagedResultsDoNotDependOnTheThreadCount()
    {
        // 4·8·1024 elements: at the parallel threshold, so the four-thread backend splits the channels.
        const int batch = 4, channels = 8, spatial = 1024;
        Assert.True(batch * channels * spatial >= Kernels.Normalization.ManagedBatchNorm2D.ParallelThreshold);
        using var one = new ManagedCpuBackend(numberOfThreads: 1);
        using var four = new ManagedCpuBackend(numberOfThreads: 4);
        var rng = new Random(3);
        float[] x = Random(rng, batch * channels * spatial, 1f, 5f), dy = Random(rng, batch * channels * spatial, -1f, 1f);
        float[] gamma = Random(rng, channels, 0.5f, 1.5f), beta = Random(rng, channels, -1f, 1f);
        float[][] serial = TrainAndBackward(one, x, dy, gamma, beta, batch, channels, spatial);
        float[][] parallel = TrainAndBackward(four, x, dy, gamma, beta, batch, channels, spatial);
        for (int i = 0; i < serial.Length; i++) Assert.Equal(serial[i], parallel[i]);
    }

    [Fact]
    public void IlgpuIsDeterministicFromRunToRun()
    {
        const int batch = 3, channels = 5, spatial = 300;
        var rng = new Random(4);
        float[] x = Random(rng, batch * channels * spatial, 1f, 5f), dy = Random(rng, batch * channels * spatial, -1f, 1f);
        float[] gamma = Random(rng, channels, 0.5f, 1.5f), beta = Random(rng, channels, -1f, 1f);
        float[][] first = TrainAndBackward(_ilgpu.Backend, x, dy, gamma, beta, batch, channels, spatial);
        float[][] second = TrainAndBackward(_ilgpu.Backend, x, dy, gamma, beta, batch, channels, spatial);
        for (int i = 0; i < first.Length; i++) Assert.Equal(first[i], second[i]);
    }

    // ---------------------------------------------------------------- argument checks

    [Fact]
    public void TrainingNeedsAtLeastOneValuePerChannel()
    {
        using var b = Buffers(_managed, 24, 3);
        var batch = Assert.Throws<ArgumentOutOfRangeException>(() => Train(b, 0, 3, 8));
        Assert.Equal("batch", batch.ParamName);
        Assert.StartsWith("'batch' must be a positive count; got 0.", batch.Message);
        var spatial = Assert.Throws<ArgumentOutOfRangeException>(() => Train(b, 2, 3, 0));
        Assert.Equal("spatial", spatial.ParamName);
        Assert.StartsWith("'spatial' must be a positive count; got 0.", spatial.Message);
        var channels = Assert.Throws<ArgumentOutOfRangeException>(() => Train(b, 2, -1, 4));
        Assert.StartsWith("'channels' must be a non-negative count; got -1.", channels.Message);
        var backward = Assert.Throws<ArgumentOutOfRangeException>(() => _managed.BatchNorm2DBackward(
            b.Input, b.Gamma, b.Mean, b.InverseStd, b.Output, b.Output, b.Mean, b.InverseStd, 2, 3, 0));
        Assert.StartsWith("'spatial' must be a positive count; got 0.", backward.Message);
    }

    [Fact]
    public void ShortBuffersAreNamedWithBothLengths()
    {
        using var b = Buffers(_managed, 24, 3);
        var input = Assert.Throws<ArgumentOutOfRangeException>(() => Train(b, 2, 3, 5));
        Assert.Equal("input", input.ParamName);
        Assert.StartsWith("Buffer 'input' needs at least 30 elements; got 24.", input.Message);
        var runningVariance = Assert.Throws<ArgumentOutOfRangeException>(() => _managed.BatchNorm2DForwardInference(
            b.Input, b.Gamma, b.Beta, b.RunningMean, b.Short, b.Output, 2, 3, 4, 1e-5f));
        Assert.Equal("runningVariance", runningVariance.ParamName);
        Assert.StartsWith("Buffer 'runningVariance' needs at least 3 elements; got 2.", runningVariance.Message);
        var dGamma = Assert.Throws<ArgumentOutOfRangeException>(() => _managed.BatchNorm2DBackward(
            b.Input, b.Gamma, b.Mean, b.InverseStd, b.Output, b.Output, b.Short, b.Beta, 2, 3, 4));
        Assert.Equal("dGamma", dGamma.ParamName);
        Assert.StartsWith("Buffer 'dGamma' needs at least 3 elements; got 2.", dGamma.Message);
    }

    [Fact]
    public void ATensorBeyondIntIndexingIsRejected()
    {
        using var b = Buffers(_managed, 24, 3);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Train(b, 65536, 3, 16384));
        Assert.Equal("batch", e.ParamName);
        Assert.StartsWith("'batch' must be a batch whose tensor has at most 2147483647 elements (this one has 3221225472); got 65536.", e.Message);
    }

    [Fact]
    public void InferenceAcceptsAnEmptyBatch()
    {
        using var b = Buffers(_managed, 24, 3);
        _managed.BatchNorm2DForwardInference(b.Input, b.Gamma, b.Beta, b.RunningMean, b.RunningVariance, b.Output, 0, 3, 4, 1e-5f);
        Assert.Equal(new float[24], Download(_managed, b.Output, 24).Select(v => (float)v).ToArray());
    }

    // ---------------------------------------------------------------- helpers

    private static float[][] TrainAndBackward(ComputeBackend backend, float[] x, float[] dy, float[] g, float[] b, int batch, int channels, int spatial)
    {
        int length = x.Length;
        using DeviceBuffer input = Upload(backend, x), gamma = Upload(backend, g), beta = Upload(backend, b), output = backend.Allocate(length);
        using DeviceBuffer mean = backend.Allocate(channels), inverseStd = backend.Allocate(channels);
        using DeviceBuffer runningMean = backend.Allocate(channels), runningVariance = Upload(backend, Enumerable.Repeat(1f, channels).ToArray());
        using DeviceBuffer dOutput = Upload(backend, dy), dInput = backend.Allocate(length), dGamma = backend.Allocate(channels), dBeta = backend.Allocate(channels);
        backend.BatchNorm2DForwardTraining(input, gamma, beta, output, mean, inverseStd, runningMean, runningVariance, batch, channels, spatial, 0.1f, 1e-5f);
        backend.BatchNorm2DBackward(input, gamma, mean, inverseStd, dOutput, dInput, dGamma, dBeta, batch, channels, spatial);
        return [.. new[] { output, mean, inverseStd, runningMean, runningVariance, dInput, dGamma, dBeta }.Select(buffer =>
        {
            var values = new float[buffer.Length];
            backend.Download(buffer, values);
            return values;
        })];
    }

    private sealed record BatchNormBuffers(DeviceBuffer Input, DeviceBuffer Output, DeviceBuffer Gamma, DeviceBuffer Beta, DeviceBuffer Mean,
        DeviceBuffer InverseStd, DeviceBuffer RunningMean, DeviceBuffer RunningVariance, DeviceBuffer Short) : IDisposable
    {
        public void Dispose()
        {
            foreach (var buffer in new[] { Input, Output, Gamma, Beta, Mean, InverseStd, RunningMean, RunningVariance, Short }) buffer.Dispose();
        }
    }

    private static BatchNormBuffers Buffers(ComputeBackend backend, int length, int channels) => new(
        backend.Allocate(length), backend.Allocate(length), backend.Allocate(channels), backend.Allocate(channels), backend.Allocate(channels),
        backend.Allocate(channels), backend.Allocate(channels), Upload(backend, Enumerable.Repeat(1f, channels).ToArray()), backend.Allocate(channels - 1));

    private void Train(BatchNormBuffers b, int batch, int channels, int spatial) =>
        _managed.BatchNorm2DForwardTraining(b.Input, b.Gamma, b.Beta, b.Output, b.Mean, b.InverseStd, b.RunningMean, b.RunningVariance,
            batch, channels, spatial, 0.1f, 1e-5f);

    private static DeviceBuffer Upload(ComputeBackend backend, float[] values)
    {
        var buffer = backend.Allocate(values.Length);
        backend.Upload(values, buffer);
        return buffer;
    }

    private static double[] Download(ComputeBackend backend, DeviceBuffer buffer, int length)
    {
        var values = new float[length];
        backend.Download(buffer, values);
        return [.. values.Select(v => (double)v)];
    }

    // float32 results (every backend downloads as float): |actual − expected| ≤ 1e-5·(1 + |expected|).
    private static void AssertClose(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-5 * (1 + Math.Abs(expected[i])),
                $"Element {i}: expected {expected[i]:R}, actual {actual[i]:R}.");
        }
    }

    private static float[] Random(Random rng, int length, float min, float max) =>
        [.. Enumerable.Range(0, length).Select(_ => min + (max - min) * rng.NextSingle())];
}
