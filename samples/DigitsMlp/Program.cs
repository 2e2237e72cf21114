// Trains a multilayer perceptron on the handwritten digits (samples/data/digits.csv) with the Networks API,
// printing one progress line per epoch and the final test accuracy.
//
//   dotnet run -c Release --project samples/DigitsMlp -- [--epochs 40] [--device auto|cpu|gpu] [--threads 0] [--seed 42]
//
// Expected output (managed CPU backend, 2 threads; seconds vary):
//   Compute backend: Managed CPU (AVX-512, 2 threads), because Device = Auto found no usable GPU: ...
//   digits: 1438 train / 359 test rows, 64 features, 10 classes
//   ...
//   epoch 40/40  loss 0.0xxx  val_loss ...  val_accuracy ...
//   test accuracy: 0.97xx (359 rows)
using System.Globalization;
using MLNet.DeepExtensions;
using MLNet.DeepExtensions.Kernels;
using MLNet.DeepExtensions.Networks;
using MLNet.DeepExtensions.Networks.Data;
using MLNet.DeepExtensions.Networks.Layers;
using MLNet.DeepExtensions.Networks.Losses;
using MLNet.DeepExtensions.Networks.Training;

var settings = Settings.Parse(args);
using var backend = ComputeBackends.Create(settings.Device, settings.Threads, log: Console.WriteLine);

string dataPath = Path.Combine(FindRepositoryRoot(), "samples", "data", "digits.csv");
var table = CsvTable.Load(dataPath);
var (features, labels, width) = table.SplitLabel("label", featureScale: 1f / 16f); // pixels are 0..16
var all = new Dataset(features, new TensorShape(width), labels, targetWidth: 1, "digits");
var (trainRows, testRows) = StratifiedSplit.Split(labels, testFraction: 0.2, seed: 42);
var train = all.Subset(trainRows, "digits train");
var test = all.Subset(testRows, "digits test");
Console.WriteLine($"digits: {train.Count} train / {test.Count} test rows, {width} features, 10 classes");

using var model = new Sequential(
    new DenseLayer(128), new ActivationLayer(ActivationKind.Relu), new DropoutLayer(0.1f),
    new DenseLayer(64), new ActivationLayer(ActivationKind.Relu),
    new DenseLayer(10));
model.Build(backend, train.FeatureShape, settings.Seed);
Console.Write(model.Summary());

var loss = new SoftmaxCrossEntropyLoss();
var options = new TrainingOptions
{
    Epochs = settings.Epochs,
    BatchSize = 32,
    Seed = settings.Seed,
    ValidationFraction = 0.1f,
    Progress = new ConsoleProgress(),
};
var history = new NetworkTrainer(options).Fit(model, loss, train);
var (testLoss, accuracy) = NetworkTrainer.Evaluate(model, loss, test);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"test accuracy: {accuracy:F4} ({test.Count} rows), test loss {testLoss:F4}, {history.Epochs.Sum(e => e.Seconds):F2} s training"));

static string FindRepositoryRoot()
{
    foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "samples", "data", "digits.csv"))) return dir.FullName;
        }
    }
    throw new FileNotFoundException("samples/data/digits.csv not found above the current directory; run from the repository.");
}

/// <summary>Prints each epoch's report as it arrives, on the training thread.</summary>
internal sealed class ConsoleProgress : IProgress<EpochReport>
{
    public void Report(EpochReport value) => Console.WriteLine(value);
}

/// <summary>Command-line settings with their defaults.</summary>
internal sealed record Settings(int Epochs, ComputeDevice Device, int Threads, int Seed)
{
    public static Settings Parse(string[] args)
    {
        var settings = new Settings(40, ComputeDevice.Auto, 0, 42);
        for (int i = 0; i < args.Length; i++)
        {
            string value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"Option {args[i]} needs a value.");
            settings = args[i] switch
            {
                "--epochs" => settings with { Epochs = int.Parse(value, CultureInfo.InvariantCulture) },
                "--device" => settings with { Device = Enum.Parse<ComputeDevice>(value, ignoreCase: true) },
                "--threads" => settings with { Threads = int.Parse(value, CultureInfo.InvariantCulture) },
                "--seed" => settings with { Seed = int.Parse(value, CultureInfo.InvariantCulture) },
                _ => throw new ArgumentException($"Unknown option {args[i]}; expected --epochs, --device, --threads or --seed."),
            };
            i++;
        }
        return settings;
    }
}
