using MLNet.DeepExtensions.Kernels.Backends;

namespace MLNet.DeepExtensions.Kernels.Tests;

/// <summary>The argument checks of <see cref="ComputeBackend"/>: one message format for every backend, pinned here.</summary>
public sealed class ComputeBackendValidationTests : IDisposable
{
    private readonly ManagedCpuBackend _managed = new(numberOfThreads: 1);
    private readonly ReferenceBackend _reference = new();

    [Fact]
    public void GemmWithATooSmallOutputNamesTheBufferAndBothLengths()
    {
        using DeviceBuffer a = _managed.Allocate(7 * 3), b = _managed.Allocate(3 * 5), c = _managed.Allocate(34);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _managed.Gemm(false, false, 7, 5, 3, 1f, a, b, 0f, c));
        Assert.Equal("c", e.ParamName);
        Assert.StartsWith("Buffer 'c' must hold a (7 x 5) matrix = 35 elements; got 34.", e.Message);
    }

    [Fact]
    public void GemmChecksTheStoredShapeOfATransposedInput()
    {
        using DeviceBuffer a = _reference.Allocate(20), b = _reference.Allocate(3 * 5), c = _reference.Allocate(35);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _reference.Gemm(true, false, 7, 5, 3, 1f, a, b, 0f, c));
        Assert.StartsWith("Buffer 'a' must hold a (3 x 7) matrix = 21 elements; got 20.", e.Message);
    }

    [Fact]
    public void ABufferOfAnotherBackendIsRejected()
    {
        using DeviceBuffer mine = _managed.Allocate(4), theirs = _reference.Allocate(4);
        var e = Assert.Throws<ArgumentException>(() => _managed.Copy(theirs, mine, 4));
        Assert.Equal("source", e.ParamName);
        Assert.StartsWith($"Buffer 'source' belongs to backend '{_reference.Description}', not to '{_managed.Description}'.", e.Message);
    }

    [Fact]
    public void UploadLongerThanTheBufferIsRejected()
    {
        using DeviceBuffer buffer = _managed.Allocate(2);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _managed.Upload([1f, 2f, 3f], buffer));
        Assert.StartsWith("Buffer 'destination' needs at least 3 elements; got 2.", e.Message);
    }

    [Fact]
    public void ReferenceDoubleTransfersUseTheSameChecks()
    {
        using DeviceBuffer small = _reference.Allocate(2), foreign = _managed.Allocate(3);
        var tooLong = Assert.Throws<ArgumentOutOfRangeException>(() => _reference.UploadDouble([1, 2, 3], small));
        Assert.StartsWith("Buffer 'destination' needs at least 3 elements; got 2.", tooLong.Message);
        var wrongBackend = Assert.Throws<ArgumentException>(() => _reference.DownloadDouble(foreign, new double[3]));
        Assert.StartsWith("Buffer 'source' belongs to backend", wrongBackend.Message);
    }

    [Fact]
    public void ReferenceDoubleTransfersKeepDoublePrecision()
    {
        using DeviceBuffer buffer = _reference.Allocate(2);
        double[] values = [1.0 + 1e-12, -Math.PI];
        _reference.UploadDouble(values, buffer);
        var back = new double[2];
        _reference.DownloadDouble(buffer, back);
        Assert.Equal(values, back);
    }

    [Fact]
    public void SliceOutsideTheBufferIsRejected()
    {
        using DeviceBuffer buffer = _managed.Allocate(10);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Slice(8, 3));
        Assert.StartsWith("Slice [8, 11) is outside the buffer of length 10.", e.Message);
    }

    [Fact]
    public void BadScalarArgumentsAreNamed()
    {
        using DeviceBuffer x = _managed.Allocate(4), y = _managed.Allocate(4), mask = _managed.Allocate(4);
        var clamp = Assert.Throws<ArgumentOutOfRangeException>(() => _managed.Clamp(x, 1f, 0f, 4));
        Assert.StartsWith("'max' must be a value >= min (1); got 0.", clamp.Message);
        var dropout = Assert.Throws<ArgumentOutOfRangeException>(() => _managed.DropoutForward(x, y, mask, 4, 1f, 0));
        Assert.StartsWith("'rate' must be a dropout rate in [0, 1); got 1.", dropout.Message);
        var max = Assert.Throws<ArgumentOutOfRangeException>(() => _managed.Max(x, 0));
        Assert.StartsWith("'length' must be a positive element count; got 0.", max.Message);
    }

    [Fact]
    public void GatherRowsRejectsAnIndexOutsideTheSource()
    {
        using DeviceBuffer source = _managed.Allocate(6), destination = _managed.Allocate(6);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _managed.GatherRows(source, 2, [0, 3], destination));
        Assert.StartsWith("rowIndices[1] must be in [0, 3); got 3.", e.Message);
    }

    [Fact]
    public void OptimizerNeedingStateWithoutItIsRejected()
    {
        using DeviceBuffer w = _managed.Allocate(4), g = _managed.Allocate(4), s = _managed.Allocate(4);
        var e = Assert.Throws<ArgumentNullException>(() => _managed.OptimizerStep(OptimizerKind.Adam, default, w, g, s, null, 4));
        Assert.Equal("state2", e.ParamName);
        Assert.StartsWith("Adam needs state2 of length 4.", e.Message);
    }

    [Fact]
    public void DescriptionsNameTheImplementation()
    {
        Assert.Equal(BackendKind.ManagedCpu, _managed.Kind);
        Assert.StartsWith("Managed CPU (", _managed.Description);
        Assert.EndsWith("1 thread)", _managed.Description);
        Assert.Equal(BackendKind.Reference, _reference.Kind);
    }

    public void Dispose()
    {
        _managed.Dispose();
        _reference.Dispose();
    }
}
