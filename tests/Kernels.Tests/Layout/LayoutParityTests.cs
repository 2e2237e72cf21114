using MLNet.DeepExtensions.Kernels.Backends;
using MLNet.DeepExtensions.Kernels.Tests.Backends;

namespace MLNet.DeepExtensions.Kernels.Tests.Layout;

/// <summary>
/// The layout operations (<see cref="ComputeBackend.BatchToTimeMajor"/>, <see cref="ComputeBackend.TimeToBatchMajor"/>,
/// <see cref="ComputeBackend.ConcatColumns"/>, <see cref="ComputeBackend.SplitColumns"/>,
/// <see cref="ComputeBackend.ReverseSequences"/>) against expectations computed here from the index formulas, at awkward
/// sizes (batch 1/7/33, steps 1/7/33, features 1/7/129, rows up to 257). They only move data, so every backend must
/// match bit for bit; where a subclass names a peer backend, the backend must also match the peer's output bit for
/// bit (ILGPU's CPU accelerator vs the managed backend). Outputs start as NaN (every element must be written) and every
/// buffer ends in sentinels that must survive (only the counted elements are touched).
/// </summary>
public abstract class LayoutParityTests : IDisposable
{
    private readonly BackendBuffers _buffers;
    private readonly BackendBuffers? _peerBuffers;
    private readonly bool _ownsBackend;

    /// <summary>Tests <paramref name="backend"/> (disposed with the test when <paramref name="ownsBackend"/>), and
    /// compares it with <paramref name="peer"/> (always disposed with the test) when that is not null.</summary>
    protected LayoutParityTests(ComputeBackend backend, bool ownsBackend, ComputeBackend? peer)
    {
        _buffers = new BackendBuffers(backend);
        _peerBuffers = peer is null ? null : new BackendBuffers(peer);
        _ownsBackend = ownsBackend;
    }

    public static TheoryData<int, int, int> SequenceShapes()
    {
        var data = new TheoryData<int, int, int>();
        foreach (int batch in new[] { 1, 7, 33 })
        {
            foreach (int steps in new[] { 1, 7, 33 })
            {
                foreach (int features in new[] { 1, 7, 129 }) data.Add(batch, steps, features);
            }
        }
        data.Add(0, 7, 7);
        data.Add(7, 0, 7);
        return data;
    }

    [Theory]
    [MemberData(nameof(SequenceShapes), MemberType = typeof(LayoutParityTests))]
    public void BatchToTimeMajorMovesEachStepAndTimeToBatchMajorInvertsIt(int batch, int steps, int features)
    {
        int length = batch * steps * features;
        float[] x = BackendBuffers.Random(new Random(batch * 10_000 + steps * 100 + features), length);
        var expected = new float[length];
        for (int b = 0; b < batch; b++)
        {
            for (int t = 0; t < steps; t++)
            {
                for (int f = 0; f < features; f++) expected[(t * batch + b) * features + f] = x[(b * steps + t) * features + f];
            }
        }

        float[][] results = RunOnBoth(buffers =>
        {
            ComputeBackend backend = buffers.Backend;
            DeviceBuffer input = buffers.Upload(x), timeMajor = buffers.Output(length), back = buffers.Output(length);
            backend.BatchToTimeMajor(input, timeMajor, batch, steps, features);
            backend.TimeToBatchMajor(timeMajor, back, batch, steps, features);
            return [buffers.Download(timeMajor, length), buffers.Download(back, length)];
        });
        BackendBuffers.AssertBitIdentical(expected, results[0], $"BatchToTimeMajor({batch}, {steps}, {features})");
        BackendBuffers.AssertBitIdentical(x, results[1], $"TimeToBatchMajor after BatchToTimeMajor({batch}, {steps}, {features})");
    }

    [Theory]
    [MemberData(nameof(SequenceShapes), MemberType = typeof(LayoutParityTests))]
    public void TimeToBatchMajorMovesEachStepAndBatchToTimeMajorInvertsIt(int batch, int steps, int features)
    {
        int length = batch * steps * features;
        float[] x = BackendBuffers.Random(new Random(batch * 10_000 + steps * 100 + features + 1), length);
        var expected = new float[length];
        for (int t = 0; t < steps; t++)
        {
            for (int b = 0; b < batch; b++)
            {
                for (int f = 0; f < features; f++) expected[(b * steps + t) * features + f] = x[(t * batch + b) * features + f];
            }
        }

        float[][] results = RunOnBoth(buffers =>
        {
            ComputeBackend backend = buffers.Backend;
            DeviceBuffer input = buffers.Upload(x), batchMajor = buffers.Output(length), back = buffers.Output(length);
            backend.TimeToBatchMajor(input, batchMajor, batch, steps, features);
            backend.BatchToTimeMajor(batchMajor, back, batch, steps, features);
            return [buffers.Download(batchMajor, length), buffers.Download(back, length)];
        });
        BackendBuffers.AssertBitIdentical(expected, results[0], $"TimeToBatchMajor({batch}, {steps}, {features})");
        BackendBuffers.AssertBitIdentical(x, results[1], $"BatchToTimeMajor after TimeToBatchMajor({batch}, {steps}, {features})");
    }

    public static TheoryData<int, int, int> ConcatShapes() => new()
    {
        { 1, 1, 1 },
        { 7, 1, 33 },
        { 33, 7, 1 },
        { 33, 129, 7 },
        { 257, 7, 129 },
        { 257, 33, 33 },
        { 7, 0, 33 },
        { 33, 7, 0 },
        { 0, 7, 7 },
    };

    [Theory]
    [MemberData(nameof(ConcatShapes), MemberType = typeof(LayoutParityTests))]
    public void ConcatColumnsJoinsTheRowsAndSplitColumnsTakesThemApart(int rows, int aColumns, int bColumns)
    {
        int columns = aColumns + bColumns;
        var rng = new Random(rows * 10_000 + aColumns * 100 + bColumns);
        float[] a = BackendBuffers.Random(rng, rows * aColumns), b = BackendBuffers.Random(rng, rows * bColumns);
        float[] g = BackendBuffers.Random(rng, rows * columns);
        var expected = new float[rows * columns];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < aColumns; c++) expected[r * columns + c] = a[r * aColumns + c];
            for (int c = 0; c < bColumns; c++) expected[r * columns + aColumns + c] = b[r * bColumns + c];
        }

        float[][] results = RunOnBoth(buffers =>
        {
            ComputeBackend backend = buffers.Backend;
            DeviceBuffer da = buffers.Upload(a), db = buffers.Upload(b), joined = buffers.Output(rows * columns);
            DeviceBuffer splitA = buffers.Output(rows * aColumns), splitB = buffers.Output(rows * bColumns);
            DeviceBuffer dg = buffers.Upload(g), gA = buffers.Output(rows * aColumns), gB = buffers.Output(rows * bColumns);
            backend.ConcatColumns(da, aColumns, db, bColumns, joined, rows);
            backend.SplitColumns(joined, rows, aColumns, bColumns, splitA, splitB);
            backend.SplitColumns(dg, rows, aColumns, bColumns, gA, gB);
            return [buffers.Download(joined, rows * columns), buffers.Download(splitA, rows * aColumns), buffers.Download(splitB, rows * bColumns),
                buffers.Download(gA, rows * aColumns), buffers.Download(gB, rows * bColumns)];
        });
        string shape = $"({rows}, {aColumns} + {bColumns})";
        BackendBuffers.AssertBitIdentical(expected, results[0], $"ConcatColumns{shape}");
        BackendBuffers.AssertBitIdentical(a, results[1], $"SplitColumns{shape} a after ConcatColumns");
        BackendBuffers.AssertBitIdentical(b, results[2], $"SplitColumns{shape} b after ConcatColumns");

        // Split is the adjoint of concat: <concat(a, b), g> = <a, split(g).a> + <b, split(g).b>. Every product of two
        // floats is exact in double; only the order of the double sums differs, hence the 1e-12 relative bound.
        double left = 0, right = 0, scale = 0;
        for (int i = 0; i < g.Length; i++)
        {
            left += (double)results[0][i] * g[i];
            scale += Math.Abs((double)results[0][i] * g[i]);
        }
        for (int i = 0; i < a.Length; i++) right += (double)a[i] * results[3][i];
        for (int i = 0; i < b.Length; i++) right += (double)b[i] * results[4][i];
        Assert.True(Math.Abs(left - right) <= 1e-12 * scale, $"<concat(a, b), g> = {left:R} but <a, gA> + <b, gB> = {right:R} for {shape}.");
    }

    public static TheoryData<int, int, int, string> ReverseCases()
    {
        var data = new TheoryData<int, int, int, string>();
        foreach (int steps in new[] { 1, 7, 33 })
        {
            foreach (int features in new[] { 1, 7, 129 })
            {
                data.Add(7, steps, features, "ragged");
                data.Add(33, steps, features, "random");
                data.Add(7, steps, features, "full");
            }
        }
        data.Add(1, 33, 7, "ragged");
        data.Add(1, 7, 1, "full");
        data.Add(0, 7, 7, "full");
        return data;
    }

    /// <param name="lengthKind">"ragged": 0, steps, 1, steps − 1, ⌊steps/2⌋, then random; "random": uniform in
    /// [0, steps]; "full": no lengths buffer (every row full).</param>
    [Theory]
    [MemberData(nameof(ReverseCases), MemberType = typeof(LayoutParityTests))]
    public void ReverseSequencesReversesTheValidPrefixAndCopiesThePadding(int batch, int steps, int features, string lengthKind)
    {
        int length = batch * steps * features;
        var rng = new Random(batch * 10_000 + steps * 100 + features);
        float[] x = BackendBuffers.Random(rng, length);
        int[] lengths = Enumerable.Range(0, batch).Select(_ => rng.Next(steps + 1)).ToArray();
        if (lengthKind == "ragged")
        {
            int[] edges = [0, steps, 1, steps - 1, steps / 2];
            for (int b = 0; b < Math.Min(batch, edges.Length); b++) lengths[b] = Math.Max(edges[b], 0);
        }
        else if (lengthKind == "full")
        {
            Array.Fill(lengths, steps);
        }
        float[]? lengthValues = lengthKind == "full" ? null : lengths.Select(l => (float)l).ToArray();

        var expected = new float[length];
        for (int b = 0; b < batch; b++)
        {
            for (int t = 0; t < steps; t++)
            {
                int source = t < lengths[b] ? lengths[b] - 1 - t : t;
                for (int f = 0; f < features; f++) expected[(b * steps + t) * features + f] = x[(b * steps + source) * features + f];
            }
        }

        float[][] results = RunOnBoth(buffers =>
        {
            ComputeBackend backend = buffers.Backend;
            DeviceBuffer input = buffers.Upload(x), reversed = buffers.Output(length), back = buffers.Output(length);
            DeviceBuffer? l = lengthValues is null ? null : buffers.Upload(lengthValues);
            backend.ReverseSequences(input, reversed, batch, steps, features, l);
            backend.ReverseSequences(reversed, back, batch, steps, features, l);
            return [buffers.Download(reversed, length), buffers.Download(back, length)];
        });
        string what = $"ReverseSequences({batch}, {steps}, {features}, lengths [{string.Join(", ", lengths.Take(6))}{(batch > 6 ? ", …" : "")}])";
        BackendBuffers.AssertBitIdentical(expected, results[0], what);
        // Its own inverse (and, being a symmetric permutation, its own adjoint).
        BackendBuffers.AssertBitIdentical(x, results[1], what + " twice");
    }

    private float[][] RunOnBoth(Func<BackendBuffers, float[][]> run) => BackendBuffers.RunOnBoth(_buffers, _peerBuffers, run);

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

/// <summary>The managed CPU backend (two threads) against the index formulas.</summary>
public sealed class ManagedLayoutParityTests() : LayoutParityTests(new ManagedCpuBackend(numberOfThreads: 2), ownsBackend: true, peer: null);

/// <summary>The double-precision reference backend against the index formulas (a move is exact in double too).</summary>
public sealed class ReferenceLayoutParityTests() : LayoutParityTests(new ReferenceBackend(), ownsBackend: true, peer: null);

/// <summary>
/// The ILGPU kernels on ILGPU's CPU accelerator (<see cref="IlgpuCpuAcceleratorFixture"/>, shared) against the index
/// formulas and, bit for bit, against the managed CPU backend.
/// </summary>
[Collection(IlgpuCpuAcceleratorCollection.Name)]
public sealed class IlgpuCpuLayoutParityTests(IlgpuCpuAcceleratorFixture fixture)
    : LayoutParityTests(fixture.Backend, ownsBackend: false, peer: new ManagedCpuBackend(numberOfThreads: 2));
