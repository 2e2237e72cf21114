using MLNet.DeepExtensions.Kernels;
using MLNet.DeepExtensions.Networks.Layers;

namespace MLNet.DeepExtensions.Networks.Tests.Layers;

/// <summary>
/// <see cref="Conv2DLayer"/>: finite-difference checks (double precision, inputs and parameters) at shapes that exercise
/// stride, padding, dilation, 1x1 kernels, no bias and a partial last batch, plus its shape rules and messages.
/// </summary>
public sealed class Conv2DLayerTests
{
    [Theory]
    [InlineData(2, 3, 3, 1, 0, 1, true)]    // valid 3x3
    [InlineData(3, 2, 3, 2, 1, 1, true)]    // stride 2 with padding
    [InlineData(2, 2, 3, 1, 2, 2, true)]    // dilation 2 with padding 2 (same)
    [InlineData(3, 3, 1, 1, 0, 1, true)]    // 1x1 (the pointwise path)
    [InlineData(1, 2, 3, 2, 2, 2, false)]   // no bias, stride 2, dilation 2
    public void GradientsMatchFiniteDifferences(int batch, int filters, int kernel, int stride, int padding, int dilation, bool useBias) =>
        GradientCheck.CheckModel([new Conv2DLayer(filters, kernel, stride, padding, dilation, useBias)], new TensorShape(2, 7, 5), batch);

    [Fact]
    public void RectangularKernelGradients() =>
        GradientCheck.CheckModel([new Conv2DLayer(2, 5, 3, stride: 1, padding: Conv2DPadding.Explicit(2, 0))], new TensorShape(3, 6, 5), batch: 2);

    [Fact]
    public void StackWithReluFlattenAndDense() =>
        GradientCheck.CheckModel(
            [new Conv2DLayer(3, 3, padding: Conv2DPadding.Same), new ActivationLayer(ActivationKind.Relu), new FlattenLayer(), new DenseLayer(4)],
            new TensorShape(2, 6, 5), batch: 3);

    [Fact]
    public void OutputShapeAndDescription()
    {
        var layer = new Conv2DLayer(32, 3, padding: Conv2DPadding.Same);
        using var model = new Sequential([layer, new Conv2DLayer(8, 3, stride: 2), new Conv2DLayer(4, 1, useBias: false)]);
        using var backend = new Kernels.Backends.ReferenceBackend();
        model.Build(backend, new TensorShape(3, 28, 20), seed: 1);
        Assert.Equal(new TensorShape(32, 28, 20), layer.OutputShape);
        Assert.Equal(new TensorShape(4, 13, 9), model.OutputShape);
        Assert.Equal("Conv2D(32, 3x3, stride 1, same)", layer.Describe());
        Assert.Equal("Conv2D(4, 1x1, stride 1, valid, no bias)", model.Layers[2].Describe());
        Assert.Equal(32 * 3 * 3 * 3, layer.Weight.Size);
    }

    [Fact]
    public void ANonImageInputNamesItsShape()
    {
        using var backend = new Kernels.Backends.ReferenceBackend();
        using var model = new Sequential([new Conv2DLayer(4, 3)]);
        var e = Assert.Throws<ArgumentException>(() => model.Build(backend, new TensorShape(10, 10), seed: 1));
        Assert.Contains("needs a (channels, height, width) input; got shape (10, 10) of rank 2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SameRejectsWhatASymmetricPadCannotDo()
    {
        var strided = Assert.Throws<ArgumentException>(() => new Conv2DLayer(4, 3, stride: 2, padding: Conv2DPadding.Same));
        Assert.Contains("'same' padding needs stride 1", strided.Message, StringComparison.Ordinal);
        var even = Assert.Throws<ArgumentException>(() => new Conv2DLayer(4, 2, padding: Conv2DPadding.Same));
        Assert.Contains("odd dilated kernel extent", even.Message, StringComparison.Ordinal);
        Assert.Equal(2, new Conv2DLayer(4, 3, padding: Conv2DPadding.Same, dilation: 2).PadHeight);
    }

    [Fact]
    public void AnEmptyOutputFailsAtBuildNamingTheDimension()
    {
        using var backend = new Kernels.Backends.ReferenceBackend();
        using var model = new Sequential([new Conv2DLayer(4, 5)]);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => model.Build(backend, new TensorShape(1, 8, 4), seed: 1));
        Assert.Equal("width", e.ParamName);
    }
}
