using MLNet.DeepExtensions.Kernels.Backends;

namespace MLNet.DeepExtensions.Kernels.Tests;

/// <summary><see cref="Conv2DShape"/>'s output-size formula (torch.nn.Conv2d's) and its messages for impossible shapes.</summary>
public sealed class Conv2DShapeTests
{
    [Theory]
    [InlineData(7, 3, 1, 0, 1, 5)]   // valid 3x3
    [InlineData(7, 3, 1, 1, 1, 7)]   // same 3x3
    [InlineData(7, 3, 2, 1, 1, 4)]   // ⌊(7 + 2 − 3)/2⌋ + 1
    [InlineData(9, 3, 1, 0, 2, 5)]   // dilated span 5
    [InlineData(6, 5, 2, 2, 1, 3)]   // ⌊(6 + 4 − 5)/2⌋ + 1
    [InlineData(1, 1, 3, 0, 1, 1)]
    public void OutputSizeFollowsPyTorch(int size, int kernel, int stride, int pad, int dilation, int expected)
    {
        var shape = new Conv2DShape(2, 3, size, size + 1, 4, kernel, kernel, stride, stride, pad, pad, dilation, dilation);
        Assert.Equal(expected, shape.OutputHeight);
        Assert.Equal(2 * 4 * shape.OutputHeight * shape.OutputWidth, shape.OutputSize);
        Assert.Equal(2 * 3 * size * (size + 1), shape.InputSize);
        Assert.Equal(4 * 3 * kernel * kernel, shape.WeightSize);
    }

    [Fact]
    public void AnEmptyOutputNamesTheDimensionAndTheSizes()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2DShape(1, 1, 8, 4, 1, 3, 5));
        Assert.Equal("width", e.ParamName);
        Assert.StartsWith("The convolution's output width would be empty: the dilated kernel spans 5 but the padded input width is 4", e.Message);
    }

    [Fact]
    public void ANonPositiveStrideIsNamed()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2DShape(1, 1, 8, 8, 1, 3, 3, strideHeight: 0));
        Assert.Equal("strideHeight", e.ParamName);
    }

    [Fact]
    public void TheBackendRejectsADefaultShapeAndShortBuffers()
    {
        using var backend = new ReferenceBackend();
        using DeviceBuffer input = backend.Allocate(2 * 3 * 5 * 5), weight = backend.Allocate(4 * 3 * 3 * 3), output = backend.Allocate(10);
        Assert.Throws<ArgumentException>(() => backend.Conv2DForward(input, weight, null, output, default));
        var shape = new Conv2DShape(2, 3, 5, 5, 4, 3, 3);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => backend.Conv2DForward(input, weight, null, output, shape));
        Assert.Equal("output", e.ParamName);
        Assert.StartsWith("Buffer 'output' needs at least 72 elements; got 10.", e.Message);
    }
}
