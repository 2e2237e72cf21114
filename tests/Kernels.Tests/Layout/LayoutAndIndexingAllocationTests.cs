using MLNet.DeepExtensions.Kernels.Backends;
using MLNet.DeepExtensions.Kernels.Tests.Indexing;

namespace MLNet.DeepExtensions.Kernels.Tests.Layout;

/// <summary>
/// The managed backend's layout and indexing operations allocate nothing per call (as the other ops, see
/// <see cref="ManagedCpuBackendAllocationTests"/>): after a warm-up round, a second round allocates nothing on the
/// calling thread, the parallel scatter-add (two threads, above its threshold) included.
/// </summary>
public sealed class LayoutAndIndexingAllocationTests
{
    [Fact]
    public void LayoutAndIndexingOpsDoNotAllocateAfterWarmUp()
    {
        using var backend = new ManagedCpuBackend(numberOfThreads: 2);
        const int batch = 7, steps = 33, features = 129, rows = batch * steps;
        const int length = batch * steps * features;
        Assert.True(rows * features >= ManagedCpuBackend.ScatterAddParallelThreshold, "the scatter-add must take the parallel path");
        DeviceBuffer x = backend.Allocate(length), y = backend.Allocate(length), z = backend.Allocate(2 * length);
        DeviceBuffer lengths = backend.Allocate(batch), indices = backend.Allocate(rows), table = backend.Allocate(33 * features);
        backend.Upload(BackendBuffers.Random(new Random(1), length), x);
        backend.Upload([0f, 33f, 1f, 32f, 16f, 5f, 7f], lengths);
        backend.Upload(IndexingParityTests.Indices(new Random(2), rows, 33, negativeShare: 0.1), indices);
        var host = new float[length];

        void Round()
        {
            backend.BatchToTimeMajor(x, y, batch, steps, features);
            backend.TimeToBatchMajor(y, x, batch, steps, features);
            backend.ConcatColumns(x, features, y, features, z, rows);
            backend.SplitColumns(z, rows, features, features, x, y);
            backend.ReverseSequences(x, y, batch, steps, features, lengths);
            backend.ReverseSequences(y, x, batch, steps, features, null);
            backend.GatherRowsByIndex(table, 33, features, indices, rows, y);
            backend.ScatterAddRows(y, indices, rows, features, table, 33);
            backend.Download(x, host);
        }

        Round();
        long before = GC.GetAllocatedBytesForCurrentThread();
        Round();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated == 0, $"one round of layout and indexing ops allocated {allocated} bytes");
    }
}
