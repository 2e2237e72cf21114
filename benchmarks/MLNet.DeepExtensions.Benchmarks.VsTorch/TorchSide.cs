using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.DeepExtensions.Benchmarks.VsTorch;

/// <summary>The peer: TorchSharp-cpu 0.107 (libtorch 2.10) on CPU tensors, torch.set_num_threads(2).</summary>
internal static class TorchSide
{
    private static void Initialize()
    {
        torch.set_num_threads(Protocol.Threads);
        torch.manual_seed(Protocol.Seed);
    }

    private static string Describe() => $"TorchSharp {ProcessInfo.PackageVersion(typeof(torch))} (libtorch, CPU), {torch.get_num_threads()} threads";

    public static ChildResult Gemm()
    {
        Initialize();
        var result = new ChildResult { Workload = "gemm", Side = "torch", Description = Describe() + ", torch.matmul" };
        foreach (var shape in Protocol.GemmShapes)
        {
            var (m, k, n) = shape;
            using var a = torch.tensor(Protocol.RandomMatrix(m, k, 1), [m, k]);
            using var b = torch.tensor(Protocol.RandomMatrix(k, n, 2), [k, n]);
            result.GemmSecondsPerCall[Protocol.ShapeKey(shape)] = Protocol.TimeGemm(() =>
            {
                using var c = torch.matmul(a, b);
            });
        }
        return result;
    }

    private static nn.Module<Tensor, Tensor> Mlp() => nn.Sequential(
        nn.Linear(FashionMnist.Width, 256), nn.ReLU(),
        nn.Linear(256, 128), nn.ReLU(),
        nn.Linear(128, FashionMnist.Classes));

    private static nn.Module<Tensor, Tensor> Autoencoder() => nn.Sequential(
        nn.Linear(FashionMnist.Width, 128), nn.ReLU(),
        nn.Linear(128, 32), nn.ReLU(),
        nn.Linear(32, 128), nn.ReLU(),
        nn.Linear(128, FashionMnist.Width), nn.Sigmoid());

    private static nn.Module<Tensor, Tensor> Cnn() => nn.Sequential(
        nn.Conv2d(1, 32, 3, padding: 1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding: 1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(64 * 7 * 7, 128), nn.ReLU(),
        nn.Linear(128, FashionMnist.Classes));

    /// <summary>nn.LSTM or nn.GRU (batch first, one layer, 128 units) on 28 steps of 28 pixels; the last step's output feeds a Linear.</summary>
    private sealed class RecurrentClassifier : nn.Module<Tensor, Tensor>
    {
        private readonly TorchSharp.Modules.LSTM? _lstm;
        private readonly TorchSharp.Modules.GRU? _gru;
        private readonly TorchSharp.Modules.Linear _output;

        public RecurrentClassifier(string workload) : base(workload)
        {
            if (workload == "gru") _gru = nn.GRU(FashionMnist.Side, Protocol.RecurrentHidden, batchFirst: true);
            else _lstm = nn.LSTM(FashionMnist.Side, Protocol.RecurrentHidden, batchFirst: true);
            _output = nn.Linear(Protocol.RecurrentHidden, FashionMnist.Classes);
            RegisterComponents();
        }

        public override Tensor forward(Tensor input)
        {
            Tensor sequence = _lstm is not null ? _lstm.forward(input, null).Item1 : _gru!.forward(input, null).Item1;
            return _output.forward(sequence.select(1, -1));
        }
    }

    public static ChildResult Train(string workload, FashionMnist data)
    {
        Initialize();
        bool autoencoder = workload == "ae";
        int epochs = Protocol.Epochs(workload);
        int count = data.TrainCount;
        // The CNN sees each sample as a (1, 28, 28) image (NCHW), the recurrent networks as [28 steps, 28 features]
        // (batch first); the same 784 floats per row.
        long[] sample = workload == "cnn" ? [1, FashionMnist.Side, FashionMnist.Side]
            : Protocol.IsRecurrent(workload) ? [FashionMnist.Side, FashionMnist.Side]
            : [FashionMnist.Width];
        using var x = torch.tensor(data.TrainFeatures, [count, .. sample]);
        using var y = autoencoder ? x.alias() : torch.tensor(Array.ConvertAll(data.TrainLabels, l => (long)l), [count]);
        using var testX = torch.tensor(data.TestFeatures, [data.TestCount, .. sample]);
        using var model = workload switch { "ae" => Autoencoder(), "cnn" => Cnn(), "lstm" or "gru" => new RecurrentClassifier(workload), _ => Mlp() };
        using nn.Module<Tensor, Tensor, Tensor> lossFunction = autoencoder ? nn.MSELoss() : nn.CrossEntropyLoss();
        using var optimizer = torch.optim.Adam(model.parameters(), lr: Protocol.LearningRate);

        var epochSeconds = new double[epochs];
        long fitStart = Stopwatch.GetTimestamp();
        model.train();
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            long start = Stopwatch.GetTimestamp();
            double lossSum = 0;
            using (var epochScope = torch.NewDisposeScope())
            {
                var order = torch.randperm(count);
                for (int first = 0; first < count; first += Protocol.BatchSize)
                {
                    using var stepScope = torch.NewDisposeScope();
                    int n = Math.Min(Protocol.BatchSize, count - first);
                    var rows = order.narrow(0, first, n);
                    var batchX = x.index_select(0, rows);
                    var batchY = autoencoder ? batchX : y.index_select(0, rows);
                    optimizer.zero_grad();
                    var output = model.forward(batchX);
                    var loss = lossFunction.forward(output, batchY);
                    loss.backward();
                    optimizer.step();
                    lossSum += loss.item<float>() * n;
                }
            }
            epochSeconds[epoch] = Stopwatch.GetElapsedTime(start).TotalSeconds;
            if (!double.IsFinite(lossSum)) throw new InvalidOperationException($"TorchSharp {workload}: training loss is {lossSum} in epoch {epoch + 1}.");
        }
        double fitSeconds = Stopwatch.GetElapsedTime(fitStart).TotalSeconds;
        double peak = ProcessInfo.PeakResidentMiB();

        var result = new ChildResult
        {
            Workload = workload,
            Side = "torch",
            Description = Describe() + (Protocol.IsRecurrent(workload) ? $", nn.{workload.ToUpperInvariant()} + Linear + optim.Adam" : ", nn.Sequential + optim.Adam"),
            EpochSeconds = epochSeconds,
            FitSeconds = fitSeconds,
            PeakRssMiB = peak,
        };

        model.eval();
        float[] outputs = Forward(model, testX, data.TestCount);
        if (autoencoder) result.TestMse = Protocol.MeanSquaredError(outputs, data.TestFeatures);
        else result.Accuracy = Protocol.Accuracy(outputs, data.TestLabels, FashionMnist.Classes);

        // Inference: the forward pass over the test set in batches of 1024 (outputs stay tensors, as in ANCHORS).
        InferencePass(model, testX, data.TestCount);
        result.InferenceSamplesPerSecond = Protocol.InferenceRates(data.TestCount, () => InferencePass(model, testX, data.TestCount));
        return result;
    }

    private static void InferencePass(nn.Module<Tensor, Tensor> model, Tensor testX, int count)
    {
        using var noGrad = torch.no_grad();
        for (int first = 0; first < count; first += Protocol.InferenceBatch)
        {
            using var scope = torch.NewDisposeScope();
            int n = Math.Min(Protocol.InferenceBatch, count - first);
            model.forward(testX.narrow(0, first, n));
        }
    }

    private static float[] Forward(nn.Module<Tensor, Tensor> model, Tensor testX, int count)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        return model.forward(testX).data<float>().ToArray();
    }
}
