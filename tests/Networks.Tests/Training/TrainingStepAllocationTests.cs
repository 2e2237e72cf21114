using MLNet.DeepExtensions.Networks.Layers;
using MLNet.DeepExtensions.Networks.Losses;
using MLNet.DeepExtensions.Networks.Optimizers;
using MLNet.DeepExtensions.Networks.Training;

namespace MLNet.DeepExtensions.Networks.Tests.Training;

/// <summary>
/// A training step in steady state allocates nothing on the managed heap (allocation and page churn cost more than
/// the arithmetic on the target machines): after warm-up, 20 steps of the trainer's own step on the managed CPU
/// backend, with its worker threads, must not move the allocated-bytes counters.
/// </summary>
/// <remarks>Runs alone (its own collection, parallelization off): the process-wide counter would see other tests' allocations.</remarks>
[Collection(nameof(TrainingStepAllocationTests))]
public sealed class TrainingStepAllocationTests
{
    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void SteadyStateStepAllocatesNothing(bool regularizedAndClipped, bool convolutional)
    {
        using var backend = new ManagedCpuBackend(numberOfThreads: 2);
        var (train, _) = TestData.Digits;
        if (convolutional) train = new Dataset(train.Features, new TensorShape(1, 8, 8), train.Targets, train.TargetWidth, "digits images");
        using var model = convolutional
            ? new Sequential(
                new Conv2DLayer(8, 3, padding: 1), new ActivationLayer(ActivationKind.Relu),
                new ResidualBlock([new Conv2DLayer(8, 3, padding: 1), new BatchNorm2DLayer(), new ActivationLayer(ActivationKind.Relu), new Conv2DLayer(8, 3, padding: 1)]),
                new ResidualBlock([new Conv2DLayer(8, 3, stride: 2, padding: 1), new DropoutLayer(0.2f)], [new Conv2DLayer(8, 1, stride: 2)]),
                new Conv2DTransposeLayer(4, 3, stride: 2, padding: 1, outputPadding: 1), new FlattenLayer(), new DenseLayer(10))
            : new Sequential(
                new DenseLayer(128), new ActivationLayer(ActivationKind.Relu),
                new DenseLayer(64), new BatchNormLayer(), new ActivationLayer(ActivationKind.Sigmoid), new DropoutLayer(0.2f),
                new DenseLayer(10));
        model.Build(backend, train.FeatureShape, seed: 1);
        using var loss = new SoftmaxCrossEntropyLoss(labelSmoothing: 0.1f);
        using var optimizer = new AdamOptimizer { L2Regularization = regularizedAndClipped ? 1e-4f : 0f, WeightDecay = regularizedAndClipped ? 1e-3f : 0f };
        const int batchSize = 128;
        using var step = new TrainingStep(model, loss, optimizer, train, batchSize, regularizedAndClipped ? 1f : 0f, regularizedAndClipped ? 5f : 0f);
        AssertSteadyStateAllocatesNothing(step, train.Count, batchSize, shortBatch: null);
    }

    /// <summary>
    /// The same for a plain CNN on the digits as (1, 8, 8) images with max pooling, and a short minibatch (96) every
    /// fifth step, as at the end of an epoch: the convolutions' per-thread GEMMs, patch matrices and weight-gradient
    /// partials are grown on first use and then reused for the smaller groups too, and the convolution and pooling
    /// tasks run on both threads.
    /// </summary>
    [Fact]
    public void SteadyStateConvolutionStepAllocatesNothing()
    {
        using var backend = new ManagedCpuBackend(numberOfThreads: 2);
        var (digits, _) = TestData.Digits;
        var train = new Dataset(digits.Features, new TensorShape(1, 8, 8), digits.Targets, digits.TargetWidth, "digits images");
        using var model = new Sequential(
            new Conv2DLayer(8, 3, padding: Conv2DPadding.Same), new ActivationLayer(ActivationKind.Relu), new MaxPool2DLayer(2),
            new Conv2DLayer(16, 3, padding: Conv2DPadding.Same), new ActivationLayer(ActivationKind.Relu), new MaxPool2DLayer(2),
            new FlattenLayer(), new DenseLayer(10));
        model.Build(backend, train.FeatureShape, seed: 1);
        using var loss = new SoftmaxCrossEntropyLoss();
        using var optimizer = new AdamOptimizer();
        const int batchSize = 128;
        using var step = new TrainingStep(model, loss, optimizer, train, batchSize, 0f, 0f);
        AssertSteadyStateAllocatesNothing(step, train.Count, batchSize, shortBatch: 96);
    }

    /// <summary>
    /// Runs 30 warm-up steps (JIT, optimizer state, tiered recompilation of the hot loops), then three rounds of 20
    /// steps that must allocate nothing on this thread and next to nothing across threads. With
    /// <paramref name="shortBatch"/>, every fifth step takes that many rows, as at the end of an epoch.
    /// </summary>
    private static void AssertSteadyStateAllocatesNothing(TrainingStep step, int rows, int batchSize, int? shortBatch)
    {
        var order = Enumerable.Range(0, rows).ToArray();
        Dataset.Shuffle(order, new Random(3));
        long stepIndex = 0;
        double lossSum = 0;
        void Steps(int count)
        {
            for (int i = 0; i < count; i++)
            {
                int size = shortBatch is { } small && stepIndex % 5 == 4 ? small : batchSize;
                int start = (int)(stepIndex * batchSize % (rows - batchSize));
                lossSum += step.Forward(order.AsSpan(start, size), stepIndex++);
                step.BackwardAndUpdate(1e-3f);
            }
        }

        Steps(30);
        // Three measured rounds: a per-step allocation shows in every round, while the test host's own threads
        // (result reporting) allocate only now and then, so the cross-thread bound uses the quietest round.
        var totals = new List<long>();
        for (int round = 0; round < 3; round++)
        {
            long thread0 = GC.GetAllocatedBytesForCurrentThread();
            long total0 = GC.GetTotalAllocatedBytes(precise: true);
            Steps(20);
            long threadBytes = GC.GetAllocatedBytesForCurrentThread() - thread0;
            totals.Add(GC.GetTotalAllocatedBytes(precise: true) - total0);
            Assert.Equal(0, threadBytes);
        }

        Assert.True(double.IsFinite(lossSum));
        // Across threads (the GEMM's workers included): 20 steps x even one small object each would be ~500 bytes.
        Assert.True(totals.Min() < 400, $"bytes allocated across threads in 20 steps, per round: {string.Join(", ", totals)}.");
    }
}

/// <summary>Keeps <see cref="TrainingStepAllocationTests"/> from running beside other test classes.</summary>
[CollectionDefinition(nameof(TrainingStepAllocationTests), DisableParallelization = true)]
public sealed class TrainingStepAllocationCollection
{
}
