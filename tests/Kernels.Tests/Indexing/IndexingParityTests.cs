using MLNet.DeepExtensions.Kernels.Backends;
using MLNet.DeepExtensions.Kernels.Tests.Backends;
using MLNet.DeepExtensions.Kernels.Tests.Layout;

namespace MLNet.DeepExtensions.Kernels.Tests.Indexing;

/// <summary>
/// <see cref="ComputeBackend.GatherRowsByIndex"/> and <see cref="ComputeBackend.ScatterAddRows"/> against expectations
/// computed here, at awkward sizes (tables of 1/7/33/257 rows, rows of 1/7/129 columns, up to 4099 indices), with
/// repeated and negative indices. The gather only moves data and the float scatter-add is specified as the sequential
/// loop (ascending i), so the float backends must match the expectation bit for bit, and a peer backend, where a
/// subclass names one, must match this one bit for bit (ILGPU's CPU accelerator vs the managed backend). The reference
/// backend sums in double, so its scatter-add is held to the float rounding bound instead. Outputs start as NaN and
/// every buffer ends in sentinels that must survive.
/// </summary>
public abstract class IndexingParityTests : IDisposable
{
    private readonly BackendBuffers _buffers;
    private readonly BackendBuffers? _peerBuffers;
    private readonly bool _ownsBackend;
    private readonly bool _sumsInDouble;

    /// <summary>Tests <paramref name="backend"/> (disposed with the test when <paramref name="ownsBackend"/>; it sums
    /// in double when <paramref name="sumsInDouble"/>), and compares it with <paramref name="peer"/> (always disposed
    /// with the test) when that is not null.</summary>
    protected IndexingParityTests(ComputeBackend backend, bool ownsBackend, bool sumsInDouble, ComputeBackend? peer)
    {
        _buffers = new BackendBuffers(backend);
        _peerBuffers = peer is null ? null : new BackendBuffers(peer);
        _ownsBackend = ownsBackend;
        _sumsInDouble = sumsInDouble;
    }

    public static TheoryData<int, int, int> GatherShapes() => new()
    {
        // tableRows, columns, count
        { 1, 1, 1 },
        { 7, 129, 33 },
        { 257, 7, 257 },
        { 33, 1, 7 },
        { 1, 33, 257 },
        { 257, 129, 33 },
        { 7, 7, 0 },
        { 7, 0, 7 },
    };

    [Theory]
    [MemberData(nameof(GatherShapes), MemberType = typeof(IndexingParityTests))]
    public void GatherRowsByIndexCopiesTheIndexedRowsAndZeroesNegativeOnes(int tableRows, int columns, int count)
    {
        var rng = new Random(tableRows * 10_000 + columns * 100 + count);
        float[] table = BackendBuffers.Random(rng, tableRows * columns);
        float[] indices = Indices(rng, count, tableRows, negativeShare: 0.125);
        var expected = new float[count * columns];
        for (int i = 0; i < count; i++)
        {
            for (int c = 0; c < columns; c++) expected[i * columns + c] = indices[i] < 0 ? 0f : table[(int)indices[i] * columns + c];
        }

        float[][] results = BackendBuffers.RunOnBoth(_buffers, _peerBuffers, buffers =>
        {
            DeviceBuffer t = buffers.Upload(table), idx = buffers.Upload(indices), output = buffers.Output(count * columns);
            buffers.Backend.GatherRowsByIndex(t, tableRows, columns, idx, count, output);
            return [buffers.Download(output, count * columns)];
        });
        BackendBuffers.AssertBitIdentical(expected, results[0], $"GatherRowsByIndex(table {tableRows} x {columns}, {count} indices)");
    }

    /// <summary>The host-index overload, which the device-index one must not disturb, gives the same rows.</summary>
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(7, 129, 33)]
    [InlineData(257, 7, 257)]
    [InlineData(7, 7, 0)]
    public void GatherRowsByIndexAgreesWithTheHostIndexGather(int tableRows, int columns, int count)
    {
        var rng = new Random(tableRows * 10_000 + columns * 100 + count + 1);
        float[] table = BackendBuffers.Random(rng, tableRows * columns);
        float[] indices = Indices(rng, count, tableRows, negativeShare: 0);
        ComputeBackend backend = _buffers.Backend;
        // The host-index overload reads source.Length / columns rows: give it exactly the table.
        using DeviceBuffer t = backend.Allocate(tableRows * columns), byHost = backend.Allocate(count * columns);
        backend.Upload(table, t);
        backend.GatherRows(t, columns, indices.Select(v => (int)v).ToArray(), byHost);
        var expected = new float[count * columns];
        backend.Download(byHost, expected);

        DeviceBuffer idx = _buffers.Upload(indices), byDevice = _buffers.Output(count * columns);
        backend.GatherRowsByIndex(t, tableRows, columns, idx, count, byDevice);
        BackendBuffers.AssertBitIdentical(expected, _buffers.Download(byDevice, count * columns), "GatherRowsByIndex vs GatherRows");
    }

    public static TheoryData<int, int, int> ScatterShapes() => new()
    {
        // count, columns, destinationRows
        { 1, 1, 1 },
        { 33, 7, 7 },
        { 257, 1, 1 },     // every row into one
        { 257, 7, 257 },
        { 257, 129, 33 },  // managed: parallel, two column blocks
        { 4099, 7, 33 },   // managed: parallel, row blocks
        { 7, 129, 257 },
        { 0, 7, 7 },
        { 33, 0, 7 },
        { 7, 7, 0 },       // no destination rows, so no index may be valid: all negative
    };

    [Theory]
    [MemberData(nameof(ScatterShapes), MemberType = typeof(IndexingParityTests))]
    public void ScatterAddRowsAccumulatesEveryRowInAscendingOrder(int count, int columns, int destinationRows)
    {
        var rng = new Random(count * 10_000 + columns * 100 + destinationRows);
        float[] source = OrderSensitiveValues(rng, count * columns);
        float[] indices = Indices(rng, count, destinationRows, negativeShare: 0.125);
        float[] initial = BackendBuffers.Random(rng, destinationRows * columns);
        float[] expected = SequentialScatterAdd(source, indices, count, columns, initial);

        float[][] results = BackendBuffers.RunOnBoth(_buffers, _peerBuffers, buffers =>
        {
            // Twice on fresh copies: the same bits on every run.
            var runs = new float[2][];
            for (int run = 0; run < 2; run++)
            {
                DeviceBuffer s = buffers.Upload(source), idx = buffers.Upload(indices), d = buffers.Upload(initial);
                buffers.Backend.ScatterAddRows(s, idx, count, columns, d, destinationRows);
                runs[run] = buffers.Download(d, destinationRows * columns);
            }
            return runs;
        });
        string what = $"ScatterAddRows({count} rows of {columns} into {destinationRows})";
        BackendBuffers.AssertBitIdentical(results[0], results[1], what + ", second run vs first");
        if (!_sumsInDouble)
        {
            BackendBuffers.AssertBitIdentical(expected, results[0], what);
            return;
        }
        // Double sums, rounded once: within the bound of the float loop's own rounding, n·2^-24·Σ|terms| per element.
        for (int e = 0; e < expected.Length; e++)
        {
            int row = e / columns, c = e % columns;
            double magnitude = Math.Abs(initial[e]);
            int terms = 1;
            for (int i = 0; i < count; i++)
            {
                if ((int)indices[i] != row || indices[i] < 0) continue;
                magnitude += Math.Abs(source[i * columns + c]);
                terms++;
            }
            double bound = terms * Math.Pow(2, -24) * magnitude;
            Assert.True(Math.Abs(results[0][e] - (double)expected[e]) <= bound,
                $"{what}: element {e} is {results[0][e]:R}, the float loop gives {expected[e]:R} (bound {bound:R}).");
        }
    }

    /// <summary>
    /// &lt;gather(W), G&gt; = &lt;W, scatter(G)&gt;: with small integers every float sum is exact, so both sides are
    /// exact and must be equal, on every backend.
    /// </summary>
    [Theory]
    [InlineData(7, 7, 33)]
    [InlineData(33, 129, 257)]
    [InlineData(1, 7, 7)]
    public void ScatterAddRowsIsTheAdjointOfGatherRowsByIndex(int tableRows, int columns, int count)
    {
        var rng = new Random(tableRows * 10_000 + columns * 100 + count);
        float[] w = Enumerable.Range(0, tableRows * columns).Select(_ => (float)rng.Next(-8, 9)).ToArray();
        float[] g = Enumerable.Range(0, count * columns).Select(_ => (float)rng.Next(-8, 9)).ToArray();
        float[] indices = Indices(rng, count, tableRows, negativeShare: 0.125);
        ComputeBackend backend = _buffers.Backend;
        DeviceBuffer table = _buffers.Upload(w), idx = _buffers.Upload(indices), gathered = _buffers.Output(count * columns);
        DeviceBuffer dOutput = _buffers.Upload(g), dTable = _buffers.Upload(new float[tableRows * columns]);
        backend.GatherRowsByIndex(table, tableRows, columns, idx, count, gathered);
        backend.ScatterAddRows(dOutput, idx, count, columns, dTable, tableRows);
        float[] y = _buffers.Download(gathered, count * columns), dW = _buffers.Download(dTable, tableRows * columns);
        double left = 0, right = 0;
        for (int i = 0; i < y.Length; i++) left += (double)y[i] * g[i];
        for (int i = 0; i < w.Length; i++) right += (double)w[i] * dW[i];
        Assert.Equal(left, right);
    }

    /// <summary>Indices in [0, rows) drawn with a skew (u² · rows, so low rows repeat often) and a share of negatives.</summary>
    internal static float[] Indices(Random rng, int count, int rows, double negativeShare) =>
        Enumerable.Range(0, count).Select(_ =>
        {
            if (rng.NextDouble() < negativeShare) return rng.Next(2) == 0 ? -1f : -3.5f;
            double u = rng.NextDouble();
            return (float)Math.Min(rows - 1, (int)(u * u * rows));
        }).ToArray();

    /// <summary>Values of magnitudes 1e-3 … 1e3 and both signs: float sums of them depend on the order of the terms.</summary>
    internal static float[] OrderSensitiveValues(Random rng, int length) =>
        Enumerable.Range(0, length).Select(_ => (float)((rng.NextDouble() * 2 - 1) * Math.Pow(10, rng.Next(-3, 4)))).ToArray();

    /// <summary>The specification: destination[indices[i]] += source[i] in float, for i ascending, negatives skipped.</summary>
    internal static float[] SequentialScatterAdd(float[] source, float[] indices, int count, int columns, float[] initial, bool descending = false)
    {
        float[] d = (float[])initial.Clone();
        for (int k = 0; k < count; k++)
        {
            int i = descending ? count - 1 - k : k;
            if (indices[i] < 0) continue;
            int row = (int)indices[i];
            for (int c = 0; c < columns; c++) d[row * columns + c] += source[i * columns + c];
        }
        return d;
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (!disposing) return;
        _buffers.Dispose();
        _peerBuffers?.Dispose();
        if (_ownsBackend) _buffers.Backend.Dispose();
        _peerBuffers?.Backend.Dispose();
    }
}

/// <summary>The managed CPU backend (two threads, so the parallel scatter-add runs) against the expectations.</summary>
public sealed class ManagedIndexingParityTests()
    : IndexingParityTests(new ManagedCpuBackend(numberOfThreads: 2), ownsBackend: true, sumsInDouble: false, peer: null);

/// <summary>The double-precision reference backend against the expectations (its scatter-add sums in double).</summary>
public sealed class ReferenceIndexingParityTests()
    : IndexingParityTests(new ReferenceBackend(), ownsBackend: true, sumsInDouble: true, peer: null);

/// <summary>
/// The ILGPU kernels on ILGPU's CPU accelerator (<see cref="IlgpuCpuAcceleratorFixture"/>, shared) against the
/// expectations and, bit for bit, against the managed CPU backend with two threads.
/// </summary>
[Collection(IlgpuCpuAcceleratorCollection.Name)]
public sealed class IlgpuCpuIndexingParityTests(IlgpuCpuAcceleratorFixture fixture)
    : IndexingParityTests(fixture.Backend, ownsBackend: false, sumsInDouble: false, peer: new ManagedCpuBackend(numberOfThreads: 2));

/// <summary>
/// The managed scatter-add gives the same bits at every thread count: each destination element gets its terms in
/// ascending i whatever the blocking. The data are order-sensitive (checked: summing in descending i changes some
/// element), and the sizes are above the parallel threshold, so a thread-count-dependent order would show.
/// </summary>
public sealed class ScatterAddRowsDeterminismTests
{
    [Theory]
    [InlineData(4099, 7, 33)]   // narrow rows: the parallel split is over row blocks
    [InlineData(257, 129, 33)]  // wide rows: column blocks (and row blocks at three threads)
    [InlineData(1031, 257, 7)]  // heavy repetition: ~150 terms per destination row
    public void TheSumsAreBitIdenticalAcrossRunsAndThreadCounts(int count, int columns, int destinationRows)
    {
        Assert.True((long)count * columns >= ManagedCpuBackend.ScatterAddParallelThreshold, "the case must take the parallel path");
        var rng = new Random(count + columns + destinationRows);
        float[] source = IndexingParityTests.OrderSensitiveValues(rng, count * columns);
        float[] indices = IndexingParityTests.Indices(rng, count, destinationRows, negativeShare: 0.05);
        float[] initial = BackendBuffers.Random(rng, destinationRows * columns);
        float[] ascending = IndexingParityTests.SequentialScatterAdd(source, indices, count, columns, initial);
        float[] descending = IndexingParityTests.SequentialScatterAdd(source, indices, count, columns, initial, descending: true);
        Assert.True(ascending.Where((v, i) => BitConverter.SingleToInt32Bits(v) != BitConverter.SingleToInt32Bits(descending[i])).Any(),
            "the data must be order-sensitive for this test to mean anything");

        foreach (int threads in new[] { 1, 2, 2, 3 })
        {
            using var backend = new ManagedCpuBackend(numberOfThreads: threads);
            using var buffers = new BackendBuffers(backend);
            DeviceBuffer s = buffers.Upload(source), idx = buffers.Upload(indices), d = buffers.Upload(initial);
            backend.ScatterAddRows(s, idx, count, columns, d, destinationRows);
            BackendBuffers.AssertBitIdentical(ascending, buffers.Download(d, destinationRows * columns),
                $"ScatterAddRows({count} rows of {columns} into {destinationRows}) on {threads} thread(s)");
        }
    }
}
