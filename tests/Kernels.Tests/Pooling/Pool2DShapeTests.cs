using MLNet.DeepExtensions.Kernels.Backends;
using MLNet.DeepExtensions.Kernels.Pooling;

namespace MLNet.DeepExtensions.Kernels.Tests.Pooling;

/// <summary>The output-size arithmetic and the validation messages of <see cref="Pool2DShape"/>, pinned.</summary>
public sealed class Pool2DShapeTests
{
    [Theory]
    [InlineData(7, 5, 2, 2, 2, 2, 0, 0, 3, 2)]  // floor mode drops the partial last window
    [InlineData(7, 5, 3, 3, 1, 1, 1, 1, 7, 5)]  // "same" size
    [InlineData(9, 6, 3, 2, 2, 1, 1, 1, 5, 7)]
    [InlineData(1, 1, 2, 2, 1, 1, 1, 1, 2, 2)]
    public void OutputSizeIsPyTorchsFloorMode(int h, int w, int ph, int pw, int sh, int sw, int padH, int padW, int outH, int outW)
    {
        var shape = new Pool2DShape(2, 3, h, w, ph, pw, sh, sw, padH, padW);
        Assert.Equal(outH, shape.OutputHeight);
        Assert.Equal(outW, shape.OutputWidth);
        Assert.Equal(2 * 3 * h * w, shape.InputLength);
        Assert.Equal(2 * 3 * outH * outW, shape.OutputLength);
    }

    [Fact]
    public void AWindowLargerThanThePaddedInputNamesTheDimension()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Pool2DShape(1, 1, 7, 2, 2, 3, 1, 1, 0, 0));
        Assert.Equal("poolWidth", e.ParamName);
        Assert.StartsWith("'poolWidth' must be at most the padded input width + 2·padWidth = 2 + 2·0 = 2; got 3.", e.Message);
    }

    [Fact]
    public void PaddingAboveHalfTheWindowIsRejected()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Pool2DShape(1, 1, 7, 7, 3, 3, 1, 1, 2, 1));
        Assert.Equal("padHeight", e.ParamName);
        Assert.StartsWith("'padHeight' must be in [0, poolHeight/2] = [0, 1] (at most half the window, as in PyTorch); got 2.", e.Message);
    }

    [Fact]
    public void AZeroStrideIsRejected()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Pool2DShape(1, 1, 7, 7, 2, 2, 0, 1, 0, 0));
        Assert.StartsWith("'strideHeight' must be positive; got 0.", e.Message);
    }

    [Fact]
    public void TheBackendChecksBufferLengthsAgainstTheOutputShape()
    {
        using var backend = new ManagedCpuBackend(numberOfThreads: 1);
        using DeviceBuffer input = backend.Allocate(2 * 7 * 5), output = backend.Allocate(2 * 3 * 2 - 1), argMax = backend.Allocate(12);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            backend.MaxPool2DForward(input, output, argMax, new Pool2DShape(2, 1, 7, 5, 2, 2, 2, 2, 0, 0)));
        Assert.Equal("output", e.ParamName);
        Assert.StartsWith("Buffer 'output' needs at least 12 elements; got 11.", e.Message);
    }

    [Fact]
    public void TheBackendRejectsADefaultShape()
    {
        using var backend = new ManagedCpuBackend(numberOfThreads: 1);
        using DeviceBuffer input = backend.Allocate(4), output = backend.Allocate(4);
        var e = Assert.Throws<ArgumentException>(() => backend.AvgPool2DForward(input, output, default(Pool2DShape)));
        Assert.Equal("shape", e.ParamName);
        Assert.StartsWith("The Pool2DShape must be made by its constructor (got default: ", e.Message);
    }

    [Fact]
    public void WithBatchKeepsTheWindowAndChangesOnlyTheBatch()
    {
        var one = new Pool2DShape(1, 3, 9, 6, 3, 2, 2, 1, 1, 1);
        var five = one.WithBatch(5);
        Assert.Equal(new Pool2DShape(5, 3, 9, 6, 3, 2, 2, 1, 1, 1), five);
        Assert.Equal(5 * one.OutputLength, five.OutputLength);
        Assert.Throws<ArgumentOutOfRangeException>(() => one.WithBatch(-1));
    }
}
