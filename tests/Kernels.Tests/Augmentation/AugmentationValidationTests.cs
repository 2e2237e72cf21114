using MLNet.DeepExtensions.Kernels.Backends;

namespace MLNet.DeepExtensions.Kernels.Tests.Augmentation;

/// <summary>The argument checks of the augmentation operations, messages pinned.</summary>
public sealed class AugmentationValidationTests : IDisposable
{
    private readonly ManagedCpuBackend _backend = new(numberOfThreads: 1);

    public void Dispose() => _backend.Dispose();

    [Fact]
    public void APaddingBeyondTheImageIsRejected()
    {
        using DeviceBuffer x = _backend.Allocate(2 * 3 * 5), y = _backend.Allocate(2 * 3 * 5);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _backend.RandomFlipCropForward(x, y, 2, 1, 3, 5, true, 6, 0));
        Assert.Equal("padding", e.ParamName);
        Assert.StartsWith("'padding' must be in [0, max(height, width)] = [0, 5]; got 6.", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => _backend.RandomFlipCropBackward(x, y, 2, 1, 3, 5, true, -1, 0));
        Assert.StartsWith("'padding' must be in [0, max(height, width)] = [0, 5]; got -1.", e.Message);
    }

    [Fact]
    public void AnEmptyImageIsRejected()
    {
        using DeviceBuffer x = _backend.Allocate(4), y = _backend.Allocate(4);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _backend.RandomFlipCropForward(x, y, 1, 1, 0, 4, true, 0, 0));
        Assert.StartsWith("'height' must be a positive count; got 0.", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => _backend.RandomFlipCropForward(x, y, -1, 1, 2, 2, true, 0, 0));
        Assert.StartsWith("'batch' must be a non-negative count; got -1.", e.Message);
    }

    [Fact]
    public void ATooShortBufferIsNamed()
    {
        using DeviceBuffer x = _backend.Allocate(2 * 3 * 4 * 5), y = _backend.Allocate(2 * 3 * 4 * 5 - 1);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _backend.RandomFlipCropForward(x, y, 2, 3, 4, 5, true, 1, 0));
        Assert.StartsWith("Buffer 'output' needs at least 120 elements; got 119.", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => _backend.RandomFlipCropBackward(y, x, 2, 3, 4, 5, true, 1, 0));
        Assert.StartsWith("Buffer 'dOutput' needs at least 120 elements; got 119.", e.Message);
    }

    [Fact]
    public void FlipCropCannotRunInPlace()
    {
        using DeviceBuffer x = _backend.Allocate(9);
        var e = Assert.Throws<ArgumentException>(() => _backend.RandomFlipCropForward(x, x, 1, 1, 3, 3, true, 1, 0));
        Assert.Equal("output", e.ParamName);
        Assert.StartsWith("'output' must be a different buffer from 'input' (the operation cannot run in place).", e.Message);
        e = Assert.Throws<ArgumentException>(() => _backend.RandomFlipCropBackward(x, x, 1, 1, 3, 3, true, 1, 0));
        Assert.StartsWith("'dInput' must be a different buffer from 'dOutput'", e.Message);
    }

    [Theory]
    [InlineData(-0.1f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void ANegativeOrNonFiniteStandardDeviationIsRejected(float standardDeviation)
    {
        using DeviceBuffer x = _backend.Allocate(4), y = _backend.Allocate(4);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _backend.AddGaussianNoise(x, y, 4, standardDeviation, 0));
        Assert.Equal("standardDeviation", e.ParamName);
        Assert.StartsWith($"'standardDeviation' must be a finite standard deviation >= 0; got {standardDeviation}.", e.Message);
    }

    [Fact]
    public void NoiseChecksItsBuffers()
    {
        using DeviceBuffer x = _backend.Allocate(4), y = _backend.Allocate(3);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _backend.AddGaussianNoise(x, y, 4, 1f, 0));
        Assert.StartsWith("Buffer 'output' needs at least 4 elements; got 3.", e.Message);
    }
}
