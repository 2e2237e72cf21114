using MLNet.DeepExtensions.Kernels.Backends;
using MLNet.DeepExtensions.Kernels.Tests.Backends;

namespace MLNet.DeepExtensions.Kernels.Tests.Indexing;

/// <summary>The argument checks of the indexing operations, one message pinned per check.</summary>
public sealed class IndexingValidationTests : IDisposable
{
    private readonly ManagedCpuBackend _managed = new(numberOfThreads: 1);
    private readonly ReferenceBackend _reference = new();

    public void Dispose()
    {
        _managed.Dispose();
        _reference.Dispose();
    }

    [Fact]
    public void ATableShorterThanItsRowCountIsNamed()
    {
        using DeviceBuffer table = _managed.Allocate(7 * 3 - 1), indices = _managed.Allocate(4), output = _managed.Allocate(4 * 3);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _managed.GatherRowsByIndex(table, 7, 3, indices, 4, output));
        Assert.Equal("table", e.ParamName);
        Assert.StartsWith("Buffer 'table' must hold a (7 x 3) matrix = 21 elements; got 20.", e.Message);
    }

    [Fact]
    public void AShortIndexBufferIsNamed()
    {
        using DeviceBuffer source = _managed.Allocate(5 * 2), indices = _managed.Allocate(4), destination = _managed.Allocate(3 * 2);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _managed.ScatterAddRows(source, indices, 5, 2, destination, 3));
        Assert.Equal("indices", e.ParamName);
        Assert.StartsWith("Buffer 'indices' needs at least 5 elements; got 4.", e.Message);
    }

    [Fact]
    public void ANegativeCountIsNamed()
    {
        using DeviceBuffer a = _managed.Allocate(8), b = _managed.Allocate(8), c = _managed.Allocate(8);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _managed.GatherRowsByIndex(a, 2, 2, b, -1, c));
        Assert.Equal("count", e.ParamName);
        Assert.StartsWith("'count' must be a non-negative count; got -1.", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => _managed.ScatterAddRows(a, b, 2, 2, c, -2));
        Assert.StartsWith("'destinationRows' must be a non-negative count; got -2.", e.Message);
    }

    [Fact]
    public void IndexingCannotWriteWhatItReads()
    {
        using DeviceBuffer a = _managed.Allocate(8), b = _managed.Allocate(8);
        var e = Assert.Throws<ArgumentException>(() => _managed.ScatterAddRows(a, b, 2, 2, a, 2));
        Assert.Equal("destination", e.ParamName);
        Assert.StartsWith("'destination' must be a different buffer from 'source' (the operation cannot run in place).", e.Message);
        e = Assert.Throws<ArgumentException>(() => _managed.GatherRowsByIndex(a, 2, 2, b, 2, b));
        Assert.StartsWith("'output' must be a different buffer from 'indices'", e.Message);
    }

    /// <summary>The managed and reference backends check every device index before writing: the output stays as it was.</summary>
    [Theory]
    [InlineData(7f, "7")]
    [InlineData(1.5f, "1.5")]
    [InlineData(float.NaN, "NaN")]
    [InlineData(1e9f, "1000000000")]
    public void AnIndexThatIsNeitherNegativeNorARowIsRejectedBeforeAnyWrite(float bad, string shown)
    {
        foreach (ComputeBackend backend in new ComputeBackend[] { _managed, _reference })
        {
            using DeviceBuffer table = backend.Allocate(7 * 2), indices = backend.Allocate(4), rows = backend.Allocate(4 * 2);
            backend.Fill(rows, 9f, 8);
            backend.Upload([0f, -1f, 6f, bad], indices);
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => backend.GatherRowsByIndex(table, 7, 2, indices, 4, rows));
            Assert.Equal("indices", e.ParamName);
            Assert.StartsWith($"'indices[3]' must be a negative value or an integer in [0, 7); got {shown}.", e.Message);
            e = Assert.Throws<ArgumentOutOfRangeException>(() => backend.ScatterAddRows(rows, indices, 4, 2, table, 7));
            Assert.StartsWith($"'indices[3]' must be a negative value or an integer in [0, 7); got {shown}.", e.Message);
            var gathered = new float[8];
            backend.Download(rows, gathered);
            Assert.All(gathered, v => Assert.Equal(9f, v));
            var scattered = new float[14];
            backend.Download(table, scattered);
            Assert.All(scattered, v => Assert.Equal(0f, v));
        }
    }
}

/// <summary>The ILGPU backend does not check device indices (that would synchronize); what it does instead, pinned.</summary>
[Collection(IlgpuCpuAcceleratorCollection.Name)]
public sealed class IlgpuIndexingUncheckedIndexTests(IlgpuCpuAcceleratorFixture fixture)
{
    [Fact]
    public void AnIndexOutsideTheTableIsAZeroRowInTheGatherAndSkippedInTheScatter()
    {
        IlgpuBackend backend = fixture.Backend;
        using DeviceBuffer table = backend.Allocate(3 * 2), indices = backend.Allocate(6), rows = backend.Allocate(6 * 2);
        backend.Upload([1, 2, 10, 20, 100, 200], table);
        // 3 and 1e9 are past the end, NaN and -0.5 are not rows, 2.9 truncates to 2.
        backend.Upload([3f, 1e9f, float.NaN, -0.5f, 2.9f, 0f], indices);
        backend.GatherRowsByIndex(table, 3, 2, indices, 6, rows);
        var gathered = new float[12];
        backend.Download(rows, gathered);
        Assert.Equal([0, 0, 0, 0, 0, 0, 0, 0, 100, 200, 1, 2], gathered);

        backend.Upload([1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6], rows);
        backend.ScatterAddRows(rows, indices, 6, 2, table, 3);
        var scattered = new float[6];
        backend.Download(table, scattered);
        Assert.Equal([7, 8, 10, 20, 105, 205], scattered);
    }
}
