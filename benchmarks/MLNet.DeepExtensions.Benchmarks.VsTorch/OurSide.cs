using System.Diagnostics;
using MLNet.DeepExtensions.Kernels;
using MLNet.DeepExtensions.Kernels.Backends;
using MLNet.DeepExtensions.Networks;
using MLNet.DeepExtensions.Networks.Layers;
using MLNet.DeepExtensions.Networks.Losses;
using MLNet.DeepExtensions.Networks.Optimizers;
using MLNet.DeepExtensions.Networks.Training;

namespace MLNet.DeepExtensions.Benchmarks.VsTorch;

/// <summary>Our engine: the public ManagedCpuBackend and the Networks API, 2 threads.</summary>
internal static class OurSide
{
    public static ChildResult Gemm()
    {
        var result = new ChildResult { Workload = "gemm", Side = "ours" };
        using var backend = new ManagedCpuBackend(Protocol.Threads);
        result.Description = backend.Description + ", ComputeBackend.Gemm on DeviceBuffers";
        foreach (var shape in Protocol.GemmShapes)
        {
            var (m, k, n) = shape;
            using var a = backend.Allocate(m * k);
            using var b = backend.Allocate(k * n);
            using var c = backend.Allocate(m * n);
            backend.Upload(Protocol.RandomMatrix(m, k, 1), a);
            backend.Upload(Protocol.RandomMatrix(k, n, 2), b);
            result.GemmSecondsPerCall[Protocol.ShapeKey(shape)] =
                Protocol.TimeGemm(() => backend.Gemm(false, false, m, n, k, 1f, a, b, 0f, c));
        }
        return result;
    }

    public static Sequential Mlp() => new(
        new DenseLayer(256), new ActivationLayer(ActivationKind.Relu),
        new DenseLayer(128), new ActivationLayer(ActivationKind.Relu),
        new DenseLayer(FashionMnist.Classes));

    public static Sequential Autoencoder() => new(
        new DenseLayer(128), new ActivationLayer(ActivationKind.Relu),
        new DenseLayer(32), new ActivationLayer(ActivationKind.Relu),
        new DenseLayer(128), new ActivationLayer(ActivationKind.Relu),
        new DenseLayer(FashionMnist.Width), new ActivationLayer(ActivationKind.Sigmoid));

    // conv(1->32, 3x3, pad 1)-ReLU-maxpool2, conv(32->64, 3x3, pad 1)-ReLU-maxpool2, FC 3136->128-ReLU, FC 128->10.
    public static Sequential Cnn() => new(
        new Conv2DLayer(32, 3, padding: Conv2DPadding.Same), new ActivationLayer(ActivationKind.Relu), new MaxPool2DLayer(2),
        new Conv2DLayer(64, 3, padding: Conv2DPadding.Same), new ActivationLayer(ActivationKind.Relu), new MaxPool2DLayer(2),
        new FlattenLayer(),
        new DenseLayer(128), new ActivationLayer(ActivationKind.Relu),
        new DenseLayer(FashionMnist.Classes));

    // Each image as 28 steps of 28 pixels; the last hidden state feeds the classifier.
    public static Sequential Recurrent(string workload) => new(
        workload == "gru" ? new GruLayer(Protocol.RecurrentHidden) : new LstmLayer(Protocol.RecurrentHidden),
        new DenseLayer(FashionMnist.Classes));

    public static ChildResult Train(string workload, FashionMnist data)
    {
        bool autoencoder = workload == "ae";
        int epochs = Protocol.Epochs(workload);
        // The CNN sees each sample as a (1, 28, 28) image, the recurrent networks as (28 steps, 28 features); the same
        // 784 floats per row.
        var shape = workload == "cnn" ? new TensorShape(1, FashionMnist.Side, FashionMnist.Side)
            : Protocol.IsRecurrent(workload) ? new TensorShape(FashionMnist.Side, FashionMnist.Side)
            : new TensorShape(FashionMnist.Width);
        var train = autoencoder
            ? new Dataset(data.TrainFeatures, shape, data.TrainFeatures, FashionMnist.Width, "training data")
            : new Dataset(data.TrainFeatures, shape, Array.ConvertAll(data.TrainLabels, l => (float)l), 1, "training data");
        using var backend = new ManagedCpuBackend(Protocol.Threads);
        using var model = workload switch { "ae" => Autoencoder(), "cnn" => Cnn(), "lstm" or "gru" => Recurrent(workload), _ => Mlp() };
        model.Build(backend, shape, Protocol.Seed);
        using Loss loss = autoencoder ? new MeanSquaredErrorLoss() : new SoftmaxCrossEntropyLoss();
        var probe = new AllocationProbe(epochs);
        var trainer = new NetworkTrainer(new TrainingOptions
        {
            Epochs = epochs,
            BatchSize = Protocol.BatchSize,
            Optimizer = new AdamOptimizer(Protocol.LearningRate),
            Seed = Protocol.Seed,
            Progress = probe,
        });

        long start = Stopwatch.GetTimestamp();
        var history = trainer.Fit(model, loss, train);
        double fitSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        double peak = ProcessInfo.PeakResidentMiB();

        var result = new ChildResult
        {
            Workload = workload,
            Side = "ours",
            Description = backend.Description + ", Sequential + NetworkTrainer",
            EpochSeconds = history.Epochs.Select(e => e.Seconds).ToArray(),
            FitSeconds = fitSeconds,
            PeakRssMiB = peak,
        };
        int stepsPerEpoch = (train.Count + Protocol.BatchSize - 1) / Protocol.BatchSize;
        (result.AllocatedBytesPerStepThisThread, result.AllocatedBytesPerStepAllThreads) = probe.PerStep(stepsPerEpoch);

        float[] outputs = model.Predict(data.TestFeatures, data.TestCount, Protocol.InferenceBatch);
        if (autoencoder) result.TestMse = Protocol.MeanSquaredError(outputs, data.TestFeatures);
        else result.Accuracy = Protocol.Accuracy(outputs, data.TestLabels, FashionMnist.Classes);

        // Inference: the forward pass over the test set in batches of 1024 through the public Predict (host in, host out).
        model.Predict(data.TestFeatures, data.TestCount, Protocol.InferenceBatch);
        result.InferenceSamplesPerSecond = Protocol.InferenceRates(data.TestCount,
            () => model.Predict(data.TestFeatures, data.TestCount, Protocol.InferenceBatch));

        // The same passes on device buffers: the test set uploaded once, Forward on slices of 1024 rows (like the
        // peer's forward on narrowed tensors; no host copies in or out).
        using var testBuffer = backend.Allocate(data.TestFeatures.Length);
        backend.Upload(data.TestFeatures, testBuffer);
        model.EnsureCapacity(Protocol.InferenceBatch);
        ForwardPass(model, testBuffer, data.TestCount);
        result.DeviceInferenceSamplesPerSecond = Protocol.InferenceRates(data.TestCount, () => ForwardPass(model, testBuffer, data.TestCount));
        return result;
    }

    private static void ForwardPass(Sequential model, DeviceBuffer test, int count)
    {
        for (int first = 0; first < count; first += Protocol.InferenceBatch)
        {
            int n = Math.Min(Protocol.InferenceBatch, count - first);
            using var slice = test.Slice(first * FashionMnist.Width, n * FashionMnist.Width);
            model.Forward(slice, n, training: false);
        }
        model.Backend.Synchronize();
    }

    /// <summary>
    /// Reads the allocation counters at the end of epoch 1 and of the last epoch (the trainer reports each epoch
    /// synchronously on the training thread), so that epochs 2..N give the steady-state bytes per step.
    /// </summary>
    private sealed class AllocationProbe(int epochs) : IProgress<EpochReport>
    {
        private long _threadAfterFirst, _totalAfterFirst, _threadAfterLast, _totalAfterLast;

        public void Report(EpochReport value)
        {
            if (value.Epoch == 1)
            {
                _threadAfterFirst = GC.GetAllocatedBytesForCurrentThread();
                _totalAfterFirst = GC.GetTotalAllocatedBytes(precise: true);
            }
            if (value.Epoch == epochs)
            {
                _threadAfterLast = GC.GetAllocatedBytesForCurrentThread();
                _totalAfterLast = GC.GetTotalAllocatedBytes(precise: true);
            }
        }

        public (double? Thread, double? Total) PerStep(int stepsPerEpoch)
        {
            if (epochs < 2) return (null, null);
            double steps = (double)stepsPerEpoch * (epochs - 1);
            return ((_threadAfterLast - _threadAfterFirst) / steps, (_totalAfterLast - _totalAfterFirst) / steps);
        }
    }
}
