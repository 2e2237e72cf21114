using MLNet.DeepExtensions.Kernels;
using MLNet.DeepExtensions.Networks.Layers;
using MLNet.DeepExtensions.Networks.Onnx;
using Xunit.Abstractions;
using static MLNet.DeepExtensions.Networks.Tests.Onnx.OnnxTestSupport;

namespace MLNet.DeepExtensions.Networks.Tests.Onnx;

/// <summary>
/// Image layers exported to ONNX and run in ONNX Runtime reproduce Sequential.Predict on the managed CPU backend to
/// 1e-5 (absolute + relative), batched ([N, C, H, W], N = 1 and 5) and one sample at a time ([C, H, W]), at awkward
/// sizes: odd and non-square images, stride 2, padding, dilation. Pooling layers come first so that the padding
/// meets negative inputs (max pooling must ignore it, average pooling must count it).
/// </summary>
public sealed class OnnxImageLayerExportTests(ITestOutputHelper output) : IDisposable
{
    private readonly ManagedCpuBackend _backend = new(1);

    public void Dispose() => _backend.Dispose();

    private void Check(string what, int rows, TensorShape input, params Layer[] layers)
    {
        using var model = Build(_backend, input, layers);
        float max = AssertRawParity(model, rows);
        output.WriteLine($"{what}, batch {rows}: max |ONNX Runtime − Predict| = {max:E2}");
    }

    private static string[] OpTypes(Sequential model, bool batch = true) =>
        OnnxExporter.Graph(model, new OnnxExportOptions { BatchDimension = batch }).Nodes.Select(n => n.OpType).ToArray();

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void ConvWithStrideAndPaddingMatchesPredict(int rows) =>
        Check("Conv2D(4, 3x3, stride 2, padding 1)", rows, new TensorShape(3, 9, 7), new Conv2DLayer(4, 3, stride: 2, padding: 1));

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void ConvWithDilationRectangularKernelAndNoBiasMatchesPredict(int rows) =>
        Check("Conv2D(2, 3x2, padding 2x1, dilation 2, no bias)", rows, new TensorShape(2, 11, 8),
            new Conv2DLayer(2, 3, 2, stride: 1, padding: Conv2DPadding.Explicit(2, 1), dilation: 2, useBias: false));

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void ConvWithSamePaddingAndDilationMatchesPredict(int rows) =>
        Check("Conv2D(3, 3x3, same, dilation 2)", rows, new TensorShape(1, 7, 5), new Conv2DLayer(3, 3, padding: Conv2DPadding.Same, dilation: 2));

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void ConvWithStrideThatSkipsTheLastColumnsMatchesPredict(int rows) =>
        Check("Conv2D(2, 2x2, stride 3), valid", rows, new TensorShape(5, 10, 8), new Conv2DLayer(2, 2, stride: 3));

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void MaxPoolWithPaddingMatchesPredict(int rows) =>
        Check("MaxPool2D(3, stride 2, padding 1)", rows, new TensorShape(3, 9, 7), new MaxPool2DLayer(3, stride: 2, padding: 1));

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void MaxPoolOfOddImageDropsTheLastRowAndColumn(int rows) =>
        Check("MaxPool2D(2) on 7x5", rows, new TensorShape(2, 7, 5), new MaxPool2DLayer(2));

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void OverlappingMaxPoolMatchesPredict(int rows) =>
        Check("MaxPool2D(3, stride 1, padding 1)", rows, new TensorShape(2, 6, 5), new MaxPool2DLayer(3, stride: 1, padding: 1));

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void AvgPoolCountsThePaddingInTheMean(int rows) =>
        Check("AvgPool2D(3, stride 2, padding 1)", rows, new TensorShape(3, 9, 7), new AvgPool2DLayer(3, stride: 2, padding: 1));

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void AvgPoolOfOddImageMatchesPredict(int rows) =>
        Check("AvgPool2D(2) on 7x5", rows, new TensorShape(2, 7, 5), new AvgPool2DLayer(2));

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void AvgPoolWithEvenWindowAndPaddingMatchesPredict(int rows) =>
        Check("AvgPool2D(4, stride 3, padding 2)", rows, new TensorShape(2, 8, 11), new AvgPool2DLayer(4, stride: 3, padding: 2));

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void ConvTransposeWithStrideTwoAndOutputPaddingMatchesPredict(int rows) =>
        Check("Conv2DTranspose(3, 3x3, stride 2, padding 1, output padding 1)", rows, new TensorShape(2, 5, 4),
            new Conv2DTransposeLayer(3, 3, stride: 2, padding: 1, outputPadding: 1));

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void ConvTransposeWithDilationRectangularKernelAndNoBiasMatchesPredict(int rows) =>
        Check("Conv2DTranspose(2, 2x3, stride 3, padding 2x1, output padding 2, dilation 2, no bias)", rows, new TensorShape(3, 4, 7),
            new Conv2DTransposeLayer(2, 2, 3, stride: 3, padding: Conv2DPadding.Explicit(2, 1), outputPadding: 2, dilation: 2, useBias: false));

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void ConvTransposeWithoutPaddingMatchesPredict(int rows) =>
        Check("Conv2DTranspose(4, 4x4, stride 2)", rows, new TensorShape(1, 3, 3), new Conv2DTransposeLayer(4, 4, stride: 2));

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void BatchNorm2DWithRandomStateMatchesPredict(int rows) =>
        Check("Conv2D + BatchNorm2D(epsilon 1e-3)", rows, new TensorShape(2, 7, 5), new Conv2DLayer(3, 3, stride: 2, padding: 1), new BatchNorm2DLayer(epsilon: 1e-3f));

    [Fact]
    public void BatchNorm2DUsesTrainedRunningStatistics()
    {
        using var model = new Sequential(new Conv2DLayer(3, 3, padding: 1), new BatchNorm2DLayer(momentum: 0.3f));
        model.Build(_backend, new TensorShape(2, 5, 7), seed: 2);
        // A few training-mode forwards move the running statistics away from (0, 1).
        var x = Inputs(8, model.InputShape.Size, seed: 9);
        using (var buffer = _backend.Allocate(x.Length))
        {
            _backend.Upload(x, buffer);
            for (int step = 0; step < 5; step++) model.Forward(buffer, 8, training: true, step);
        }
        var state = model.Parameters.Read().AsSpan(model.Parameters.TrainableCount).ToArray();
        Assert.Contains(state.Take(3), m => MathF.Abs(m) > 1e-2f);          // running mean
        Assert.Contains(state.Skip(3), v => MathF.Abs(v - 1f) > 1e-2f);   // running variance
        float max = AssertRawParity(model, rows: 5);
        output.WriteLine($"BatchNorm2D (trained statistics): max diff = {max:E2}");
    }

    // Augmentations are the identity in inference, so they add no nodes.
    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void AugmentationLayersAreTheIdentity(int rows)
    {
        Layer[] Layers() =>
        [
            new RandomHorizontalFlipLayer(), new RandomCropLayer(2), new Conv2DLayer(3, 3), new GaussianNoiseLayer(0.5f),
            new ActivationLayer(ActivationKind.Relu), new RandomHorizontalFlipLayer(), new GlobalAvgPoolLayer(), new GaussianNoiseLayer(0.1f),
        ];
        Check("flip, crop, noise around Conv2D", rows, new TensorShape(2, 7, 6), Layers());
        using var model = Build(_backend, new TensorShape(2, 7, 6), Layers());
        Assert.Equal(["Conv", "Relu", "GlobalAveragePool", "Flatten", "Identity"], OpTypes(model));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void GlobalAvgPoolMatchesPredict(int rows) =>
        Check("GlobalAvgPool on 3x5x7", rows, new TensorShape(3, 5, 7), new GlobalAvgPoolLayer());

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void GlobalAvgPoolThenDenseMatchesPredict(int rows) =>
        Check("Conv2D + GlobalAvgPool + Dense", rows, new TensorShape(2, 6, 5), new Conv2DLayer(4, 3, padding: 1), new GlobalAvgPoolLayer(), new DenseLayer(3));

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void FlattenAfterConvMatchesPredict(int rows) =>
        Check("Conv2D + Flatten + Dense", rows, new TensorShape(2, 7, 6), new Conv2DLayer(3, 3, stride: 2), new FlattenLayer(), new DenseLayer(4));

    [Fact]
    public void DenseDirectlyOnImagesMatchesPredict() =>
        Check("Conv2D + Dense (no Flatten)", 5, new TensorShape(2, 5, 5), new Conv2DLayer(3, 3), new DenseLayer(4));

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void RowLayersBetweenImageLayersMatchPredict(int rows) =>
        Check("Conv2D + BatchNorm(features) + LayerNorm + Conv2D", rows, new TensorShape(2, 7, 5),
            new Conv2DLayer(3, 3, padding: 1), new BatchNormLayer(), new LayerNormLayer(), new Conv2DLayer(2, 3, stride: 2));

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void LeNetLikeModelMatchesPredict(int rows)
    {
        using var model = LeNet();
        float max = AssertRawParity(model, rows);
        output.WriteLine($"LeNet-like, batch {rows}: max diff = {max:E2}");
    }

    [Fact]
    public void LeNetLikeModelMulticlassHeadMatchesPredictClasses()
    {
        using var model = LeNet();
        const int rows = 5;
        var x = Inputs(rows, model.InputShape.Size, seed: 8);
        var onnx = OnnxExporter.Export(model, new OnnxExportOptions { Head = OnnxOutputHead.Multiclass });
        var result = Run(onnx, "Features", x, [rows, .. model.InputShape.Dimensions]);
        Assert.Equal(model.PredictClasses(x, rows).Select(c => (uint)c), (uint[])result["PredictedIndex"].Values);
        Assert.Equal([rows, model.OutputShape.Size], result["Score"].Shape);
    }

    // Conv → activation → pool chains keep [N, C, H, W]: the only layout change is the Flatten before the first Dense.
    [Fact]
    public void ConsecutiveImageLayersNeedNoReshape()
    {
        using var model = LeNet();
        Assert.Equal(
            ["Conv", "Relu", "MaxPool", "Conv", "Relu", "AveragePool", "Flatten", "Gemm", "Relu", "Gemm", "Identity"],
            OpTypes(model));
        Assert.Equal(
            ["Unsqueeze", "Conv", "Relu", "MaxPool", "Conv", "Relu", "AveragePool", "Flatten", "Gemm", "Relu", "Gemm", "Squeeze"],
            OpTypes(model, batch: false));
    }

    [Fact]
    public void RowLayersBetweenImageLayersFlattenAndReshapeOnce()
    {
        using var model = Build(_backend, new TensorShape(2, 7, 5),
            new Conv2DLayer(3, 3, padding: 1), new BatchNormLayer(), new LayerNormLayer(), new ActivationLayer(ActivationKind.Relu),
            new Conv2DLayer(2, 3, stride: 2), new GlobalAvgPoolLayer());
        Assert.Equal(
            ["Conv", "Flatten", "BatchNormalization", "LayerNormalization", "Relu", "Reshape", "Conv", "GlobalAveragePool", "Flatten", "Identity"],
            OpTypes(model));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void EveryImageLayerInOneModelMatchesPredict(int rows)
    {
        using var model = BuildWithInitialWeights(_backend, ImageInput, ImageLayers());
        float max = AssertRawParity(model, rows);
        output.WriteLine($"every image layer, batch {rows}: max diff = {max:E2}");
    }

    /// <summary>The input shape of <see cref="ImageLayers"/>.</summary>
    internal static TensorShape ImageInput => new(3, 13, 11);

    /// <summary>A model using every exportable image layer and every layout change (images → rows → images).</summary>
    internal static Layer[] ImageLayers() =>
    [
        new RandomCropLayer(1), new Conv2DLayer(4, 3, stride: 2, padding: 1), new BatchNorm2DLayer(), new ActivationLayer(ActivationKind.Relu),
        new MaxPool2DLayer(3, stride: 1, padding: 1), new RandomHorizontalFlipLayer(),
        new BatchNormLayer(), new Conv2DLayer(5, 3, 2, stride: 1, padding: Conv2DPadding.Explicit(2, 1), dilation: 2, useBias: false),
        new ResidualBlock([new Conv2DLayer(5, 3, padding: 1), new BatchNorm2DLayer(), new ActivationLayer(ActivationKind.Relu), new Conv2DLayer(5, 3, padding: 1)]),
        new Conv2DTransposeLayer(4, 3, stride: 2, padding: 1, outputPadding: 1), new GaussianNoiseLayer(0.2f),
        new AvgPool2DLayer(2, stride: 2, padding: 1), new ActivationLayer(ActivationKind.Tanh), new GlobalAvgPoolLayer(), new DenseLayer(3),
    ];

    /// <summary>LeNet-5's shape on an odd 29x27 image: two conv + pool stages, then dense layers.</summary>
    private Sequential LeNet() => BuildWithInitialWeights(_backend, new TensorShape(1, 29, 27),
        new Conv2DLayer(6, 5, padding: 2), new ActivationLayer(ActivationKind.Relu), new MaxPool2DLayer(2),
        new Conv2DLayer(16, 5), new ActivationLayer(ActivationKind.Relu), new AvgPool2DLayer(2, stride: 2),
        new FlattenLayer(), new DenseLayer(32), new ActivationLayer(ActivationKind.Relu), new DropoutLayer(0.25f), new DenseLayer(10));
}
