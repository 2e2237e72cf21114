using MLNet.DeepExtensions.Kernels.Backends;
using MLNet.DeepExtensions.Kernels.Tests.Backends;
using MLNet.DeepExtensions.Kernels.Tests.Indexing;

namespace MLNet.DeepExtensions.Kernels.Tests.Layout;

/// <summary>
/// The layout and indexing kernels on the first GPU ILGPU finds against the managed CPU backend, bit for bit (data
/// movement, and a scatter-add that sums each element's terms in ascending order on both). Every test skips visibly
/// (<see cref="GpuFactAttribute"/>) where there is no GPU.
/// </summary>
public sealed class GpuLayoutAndIndexingTests : IClassFixture<GpuBackendFixture>, IDisposable
{
    private readonly BackendBuffers _gpu;
    private readonly BackendBuffers _managed = new(new ManagedCpuBackend(numberOfThreads: 2));

    public GpuLayoutAndIndexingTests(GpuBackendFixture fixture) => _gpu = new BackendBuffers(fixture.Backend);

    public void Dispose()
    {
        _gpu.Dispose();
        _managed.Dispose();
        _managed.Backend.Dispose();
    }

    [GpuFact]
    public void LayoutOpsMatchManagedBitForBit()
    {
        foreach ((int batch, int steps, int features) in new[] { (1, 1, 1), (7, 33, 129), (33, 7, 1), (257, 33, 7) })
        {
            var rng = new Random(batch * 10_000 + steps * 100 + features);
            int length = batch * steps * features;
            float[] x = BackendBuffers.Random(rng, length);
            float[] lengths = Enumerable.Range(0, batch).Select(b => (float)(b == 0 ? 0 : b == 1 ? steps : rng.Next(steps + 1))).ToArray();
            BackendBuffers.RunOnBoth(_gpu, _managed, buffers =>
            {
                ComputeBackend backend = buffers.Backend;
                DeviceBuffer input = buffers.Upload(x), timeMajor = buffers.Output(length), back = buffers.Output(length);
                DeviceBuffer reversed = buffers.Output(length), joined = buffers.Output(2 * length), a = buffers.Output(length), b = buffers.Output(length);
                DeviceBuffer l = buffers.Upload(lengths);
                backend.BatchToTimeMajor(input, timeMajor, batch, steps, features);
                backend.TimeToBatchMajor(timeMajor, back, batch, steps, features);
                backend.ReverseSequences(input, reversed, batch, steps, features, l);
                backend.ConcatColumns(input, features, reversed, features, joined, batch * steps);
                backend.SplitColumns(joined, batch * steps, features, features, a, b);
                return [buffers.Download(timeMajor, length), buffers.Download(back, length), buffers.Download(reversed, length),
                    buffers.Download(joined, 2 * length), buffers.Download(a, length), buffers.Download(b, length)];
            });
        }
    }

    [GpuFact]
    public void IndexingOpsMatchManagedBitForBit()
    {
        foreach ((int count, int columns, int rows) in new[] { (1, 1, 1), (257, 129, 33), (4099, 7, 33), (33, 7, 257) })
        {
            var rng = new Random(count * 10_000 + columns * 100 + rows);
            float[] table = BackendBuffers.Random(rng, rows * columns);
            float[] source = IndexingParityTests.OrderSensitiveValues(rng, count * columns);
            float[] indices = IndexingParityTests.Indices(rng, count, rows, negativeShare: 0.125);
            BackendBuffers.RunOnBoth(_gpu, _managed, buffers =>
            {
                DeviceBuffer t = buffers.Upload(table), idx = buffers.Upload(indices), gathered = buffers.Output(count * columns);
                DeviceBuffer s = buffers.Upload(source);
                buffers.Backend.GatherRowsByIndex(t, rows, columns, idx, count, gathered);
                buffers.Backend.ScatterAddRows(s, idx, count, columns, t, rows);
                return [buffers.Download(gathered, count * columns), buffers.Download(t, rows * columns)];
            });
        }
    }
}
