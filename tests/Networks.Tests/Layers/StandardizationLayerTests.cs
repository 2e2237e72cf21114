using MLNet.DeepExtensions.Kernels;
using MLNet.DeepExtensions.Kernels.Backends;
using MLNet.DeepExtensions.Networks.Layers;
using static MLNet.DeepExtensions.Networks.Tests.Onnx.OnnxTestSupport;

namespace MLNet.DeepExtensions.Networks.Tests.Layers;

/// <summary>
/// <see cref="StandardizationLayer"/>: the values it computes (written out here), constant columns, the gradient in
/// double, backend parity, the ONNX export against Predict, and the argument messages.
/// </summary>
[Collection(IlgpuCpuBackendCollection.Name)]
public sealed class StandardizationLayerTests(IlgpuCpuBackendFixture fixture)
{
    [Fact]
    public void OutputIsXMinusMeanOverStandardDeviationAndAConstantColumnBecomesZero()
    {
        float[] mean = [1f, -2f, 100f, 5f];
        float[] deviation = [2f, 0.5f, 40f, 0f]; // the last column is constant
        using var backend = new ManagedCpuBackend(numberOfThreads: 1);
        using var model = new Sequential(new StandardizationLayer(mean, deviation));
        model.Build(backend, new TensorShape(4));
        float[] x = [3f, -1f, 60f, 5f, 1f, -2f, 100f, 5f];
        var y = model.Predict(x, 2);
        for (int i = 0; i < x.Length; i++)
        {
            int c = i % 4;
            double expected = deviation[c] > 0 ? (x[i] - mean[c]) / (double)deviation[c] : x[i] - mean[c];
            Assert.True(Math.Abs(y[i] - expected) <= 1e-6 * Math.Max(1, Math.Abs(expected)), $"value {i}: expected {expected}, got {y[i]}.");
        }
        Assert.Equal(0f, y[3]);
        Assert.Equal(0, model.ParameterCount); // nothing trains
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 5)]
    [InlineData(4, 33)]
    public void GradientThroughTheLayerMatchesFiniteDifferences(int batch, int width)
    {
        var (mean, deviation) = Statistics(width, seed: width);
        GradientCheck.CheckModel([new StandardizationLayer(mean, deviation), new DenseLayer(3)], new TensorShape(width), batch);
    }

    [Theory]
    [InlineData(1, 7)]
    [InlineData(33, 257)]
    public void ManagedAndIlgpuMatchTheReference(int batch, int width)
    {
        var (mean, deviation) = Statistics(width, seed: batch);
        using var reference = new ReferenceBackend();
        using var managed = new ManagedCpuBackend(numberOfThreads: 2);
        Layer[] Make() => [new StandardizationLayer(mean, deviation), new DenseLayer(5)];
        LayerBackendParity.Check(managed, reference, Make, new TensorShape(width), batch);
        LayerBackendParity.Check(fixture.Backend, reference, Make, new TensorShape(width), batch);
    }

    [Fact]
    public void OnnxExportOfRowsMatchesPredict()
    {
        var (mean, deviation) = Statistics(6, seed: 1);
        using var backend = new ManagedCpuBackend(1);
        using var model = new Sequential(new StandardizationLayer(mean, deviation), new DenseLayer(4));
        model.Build(backend, new TensorShape(6), seed: 2);
        AssertRawParity(model);
    }

    [Fact]
    public void OnnxExportOfImagesKeepsTheLayoutForTheConvolution()
    {
        // Per-channel statistics repeated over each channel's pixels, as DeepCnn builds them.
        float[] mean = new float[2 * 5 * 5], deviation = new float[2 * 5 * 5];
        for (int i = 0; i < mean.Length; i++) (mean[i], deviation[i]) = i < 25 ? (0.3f, 2f) : (-1f, 0.25f);
        using var backend = new ManagedCpuBackend(1);
        using var model = new Sequential(new StandardizationLayer(mean, deviation), new Conv2DLayer(3, 3, padding: 1), new FlattenLayer(), new DenseLayer(2));
        model.Build(backend, new TensorShape(2, 5, 5), seed: 4);
        AssertRawParity(model);
    }

    [Fact]
    public void BadStatisticsAreRejectedNamingTheValue()
    {
        var e = Assert.Throws<ArgumentException>(() => new StandardizationLayer([1f, 2f], [1f]));
        Assert.StartsWith("StandardizationLayer needs one standard deviation per mean: 2 means, 1 standard deviations.", e.Message);
        var negative = Assert.Throws<ArgumentOutOfRangeException>(() => new StandardizationLayer([1f, 2f], [1f, -1f]));
        Assert.StartsWith("StandardizationLayer: standardDeviation[1] is -1; it must be finite and 0 or more.", negative.Message);
        var nan = Assert.Throws<ArgumentOutOfRangeException>(() => new StandardizationLayer([float.NaN], [1f]));
        Assert.StartsWith("StandardizationLayer: mean[0] is NaN; statistics must be finite.", nan.Message);
        using var backend = new ManagedCpuBackend(1);
        using var model = new Sequential(new StandardizationLayer([0f, 0f, 0f], [1f, 1f, 1f], name: "scaling"));
        var shape = Assert.Throws<ArgumentException>(() => model.Build(backend, new TensorShape(4)));
        Assert.StartsWith("StandardizationLayer 'scaling' holds statistics for 3 values per sample; the input (4) has 4.", shape.Message);
    }

    private static (float[] Mean, float[] Deviation) Statistics(int width, int seed)
    {
        var random = new Random(seed);
        var mean = new float[width];
        var deviation = new float[width];
        for (int i = 0; i < width; i++)
        {
            mean[i] = (float)(random.NextDouble() * 6 - 3);
            deviation[i] = (float)(0.2 + random.NextDouble() * 3);
        }
        return (mean, deviation);
    }
}
