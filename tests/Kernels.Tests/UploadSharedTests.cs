using MLNet.DeepExtensions.Kernels.Backends;

namespace MLNet.DeepExtensions.Kernels.Tests;

/// <summary><see cref="ComputeBackend.UploadShared"/>: the managed backend shares the caller's array, others copy it.</summary>
public sealed class UploadSharedTests
{
    [Fact]
    public void ManagedBackendSharesTheArrayAndOpsReadIt()
    {
        using var backend = new ManagedCpuBackend(numberOfThreads: 2);
        float[] data = [1, 2, 3, 4, 5, 6];
        using var shared = backend.UploadShared(data);
        using var gathered = backend.Allocate(4);
        backend.GatherRows(shared, 2, [2, 0], gathered);
        var host = new float[4];
        backend.Download(gathered, host);
        Assert.Equal([5f, 6f, 1f, 2f], host);
        data[0] = 10f; // shared, not copied
        backend.GatherRows(shared, 2, [0], gathered);
        backend.Download(gathered, host.AsSpan(0, 2));
        Assert.Equal(10f, host[0]);
    }

    [Fact]
    public void ReferenceBackendCopies()
    {
        using var backend = new ReferenceBackend();
        float[] data = [1, 2, 3];
        using var copy = backend.UploadShared(data);
        data[0] = 10f;
        var host = new float[3];
        backend.Download(copy, host);
        Assert.Equal([1f, 2f, 3f], host);
    }
}
