using System.Runtime.ExceptionServices;

namespace MLNet.DeepExtensions.Kernels;

/// <summary>A unit of parallel work: <see cref="Execute"/> runs once for each index in [0, count).</summary>
/// <remarks>
/// Indices are claimed dynamically: one thread may run several indices one after another, so a job must not
/// make one index wait for another (no barriers between indices). Different indices may run concurrently.
/// </remarks>
internal abstract class ParallelJob
{
    /// <summary>Runs part <paramref name="index"/> of <paramref name="count"/>.</summary>
    public abstract void Execute(int index, int count);
}

/// <summary>
/// Persistent worker threads: <see cref="ThreadCount"/> − 1 background threads plus the calling thread run the
/// indices of a <see cref="ParallelJob"/>. <see cref="Run"/> allocates nothing; idle workers spin briefly (so
/// back-to-back jobs, e.g. the blocks of one GEMM, hand off in well under a microsecond) and then block.
/// </summary>
/// <remarks>
/// One job at a time: a <see cref="Run"/> issued while another is in progress (from a job, or from a second
/// thread) runs inline on its caller instead of deadlocking.
/// </remarks>
internal sealed class WorkerPool : IDisposable
{
    // How long an idle worker polls for the next job before blocking. Roughly 20-50 µs on current x64 cores:
    // long enough to cover the gap between consecutive kernels of a training step, short enough not to burn
    // a shared core when the pool is idle.
    private const int IdleSpinIterations = 2_000;

    private readonly Thread[] _threads;
    private readonly object _sleepLock = new();

    // The published job. _state packs (generation << 32) | next unclaimed index; _job and _count are written
    // before the generation is bumped, and an index is claimed by CAS on _state, so a late worker can never
    // run an index of one generation against the job of another.
    private ParallelJob? _job;
    private int _count;
    private long _state;
    private int _completed;
    private int _sleepers;
    private int _busy;
    private Exception? _error;
    private volatile bool _disposed;

    /// <summary>Starts <paramref name="threadCount"/> − 1 worker threads.</summary>
    /// <param name="threadCount">Threads that run jobs, the caller's included; 0 or less means
    /// <see cref="Environment.ProcessorCount"/>.</param>
    public WorkerPool(int threadCount)
    {
        ThreadCount = threadCount <= 0 ? Environment.ProcessorCount : threadCount;
        _threads = new Thread[ThreadCount - 1];
        for (int i = 0; i < _threads.Length; i++)
        {
            _threads[i] = new Thread(WorkerLoop)
            {
                IsBackground = true,
                Name = $"DeepExtensions worker {i + 1}",
            };
            _threads[i].Start();
        }
    }

    /// <summary>Number of threads that run jobs, the caller's included.</summary>
    public int ThreadCount { get; }

    /// <summary>
    /// Runs job.Execute(i, count) for i in [0, count) across the threads and returns when all are done. The first
    /// exception thrown by any index is rethrown here (remaining unstarted indices are skipped).
    /// </summary>
    /// <param name="job">The work; its indices may run concurrently on different threads.</param>
    /// <param name="count">Number of indices; 0 or less does nothing.</param>
    public void Run(ParallelJob job, int count)
    {
        ArgumentNullException.ThrowIfNull(job);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (count <= 0) return;
        if (count == 1 || _threads.Length == 0 || Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            // Nothing to share, no workers, or the pool is already running a job (nested or concurrent use).
            for (int i = 0; i < count; i++) job.Execute(i, count);
            return;
        }

        try
        {
            _job = job;
            _count = count;
            _error = null;
            Volatile.Write(ref _completed, 0);
            long generation = (Volatile.Read(ref _state) >> 32) + 1;
            // Full fence: publishes the job before the new generation, and orders it before reading _sleepers
            // (pairs with the increment of _sleepers in WorkerLoop, so a worker going to sleep cannot miss it).
            Interlocked.Exchange(ref _state, generation << 32);
            if (Volatile.Read(ref _sleepers) > 0)
            {
                lock (_sleepLock) Monitor.PulseAll(_sleepLock);
            }

            RunIndices(job, count, generation);

            // The remaining indices are already running on workers: spin (yielding, never sleeping 1 ms).
            var spinner = new SpinWait();
            while (Volatile.Read(ref _completed) < count) spinner.SpinOnce(sleep1Threshold: -1);

            Exception? error = _error;
            _job = null;
            _error = null;
            if (error is not null) ExceptionDispatchInfo.Throw(error);
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    /// <summary>Claims and runs indices of generation <paramref name="generation"/> until none is left.</summary>
    private void RunIndices(ParallelJob job, int count, long generation)
    {
        while (true)
        {
            long state = Volatile.Read(ref _state);
            int index = (int)(state & 0xFFFF_FFFF);
            if ((state >> 32) != generation || index >= count) return;
            if (Interlocked.CompareExchange(ref _state, state + 1, state) != state) continue;
            try
            {
                if (Volatile.Read(ref _error) is null) job.Execute(index, count);
            }
            catch (Exception ex)
            {
                Interlocked.CompareExchange(ref _error, ex, null);
            }
            finally
            {
                Interlocked.Increment(ref _completed);
            }
        }
    }

    private void WorkerLoop()
    {
        long seen = 0;
        while (true)
        {
            long generation = WaitForGeneration(seen);
            if (generation < 0) return;
            seen = generation;
            // The job of this generation stays published until every index completes, and a claim succeeds only
            // while the generation is current, so reading the job after the generation is safe.
            ParallelJob? job = Volatile.Read(ref _job);
            int count = Volatile.Read(ref _count);
            if (job is not null) RunIndices(job, count, generation);
        }
    }

    /// <summary>Spins, then blocks, until a generation other than <paramref name="seen"/> is published; −1 on dispose.</summary>
    private long WaitForGeneration(long seen)
    {
        for (int i = 0; i < IdleSpinIterations; i++)
        {
            if (_disposed) return -1;
            long generation = Volatile.Read(ref _state) >> 32;
            if (generation != seen) return generation;
            Thread.SpinWait(8);
        }

        lock (_sleepLock)
        {
            Interlocked.Increment(ref _sleepers);
            try
            {
                while (true)
                {
                    if (_disposed) return -1;
                    long generation = Volatile.Read(ref _state) >> 32;
                    if (generation != seen) return generation;
                    Monitor.Wait(_sleepLock);
                }
            }
            finally
            {
                Interlocked.Decrement(ref _sleepers);
            }
        }
    }

    /// <summary>Stops the worker threads (after the job in progress, if any).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        lock (_sleepLock) Monitor.PulseAll(_sleepLock);
        foreach (Thread thread in _threads)
        {
            if (thread != Thread.CurrentThread) thread.Join(TimeSpan.FromSeconds(5));
        }
    }
}
