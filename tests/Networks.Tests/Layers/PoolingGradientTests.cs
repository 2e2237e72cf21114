using MLNet.DeepExtensions.Networks.Layers;

namespace MLNet.DeepExtensions.Networks.Tests.Layers;

/// <summary>
/// Finite-difference checks (double precision, <see cref="GradientCheck"/>) of the pooling layers' backward passes,
/// plus their shape rules and messages. Random uniform inputs have no ties, so max pooling is differentiable at them.
/// </summary>
public sealed class PoolingGradientTests
{
    [Theory]
    [InlineData(2, null, 0, 2, 7, 5)]   // non-overlapping, floor mode drops the last row
    [InlineData(3, 1, 1, 3, 5, 4)]      // overlapping (stride < pool) with padding: shared winners add up
    [InlineData(3, 2, 1, 1, 9, 6)]      // overlapping, stride 2, padding
    [InlineData(2, 1, 1, 1, 1, 1)]      // a 1x1 image padded to 3x3: every window picks the one element
    public void MaxPool2D(int poolSize, int? stride, int padding, int channels, int height, int width) =>
        GradientCheck.CheckModel([new MaxPool2DLayer(poolSize, stride, padding)], new TensorShape(channels, height, width), batch: 2);

    [Theory]
    [InlineData(3, 1, 1, 2, 6, 5)]      // stride 1 overlapping, padding 1 (padding counts in the divisor)
    [InlineData(2, null, 0, 3, 7, 4)]
    [InlineData(3, 3, 0, 1, 9, 6)]
    public void AvgPool2D(int poolSize, int? stride, int padding, int channels, int height, int width) =>
        GradientCheck.CheckModel([new AvgPool2DLayer(poolSize, stride, padding)], new TensorShape(channels, height, width), batch: 2);

    [Theory]
    [InlineData(1, 1, 1, 1)]
    [InlineData(3, 3, 5, 4)]
    public void GlobalAvgPool(int batch, int channels, int height, int width) =>
        GradientCheck.CheckModel([new GlobalAvgPoolLayer()], new TensorShape(channels, height, width), batch);

    [Fact]
    public void AvgPoolThenGlobalAvgPoolThenDense() =>
        GradientCheck.CheckModel(
            [new AvgPool2DLayer(3, stride: 1, padding: 1), new GlobalAvgPoolLayer(), new DenseLayer(4)],
            new TensorShape(3, 6, 5), batch: 3);

    [Fact]
    public void MaxPoolThenAvgPoolThenGlobalAvgPoolThenDense() =>
        GradientCheck.CheckModel(
            [new MaxPool2DLayer(2, stride: 1), new AvgPool2DLayer(2), new GlobalAvgPoolLayer(), new DenseLayer(2)],
            new TensorShape(2, 7, 5), batch: 2);

    [Fact]
    public void OutputShapesFollowTheFloorRule()
    {
        using var model = new Sequential(new MaxPool2DLayer(3, stride: 2, padding: 1), new AvgPool2DLayer(2), new GlobalAvgPoolLayer());
        using var backend = new Kernels.Backends.ReferenceBackend();
        model.Build(backend, new TensorShape(3, 9, 6), seed: 1);
        Assert.Equal(new TensorShape(3, 5, 3), model.Layers[0].OutputShape);
        Assert.Equal(new TensorShape(3, 2, 1), model.Layers[1].OutputShape);
        Assert.Equal(new TensorShape(3), model.OutputShape);
        Assert.Equal("MaxPool2D(3, stride 2, padding 1)", model.Layers[0].Describe());
        Assert.Equal("AvgPool2D(2, stride 2, padding 0)", model.Layers[1].Describe());
        Assert.Equal("GlobalAvgPool", model.Layers[2].Describe());
    }

    [Fact]
    public void AFlatInputIsRejectedWithItsShape()
    {
        var layer = new MaxPool2DLayer(2, name: "pool");
        var e = Assert.Throws<ArgumentException>(() => layer.Build(new TensorShape(12), new ParameterStore()));
        Assert.StartsWith("MaxPool2D(2, stride 2, padding 0) layer 'pool' needs an input shape (channels, height, width); got (12).", e.Message);
        var global = new GlobalAvgPoolLayer("gap");
        e = Assert.Throws<ArgumentException>(() => global.Build(new TensorShape(2, 3), new ParameterStore()));
        Assert.StartsWith("GlobalAvgPool layer 'gap' needs an input shape (channels, height, width); got (2, 3).", e.Message);
    }

    [Fact]
    public void AWindowLargerThanTheInputIsRejected()
    {
        var layer = new AvgPool2DLayer(3, name: "avg");
        var e = Assert.Throws<ArgumentException>(() => layer.Build(new TensorShape(1, 2, 5), new ParameterStore()));
        Assert.StartsWith("AvgPool2D(3, stride 3, padding 0) layer 'avg' cannot pool input shape (1, 2, 5): 'poolHeight' must be at most the padded input height + 2·padHeight = 2 + 2·0 = 2; got 3.", e.Message);
    }

    [Fact]
    public void PaddingAboveHalfTheWindowIsRejected()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new MaxPool2DLayer(2, padding: 2));
        Assert.StartsWith("padding must be in [0, poolSize/2] = [0, 1] (at most half the window, as in PyTorch); got 2.", e.Message);
    }
}
