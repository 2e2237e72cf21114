using MLNet.DeepExtensions.Kernels;
using MLNet.DeepExtensions.Networks.Layers;
using MLNet.DeepExtensions.Networks.Onnx;
using Xunit.Abstractions;
using static MLNet.DeepExtensions.Networks.Tests.Onnx.OnnxTestSupport;

namespace MLNet.DeepExtensions.Networks.Tests.Onnx;

/// <summary>
/// Residual blocks exported to ONNX (both paths, then Add) and run in ONNX Runtime reproduce Sequential.Predict to
/// 1e-5 (absolute + relative), batched (N = 1 and 5) and one sample at a time: identity and projection shortcuts,
/// blocks on rows, blocks whose paths end in different layouts, nested blocks, and a small ResNet end to end.
/// </summary>
public sealed class OnnxResidualExportTests(ITestOutputHelper output) : IDisposable
{
    private readonly ManagedCpuBackend _backend = new(1);

    public void Dispose() => _backend.Dispose();

    private void Check(string what, int rows, Sequential model)
    {
        float max = AssertRawParity(model, rows);
        output.WriteLine($"{what}, batch {rows}: max |ONNX Runtime − Predict| = {max:E2}");
    }

    private static string[] OpTypes(Sequential model) =>
        OnnxExporter.Graph(model, new OnnxExportOptions()).Nodes.Select(n => n.OpType).ToArray();

    /// <summary>torchvision's BasicBlock: conv-bn-relu-conv-bn plus the input, then ReLU.</summary>
    private static Layer[] BasicBlock(int channels) =>
    [
        new ResidualBlock([new Conv2DLayer(channels, 3, padding: 1, useBias: false), new BatchNorm2DLayer(), new ActivationLayer(ActivationKind.Relu),
            new Conv2DLayer(channels, 3, padding: 1, useBias: false), new BatchNorm2DLayer()]),
        new ActivationLayer(ActivationKind.Relu),
    ];

    /// <summary>BasicBlock that halves height and width (odd sizes round up) with a strided 1x1 projection shortcut.</summary>
    private static Layer[] DownsampleBlock(int channels) =>
    [
        new ResidualBlock(
            [new Conv2DLayer(channels, 3, stride: 2, padding: 1, useBias: false), new BatchNorm2DLayer(), new ActivationLayer(ActivationKind.Relu),
                new Conv2DLayer(channels, 3, padding: 1, useBias: false), new BatchNorm2DLayer()],
            [new Conv2DLayer(channels, 1, stride: 2, useBias: false), new BatchNorm2DLayer()]),
        new ActivationLayer(ActivationKind.Relu),
    ];

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void IdentityShortcutBlockMatchesPredict(int rows)
    {
        using var model = Build(_backend, new TensorShape(3, 7, 5), BasicBlock(3));
        Check("BasicBlock(3), identity shortcut", rows, model);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void ProjectionShortcutBlockMatchesPredict(int rows)
    {
        using var model = Build(_backend, new TensorShape(2, 9, 7), DownsampleBlock(4));
        Check("DownsampleBlock(4), 1x1 stride-2 shortcut", rows, model);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void BlockOnRowsMatchesPredict(int rows)
    {
        using var model = Build(_backend, new TensorShape(5),
            new DenseLayer(6), new ResidualBlock([new DenseLayer(6), new ActivationLayer(ActivationKind.Tanh)], [new DenseLayer(6, useBias: false)]), new DenseLayer(2));
        Check("Dense block with Dense shortcut", rows, model);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void NestedBlocksMatchPredict(int rows)
    {
        using var model = Build(_backend, new TensorShape(2, 6, 5),
            new ResidualBlock([new Conv2DLayer(2, 3, padding: 1), new ActivationLayer(ActivationKind.Tanh),
                new ResidualBlock([new Conv2DLayer(2, 1), new BatchNorm2DLayer()]), new Conv2DLayer(2, 3, padding: 1)]));
        Check("nested blocks", rows, model);
    }

    // The residual path ends in rows (a feature-wise BatchNorm), the identity shortcut is still [N, C, H, W]: one
    // Reshape brings the rows back to the block's (C, H, W) before the Add, and the image layout carries on.
    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void PathsEndingInDifferentLayoutsMatchPredict(int rows)
    {
        using var model = Build(_backend, new TensorShape(2, 5, 5),
            new ResidualBlock([new Conv2DLayer(2, 3, padding: 1), new BatchNormLayer()]), new GlobalAvgPoolLayer());
        Check("Conv2D + BatchNorm(features) block, identity shortcut", rows, model);
        Assert.Equal(["Conv", "Flatten", "BatchNormalization", "Reshape", "Add", "GlobalAveragePool", "Flatten", "Identity"], OpTypes(model));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void SmallResNetMatchesPredict(int rows)
    {
        using var model = SmallResNet();
        Check("small ResNet", rows, model);
    }

    [Fact]
    public void SmallResNetMulticlassHeadMatchesPredictClasses()
    {
        using var model = SmallResNet();
        const int rows = 5;
        var x = Inputs(rows, model.InputShape.Size, seed: 8);
        var onnx = OnnxExporter.Export(model, new OnnxExportOptions { Head = OnnxOutputHead.Multiclass });
        var result = Run(onnx, "Features", x, [rows, .. model.InputShape.Dimensions]);
        Assert.Equal(model.PredictClasses(x, rows).Select(c => (uint)c), (uint[])result["PredictedIndex"].Values);
    }

    // The whole network stays [N, C, H, W] from the input to the global pool: no Reshape, one Flatten before the Dense.
    [Fact]
    public void SmallResNetNeedsNoReshape()
    {
        using var model = SmallResNet();
        string[] ops = OpTypes(model);
        Assert.DoesNotContain("Reshape", ops);
        Assert.Equal(1, ops.Count(op => op == "Flatten"));
        Assert.Equal(2, ops.Count(op => op == "Add"));
        Assert.Equal(6, ops.Count(op => op == "BatchNormalization")); // stem 1, identity block 2, downsampling block 3
    }

    /// <summary>
    /// Stem (conv, BN, ReLU, max pool), an identity BasicBlock, a downsampling one, global pooling and a classifier,
    /// on an odd 3x15x13 image, with augmentation in front and dropout before the classifier.
    /// </summary>
    private Sequential SmallResNet() => BuildWithInitialWeights(_backend, new TensorShape(3, 15, 13),
    [
        new RandomCropLayer(2), new RandomHorizontalFlipLayer(),
        new Conv2DLayer(6, 3, padding: 1, useBias: false), new BatchNorm2DLayer(), new ActivationLayer(ActivationKind.Relu),
        new MaxPool2DLayer(3, stride: 2, padding: 1),
        .. BasicBlock(6), .. DownsampleBlock(8),
        new GlobalAvgPoolLayer(), new DropoutLayer(0.2f), new DenseLayer(10),
    ]);
}
