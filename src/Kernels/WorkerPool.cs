namespace MLNet.DeepExtensions.Kernels;

/// <summary>A unit of parallel work: <see cref="Execute"/> runs once for each index in [0, count).</summary>
internal abstract class ParallelJob
{
    /// <summary>Runs part <paramref name="index"/> of <paramref name="count"/>.</summary>
    public abstract void Execute(int index, int count);
}

/// <summary>
/// Persistent worker threads (STUB: runs on the caller's thread; the GEMM work replaces this with real workers
/// that do not allocate per call).
/// </summary>
internal sealed class WorkerPool : IDisposable
{
    public WorkerPool(int threadCount)
    {
        ThreadCount = threadCount <= 0 ? Environment.ProcessorCount : threadCount;
    }

    /// <summary>Number of threads that run jobs, the caller's included.</summary>
    public int ThreadCount { get; }

    /// <summary>Runs job.Execute(i, count) for i in [0, count) across the threads and returns when all are done.</summary>
    public void Run(ParallelJob job, int count)
    {
        for (int i = 0; i < count; i++) job.Execute(i, count);
    }

    public void Dispose()
    {
    }
}
