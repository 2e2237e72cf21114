using MLNet.DeepExtensions.Kernels;
using MLNet.DeepExtensions.Kernels.Backends;
using MLNet.DeepExtensions.Networks.Layers;

namespace MLNet.DeepExtensions.Networks.Tests.Layers;

/// <summary>
/// <see cref="BatchNorm2DLayer"/>: finite-difference checks (double precision, inputs and parameters) in training and
/// inference mode, including one sample with several positions (the statistics then come from the positions alone)
/// and 1x1 images; its parameters, state, running-statistics update, shape rule and messages.
/// </summary>
public sealed class BatchNorm2DLayerTests
{
    [Theory]
    [InlineData(2, 3, 3, 4)]
    [InlineData(1, 2, 3, 3)]   // batch 1: statistics over the 9 positions of each channel
    [InlineData(1, 3, 1, 7)]   // batch 1, a single row of positions
    [InlineData(4, 2, 1, 1)]   // 1x1 images: statistics over the batch only, as BatchNorm1d
    [InlineData(3, 1, 5, 2)]
    public void TrainingGradientsMatchFiniteDifferences(int batch, int channels, int height, int width) =>
        GradientCheck.CheckModel([new BatchNorm2DLayer()], new TensorShape(channels, height, width), batch);

    [Theory]
    [InlineData(3, 2, 3, 4)]
    [InlineData(1, 3, 2, 2)]   // batch 1 in inference: the running statistics, so no degenerate batch
    [InlineData(2, 3, 1, 1)]
    public void InferenceGradientsMatchFiniteDifferences(int batch, int channels, int height, int width) =>
        GradientCheck.CheckModel([new BatchNorm2DLayer()], new TensorShape(channels, height, width), batch, training: false, perturbState: true);

    [Fact]
    public void ConvBatchNormTanhDenseStackComposesGradients() =>
        GradientCheck.CheckModel(
            [new Conv2DLayer(3, 3, padding: Conv2DPadding.Same, useBias: false), new BatchNorm2DLayer(), new ActivationLayer(ActivationKind.Tanh),
             new FlattenLayer(), new DenseLayer(3)],
            new TensorShape(2, 4, 3), batch: 3);

    [Fact]
    public void ParametersAndStateArePerChannelAndNamedAfterTheLayer()
    {
        using var backend = new ReferenceBackend();
        var layer = new BatchNorm2DLayer(name: "bn");
        using var model = new Sequential(layer);
        model.Build(backend, new TensorShape(3, 4, 5), seed: 1);
        Assert.Equal(new TensorShape(3, 4, 5), layer.OutputShape);
        var parameters = model.Parameters.Parameters.ToDictionary(p => p.Name);
        Assert.Equal(["bn.gamma", "bn.beta", "bn.running_mean", "bn.running_variance"], parameters.Keys);
        Assert.All(parameters.Values, p => Assert.Equal(3, p.Size));
        Assert.True(parameters["bn.gamma"].IsTrainable && !parameters["bn.gamma"].IsRegularized);
        Assert.True(parameters["bn.beta"].IsTrainable && !parameters["bn.beta"].IsRegularized);
        Assert.False(parameters["bn.running_mean"].IsTrainable);
        Assert.False(parameters["bn.running_variance"].IsTrainable);
        Assert.Equal("batch_norm2d", layer.Kind);
        Assert.Equal("BatchNorm2D(momentum 0.1, eps 1E-05)", layer.Describe());
        Assert.Equal(0.1f, layer.Momentum);
        Assert.Equal(1e-5f, layer.Epsilon);
    }

    [Fact]
    public void AModelNamesTheLayerByItsKind()
    {
        using var backend = new ReferenceBackend();
        using var model = new Sequential(new BatchNorm2DLayer());
        model.Build(backend, new TensorShape(1, 2, 2), seed: 1);
        Assert.StartsWith("batch_norm2d", model.Layers[0].Name);
    }

    // One channel, batch 2, 1x2 images: values 1, 3 | 5, 7 → μ = 4, biased σ² = 5, unbiased 20/3 (n = 4).
    // With momentum 0.5 from (0, 1): running mean 2, running variance 0.5 + 0.5·20/3 = 23/6.
    [Fact]
    public void TrainingUpdatesTheRunningStatisticsAsPyTorch()
    {
        using var backend = new ReferenceBackend();
        var layer = new BatchNorm2DLayer(momentum: 0.5f, name: "bn");
        using var model = new Sequential(layer);
        model.Build(backend, new TensorShape(1, 1, 2), seed: 1);
        model.EnsureCapacity(2);
        using var input = backend.Allocate(4);
        backend.UploadDouble([1, 3, 5, 7], input);
        var output = new double[4];
        backend.DownloadDouble(model.Forward(input, 2, training: true), output);
        double inv = 1 / Math.Sqrt(5 + 1e-5);
        AssertClose([-3 * inv, -inv, inv, 3 * inv], output);

        var state = new double[2];
        backend.DownloadDouble(model.Parameters.State, state);
        Assert.Equal(2.0, state[0], 1e-6);
        Assert.Equal(23.0 / 6.0, state[1], 1e-6);

        // Inference uses them: (x − 2)/√(23/6 + ε).
        backend.DownloadDouble(model.Forward(input, 2, training: false), output);
        double runningInv = 1 / Math.Sqrt(23.0 / 6.0 + 1e-5);
        AssertClose([-runningInv, runningInv, 3 * runningInv, 5 * runningInv], output);
    }

    private static void AssertClose(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 1e-9);
    }

    [Fact]
    public void ANonImageInputIsRejectedWithItsShape()
    {
        var layer = new BatchNorm2DLayer(name: "bn");
        var e = Assert.Throws<ArgumentException>(() => layer.Build(new TensorShape(12), new ParameterStore()));
        Assert.Equal("inputShape", e.ParamName);
        Assert.StartsWith("BatchNorm2D layer 'bn' needs an input shape (channels, height, width); got (12) of rank 1.", e.Message);
        e = Assert.Throws<ArgumentException>(() => new BatchNorm2DLayer(name: "b2").Build(new TensorShape(2, 3, 4, 5), new ParameterStore()));
        Assert.StartsWith("BatchNorm2D layer 'b2' needs an input shape (channels, height, width); got (2, 3, 4, 5) of rank 4.", e.Message);
    }

    [Fact]
    public void BadMomentumOrEpsilonIsRejected()
    {
        var momentum = Assert.Throws<ArgumentOutOfRangeException>(() => new BatchNorm2DLayer(momentum: 1.5f));
        Assert.Equal("momentum", momentum.ParamName);
        Assert.StartsWith("Batch norm momentum must be in [0, 1]; got 1.5.", momentum.Message);
        var nan = Assert.Throws<ArgumentOutOfRangeException>(() => new BatchNorm2DLayer(momentum: float.NaN));
        Assert.StartsWith("Batch norm momentum must be in [0, 1]; got NaN.", nan.Message);
        var epsilon = Assert.Throws<ArgumentOutOfRangeException>(() => new BatchNorm2DLayer(epsilon: 0f));
        Assert.Equal("epsilon", epsilon.ParamName);
        Assert.StartsWith("Batch norm epsilon must be positive; got 0.", epsilon.Message);
    }
}
