using MLNet.DeepExtensions.Kernels.Backends;
using MLNet.DeepExtensions.Kernels.Tests.Backends;

namespace MLNet.DeepExtensions.Kernels.Tests.Layout;

/// <summary>The argument checks of the layout operations, one message pinned per check.</summary>
public sealed class LayoutValidationTests : IDisposable
{
    private readonly ManagedCpuBackend _managed = new(numberOfThreads: 1);
    private readonly ReferenceBackend _reference = new();

    public void Dispose()
    {
        _managed.Dispose();
        _reference.Dispose();
    }

    [Fact]
    public void ATooShortTransposeOutputIsNamed()
    {
        using DeviceBuffer x = _managed.Allocate(2 * 3 * 7), y = _managed.Allocate(2 * 3 * 7 - 1);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _managed.BatchToTimeMajor(x, y, 2, 3, 7));
        Assert.Equal("output", e.ParamName);
        Assert.StartsWith("Buffer 'output' needs at least 42 elements; got 41.", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => _managed.TimeToBatchMajor(y, x, 2, 3, 7));
        Assert.StartsWith("Buffer 'input' needs at least 42 elements; got 41.", e.Message);
    }

    [Fact]
    public void ANegativeDimensionIsNamed()
    {
        using DeviceBuffer x = _managed.Allocate(8), y = _managed.Allocate(8);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _managed.BatchToTimeMajor(x, y, 2, -1, 4));
        Assert.Equal("steps", e.ParamName);
        Assert.StartsWith("'steps' must be a non-negative count; got -1.", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => _managed.ReverseSequences(x, y, 2, 4, -3, null));
        Assert.StartsWith("'features' must be a non-negative count; got -3.", e.Message);
    }

    [Fact]
    public void ATensorBeyondIntIndexingIsRejected()
    {
        using DeviceBuffer x = _managed.Allocate(8), y = _managed.Allocate(8);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _managed.BatchToTimeMajor(x, y, 65_536, 65_536, 1));
        Assert.StartsWith("'batch' must be a batch whose tensor has at most 2147483647 elements (this one has 4294967296); got 65536.", e.Message);
    }

    [Fact]
    public void LayoutOperationsCannotRunInPlace()
    {
        using DeviceBuffer x = _managed.Allocate(12), y = _managed.Allocate(12);
        var e = Assert.Throws<ArgumentException>(() => _managed.BatchToTimeMajor(x, x, 2, 3, 2));
        Assert.Equal("output", e.ParamName);
        Assert.StartsWith("'output' must be a different buffer from 'input' (the operation cannot run in place).", e.Message);
        e = Assert.Throws<ArgumentException>(() => _managed.ReverseSequences(x, x, 2, 3, 2, null));
        Assert.StartsWith("'output' must be a different buffer from 'input'", e.Message);
        e = Assert.Throws<ArgumentException>(() => _managed.ConcatColumns(x, 2, y, 2, y, 3));
        Assert.StartsWith("'output' must be a different buffer from 'b'", e.Message);
        e = Assert.Throws<ArgumentException>(() => _managed.SplitColumns(x, 3, 2, 2, y, y));
        Assert.StartsWith("'b' must be a different buffer from 'a'", e.Message);
    }

    [Fact]
    public void ConcatAndSplitNameTheShortMatrix()
    {
        using DeviceBuffer a = _managed.Allocate(3 * 4), b = _managed.Allocate(3 * 2), joined = _managed.Allocate(3 * 6);
        using DeviceBuffer shortA = _managed.Allocate(11);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _managed.SplitColumns(joined, 3, 4, 2, shortA, b));
        Assert.Equal("a", e.ParamName);
        Assert.StartsWith("Buffer 'a' must hold a (3 x 4) matrix = 12 elements; got 11.", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => _managed.ConcatColumns(a, 4, b, 3, joined, 3));
        Assert.StartsWith("Buffer 'b' must hold a (3 x 3) matrix = 9 elements; got 6.", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => _managed.ConcatColumns(a, 4, b, -1, joined, 3));
        Assert.StartsWith("'bColumns' must be a non-negative count; got -1.", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => _managed.ConcatColumns(a, int.MaxValue, b, 1, joined, 0));
        Assert.StartsWith("'bColumns' must be at most 2147483647 - aColumns = 0; got 1.", e.Message);
    }

    [Fact]
    public void AShortLengthsBufferIsNamed()
    {
        using DeviceBuffer x = _managed.Allocate(3 * 4), y = _managed.Allocate(3 * 4), lengths = _managed.Allocate(2);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _managed.ReverseSequences(x, y, 3, 4, 1, lengths));
        Assert.Equal("lengths", e.ParamName);
        Assert.StartsWith("Buffer 'lengths' needs at least 3 elements; got 2.", e.Message);
    }

    /// <summary>The managed and reference backends check each device length before writing: output stays as it was.</summary>
    [Theory]
    [InlineData(6f, "6")]
    [InlineData(-1f, "-1")]
    [InlineData(2.5f, "2.5")]
    [InlineData(float.NaN, "NaN")]
    public void ALengthThatIsNotAnIntegerInRangeIsRejectedBeforeAnyWrite(float bad, string shown)
    {
        foreach (ComputeBackend backend in new ComputeBackend[] { _managed, _reference })
        {
            using DeviceBuffer x = backend.Allocate(3 * 5), y = backend.Allocate(3 * 5), lengths = backend.Allocate(3);
            backend.Fill(x, 1f, 15);
            backend.Fill(y, 7f, 15);
            backend.Upload([5f, 0f, bad], lengths);
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => backend.ReverseSequences(x, y, 3, 5, 1, lengths));
            Assert.Equal("lengths", e.ParamName);
            Assert.StartsWith($"'lengths[2]' must be an integer in [0, 5]; got {shown}.", e.Message);
            var after = new float[15];
            backend.Download(y, after);
            Assert.All(after, v => Assert.Equal(7f, v));
        }
    }
}

/// <summary>The ILGPU backend does not check device lengths (that would synchronize); what it does instead, pinned.</summary>
[Collection(IlgpuCpuAcceleratorCollection.Name)]
public sealed class IlgpuLayoutUncheckedLengthTests(IlgpuCpuAcceleratorFixture fixture)
{
    [Fact]
    public void ALengthIsTruncatedAndClampedIntoTheSequence()
    {
        IlgpuBackend backend = fixture.Backend;
        const int steps = 4;
        float[] x = [0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23, 30, 31, 32, 33, 40, 41, 42, 43];
        using DeviceBuffer input = backend.Allocate(x.Length), output = backend.Allocate(x.Length), lengths = backend.Allocate(5);
        backend.Upload(x, input);
        // 99 → 4 (all), −3 → 0 (copy), NaN → 0 (copy), 2.7 → 2, 3 → 3.
        backend.Upload([99f, -3f, float.NaN, 2.7f, 3f], lengths);
        backend.ReverseSequences(input, output, 5, steps, 1, lengths);
        var y = new float[x.Length];
        backend.Download(output, y);
        Assert.Equal([3, 2, 1, 0, 10, 11, 12, 13, 20, 21, 22, 23, 31, 30, 32, 33, 42, 41, 40, 43], y);
    }
}
