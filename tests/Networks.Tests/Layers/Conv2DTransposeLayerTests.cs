using MLNet.DeepExtensions.Kernels;
using MLNet.DeepExtensions.Networks.Initializers;
using MLNet.DeepExtensions.Networks.Layers;

namespace MLNet.DeepExtensions.Networks.Tests.Layers;

/// <summary>
/// <see cref="Conv2DTransposeLayer"/>: finite-difference checks (double precision) over stride, padding, outputPadding,
/// dilation and rectangular kernels; the forward pass against a direct scatter loop written from torch's definition;
/// a hand-worked example that pins the weight layout; its shape rules and messages.
/// </summary>
public sealed class Conv2DTransposeLayerTests
{
    [Theory]
    [InlineData(2, 3, 3, 1, 0, 0, 1, true)]   // stride 1
    [InlineData(2, 2, 3, 2, 1, 1, 1, true)]   // stride 2, padding 1, outputPadding 1 (output = 2·input)
    [InlineData(1, 3, 2, 2, 0, 0, 1, true)]   // kernel = stride: non-overlapping 2x upsampling
    [InlineData(2, 2, 3, 3, 1, 2, 2, true)]   // stride 3, dilation 2, outputPadding 2
    [InlineData(3, 2, 3, 2, 2, 1, 2, false)]  // no bias, padding 2, dilation 2
    [InlineData(2, 2, 1, 2, 0, 1, 1, true)]   // 1x1: most outputs are reached by no input and hold only the bias
    public void GradientsMatchFiniteDifferences(int batch, int filters, int kernel, int stride, int padding, int outputPadding, int dilation, bool useBias) =>
        GradientCheck.CheckModel([new Conv2DTransposeLayer(filters, kernel, stride, padding, outputPadding, dilation, useBias)], new TensorShape(2, 4, 3), batch);

    [Fact]
    public void RectangularKernelAndPaddingGradients() =>
        GradientCheck.CheckModel(
            [new Conv2DTransposeLayer(2, 5, 3, stride: 2, padding: Conv2DPadding.Explicit(2, 1), outputPadding: 1)], new TensorShape(3, 4, 5), batch: 2);

    [Fact]
    public void EncoderDecoderStackGradients() =>
        GradientCheck.CheckModel(
            [new Conv2DLayer(3, 3, stride: 2, padding: 1), new ActivationLayer(ActivationKind.Tanh),
             new Conv2DTransposeLayer(2, 3, stride: 2, padding: 1, outputPadding: 1), new FlattenLayer(), new DenseLayer(3)],
            new TensorShape(2, 6, 5), batch: 2);

    /// <summary>(filters, kH, kW, stride, padH, padW, outputPadding, dilation, input C, H, W).</summary>
    public static IEnumerable<object[]> DirectCases() =>
    [
        [3, 3, 3, 1, 0, 0, 0, 1, 2, 4, 3],
        [2, 3, 3, 2, 1, 1, 1, 1, 3, 5, 4],
        [4, 4, 2, 2, 1, 0, 1, 1, 1, 3, 6],
        [2, 3, 2, 3, 2, 1, 2, 2, 2, 4, 4],
        [1, 1, 1, 2, 0, 0, 1, 1, 3, 3, 2],
        [5, 2, 3, 1, 1, 1, 0, 3, 2, 7, 5],
    ];

    [Theory]
    [MemberData(nameof(DirectCases))]
    public void ForwardEqualsADirectScatterLoop(int filters, int kernelH, int kernelW, int stride, int padH, int padW, int outputPadding, int dilation,
        int channels, int height, int width)
    {
        const int batch = 2;
        using var backend = new ReferenceBackend();
        var layer = new Conv2DTransposeLayer(filters, kernelH, kernelW, stride, Conv2DPadding.Explicit(padH, padW), outputPadding, dilation);
        using var model = new Sequential(layer);
        model.Build(backend, new TensorShape(channels, height, width), seed: 5);
        var random = new Random(filters * 100 + kernelH * 10 + kernelW);
        double[] theta = Enumerable.Range(0, model.Parameters.TrainableCount).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        backend.UploadDouble(theta, model.Parameters.Values);
        double[] x = Enumerable.Range(0, batch * channels * height * width).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        using var input = backend.Allocate(x.Length);
        backend.UploadDouble(x, input);

        var shape = model.OutputShape;
        int outH = (height - 1) * stride - 2 * padH + dilation * (kernelH - 1) + outputPadding + 1;
        int outW = (width - 1) * stride - 2 * padW + dilation * (kernelW - 1) + outputPadding + 1;
        Assert.Equal(new TensorShape(filters, outH, outW), shape);
        var actual = new double[batch * shape.Size];
        backend.DownloadDouble(model.Forward(input, batch, training: false), actual);

        // torch.nn.ConvTranspose2d by definition: every input pixel scatters W[ci, co] into the output, then the bias.
        var weight = theta.AsSpan(layer.Weight.Offset, layer.Weight.Size).ToArray();
        var bias = theta.AsSpan(layer.Bias!.Offset, filters).ToArray();
        var expected = new double[actual.Length];
        for (int n = 0; n < batch; n++)
        for (int co = 0; co < filters; co++)
        for (int i = 0; i < outH * outW; i++) expected[(n * filters + co) * outH * outW + i] = bias[co];
        for (int n = 0; n < batch; n++)
        for (int ci = 0; ci < channels; ci++)
        for (int ih = 0; ih < height; ih++)
        for (int iw = 0; iw < width; iw++)
        for (int co = 0; co < filters; co++)
        for (int i = 0; i < kernelH; i++)
        for (int j = 0; j < kernelW; j++)
        {
            int oh = ih * stride - padH + i * dilation, ow = iw * stride - padW + j * dilation;
            if (oh < 0 || oh >= outH || ow < 0 || ow >= outW) continue;
            expected[((n * filters + co) * outH + oh) * outW + ow] +=
                x[((n * channels + ci) * height + ih) * width + iw] * weight[((ci * filters + co) * kernelH + i) * kernelW + j];
        }
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-12, $"output[{i}]: expected {expected[i]:G17}, got {actual[i]:G17}");
        }
    }

    [Fact]
    public void AHandWorkedUpsamplingPinsTheWeightLayout()
    {
        // One input channel, two output channels, 2x2 kernel, stride 2: each input pixel becomes a 2x2 block.
        // W[0, 0] = [[1, 0], [0, 0]] copies x to the top-left of its block, W[0, 1] = [[0, 0], [0, 2]] doubles it to the bottom-right.
        using var backend = new ManagedCpuBackend(numberOfThreads: 1);
        var layer = new Conv2DTransposeLayer(2, 2, stride: 2);
        using var model = new Sequential(layer);
        model.Build(backend, new TensorShape(1, 2, 2), seed: 1);
        model.Parameters.Write([1, 0, 0, 0, 0, 0, 0, 2, /* bias */ 10, 20]);
        var y = model.Predict([1, 2, 3, 4], rows: 1);
        Assert.Equal(new TensorShape(2, 4, 4), model.OutputShape);
        Assert.Equal(new float[]
        {
            11, 10, 12, 10,
            10, 10, 10, 10,
            13, 10, 14, 10,
            10, 10, 10, 10,

            20, 20, 20, 20,
            20, 22, 20, 24,
            20, 20, 20, 20,
            20, 26, 20, 28,
        }, y);
    }

    [Fact]
    public void ParametersShapesAndDescription()
    {
        var layer = new Conv2DTransposeLayer(8, 3, stride: 2, padding: 1, outputPadding: 1);
        using var model = new Sequential([layer, new Conv2DTransposeLayer(4, 4, 2, 1, Conv2DPadding.Explicit(0, 1), dilation: 2, useBias: false)]);
        using var backend = new ReferenceBackend();
        model.Build(backend, new TensorShape(16, 7, 5), seed: 1);
        Assert.Equal("conv2d_transpose_1", layer.Name);
        Assert.Equal(["conv2d_transpose_1.weight", "conv2d_transpose_1.bias", "conv2d_transpose_2.weight"], model.Parameters.Parameters.Select(p => p.Name));
        Assert.Equal(16 * 8 * 3 * 3, layer.Weight.Size); // (Cin, Cout, kH, kW)
        Assert.Equal(new TensorShape(8, 14, 10), layer.OutputShape);
        // (14 − 1)·1 − 0 + 2·(4 − 1) + 1 = 20; (10 − 1)·1 − 2 + 2·(2 − 1) + 1 = 10
        Assert.Equal(new TensorShape(4, 20, 10), model.OutputShape);
        Assert.Equal("Conv2DTranspose(8, 3x3, stride 2, padding 1, output padding 1)", layer.Describe());
        Assert.Equal("Conv2DTranspose(4, 4x2, stride 1, padding 0x1, dilation 2, no bias)", model.Layers[1].Describe());
    }

    [Fact]
    public void FansFollowPyTorchAndKeras()
    {
        var probe = new FanProbe();
        using var model = new Sequential(new Conv2DTransposeLayer(5, 3, 2, stride: 2, padding: 0, weightInitializer: probe));
        using var backend = new ReferenceBackend();
        model.Build(backend, new TensorShape(7, 4, 4), seed: 1);
        Assert.Equal((5 * 3 * 2, 7 * 3 * 2), (probe.FanIn, probe.FanOut)); // fanIn = filters·kH·kW, fanOut = Cin·kH·kW
    }

    private sealed class FanProbe : Initializer
    {
        public int FanIn { get; private set; }
        public int FanOut { get; private set; }

        public override void Initialize(Span<float> values, int fanIn, int fanOut, Random random) => (FanIn, FanOut) = (fanIn, fanOut);
    }

    [Fact]
    public void OutputPaddingFollowsTorchsRuleWithAClearMessage()
    {
        var tooLarge = Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2DTransposeLayer(4, 3, stride: 2, outputPadding: 2));
        Assert.Equal("outputPadding", tooLarge.ParamName);
        Assert.StartsWith("outputPadding must be smaller than the stride (2) or the dilation (1), as in torch.nn.ConvTranspose2d; got 2.", tooLarge.Message, StringComparison.Ordinal);
        var belowDilation = Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2DTransposeLayer(4, 3, stride: 1, outputPadding: 1, dilation: 2));
        Assert.StartsWith("outputPadding must be smaller than the stride (1); got 1. PyTorch also accepts it below the dilation (2)", belowDilation.Message, StringComparison.Ordinal);
        var negative = Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2DTransposeLayer(4, 3, stride: 2, outputPadding: -1));
        Assert.Equal("outputPadding", negative.ParamName);
    }

    [Fact]
    public void SamePaddingIsRejectedWithTheExplicitEquivalent()
    {
        var e = Assert.Throws<ArgumentException>(() => new Conv2DTransposeLayer(4, 3, stride: 2, padding: Conv2DPadding.Same));
        Assert.Equal("padding", e.ParamName);
        Assert.Contains("explicit padding only (as torch.nn.ConvTranspose2d); got 'same'", e.Message, StringComparison.Ordinal);
        Assert.Contains("kernel 3, stride 2: padding 1, outputPadding 1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ANonPositiveOutputSizeFailsAtBuildNamingTheDimension()
    {
        using var backend = new ReferenceBackend();
        using var model = new Sequential(new Conv2DTransposeLayer(2, 1, 3, 1, Conv2DPadding.Explicit(0, 2)));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => model.Build(backend, new TensorShape(1, 4, 1), seed: 1));
        Assert.Equal("width", e.ParamName);
        Assert.Contains("= -1 must be positive", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ANonImageInputNamesItsShape()
    {
        using var backend = new ReferenceBackend();
        using var model = new Sequential(new Conv2DTransposeLayer(4, 3));
        var e = Assert.Throws<ArgumentException>(() => model.Build(backend, new TensorShape(10), seed: 1));
        Assert.Contains("needs a (channels, height, width) input; got shape (10) of rank 1", e.Message, StringComparison.Ordinal);
    }
}
