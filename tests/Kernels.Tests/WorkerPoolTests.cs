namespace MLNet.DeepExtensions.Kernels.Tests;

/// <summary>Behaviour of <see cref="WorkerPool"/>: every index once, exceptions reach the caller, reuse.</summary>
public sealed class WorkerPoolTests
{
    private sealed class CountingJob(int count) : ParallelJob
    {
        public readonly int[] Hits = new int[count];
        public readonly HashSet<int> Threads = [];

        public override void Execute(int index, int count)
        {
            Interlocked.Increment(ref Hits[index]);
            lock (Threads) Threads.Add(Environment.CurrentManagedThreadId);
            Thread.SpinWait(2000);
        }
    }

    private sealed class ThrowingJob(int failing) : ParallelJob
    {
        public override void Execute(int index, int count)
        {
            if (index == failing) throw new InvalidOperationException($"index {index} failed");
        }
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(2, 37)]
    [InlineData(3, 5)]
    public void RunsEveryIndexExactlyOnce(int threads, int count)
    {
        using var pool = new WorkerPool(threads);
        Assert.Equal(threads, pool.ThreadCount);
        for (int repeat = 0; repeat < 200; repeat++)
        {
            var job = new CountingJob(count);
            pool.Run(job, count);
            Assert.All(job.Hits, hits => Assert.Equal(1, hits));
        }
    }

    [Fact]
    public void WorkersWakeAfterBlocking()
    {
        using var pool = new WorkerPool(2);
        for (int repeat = 0; repeat < 3; repeat++)
        {
            Thread.Sleep(50); // long enough for idle workers to stop spinning and block
            var job = new CountingJob(8);
            pool.Run(job, 8);
            Assert.All(job.Hits, hits => Assert.Equal(1, hits));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(6)]
    public void ExceptionReachesCallerAndPoolStaysUsable(int failing)
    {
        using var pool = new WorkerPool(2);
        var error = Assert.Throws<InvalidOperationException>(() => pool.Run(new ThrowingJob(failing), 7));
        Assert.Equal($"index {failing} failed", error.Message);

        var job = new CountingJob(4);
        pool.Run(job, 4);
        Assert.All(job.Hits, hits => Assert.Equal(1, hits));
    }

    [Fact]
    public void NestedRunExecutesInline()
    {
        using var pool = new WorkerPool(2);
        var inner = new CountingJob(3);
        pool.Run(new NestedJob(pool, inner), 2);
        Assert.All(inner.Hits, hits => Assert.Equal(2, hits));
    }

    [Fact]
    public void ZeroOrNegativeThreadCountMeansProcessorCount()
    {
        using var pool = new WorkerPool(0);
        Assert.Equal(Environment.ProcessorCount, pool.ThreadCount);
    }

    private sealed class NestedJob(WorkerPool pool, CountingJob inner) : ParallelJob
    {
        public override void Execute(int index, int count) => pool.Run(inner, inner.Hits.Length);
    }
}
