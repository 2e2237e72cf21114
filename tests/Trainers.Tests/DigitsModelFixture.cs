using Microsoft.ML;
using MLNet.DeepExtensions.Networks.Training;

namespace MLNet.DeepExtensions.Trainers.Tests;

/// <summary>One multiclass DeepMlp pipeline fitted on the digits training rows, shared by the tests that only read it.</summary>
public sealed class DigitsModelFixture : IDisposable
{
    public DigitsModelFixture()
    {
        Ml = new MLContext(seed: 0);
        Ml.Log += (_, e) =>
        {
            if (e.Source.StartsWith("DeepMlp", StringComparison.Ordinal)) lock (LogLines) LogLines.Add(e.Message);
        };
        (Train, Test) = TestData.Digits(Ml);
        Options = new DeepMlpTrainer.Options { HiddenLayers = [64], Epochs = 12, BatchSize = 32, Seed = 3, Progress = new SynchronousProgress<EpochReport>(Reports.Add) };
        Pipeline = Ml.Transforms.Conversion.MapValueToKey("Label").Append(Ml.MulticlassClassification.Trainers.DeepMlp(Options));
        Model = Pipeline.Fit(Train);
    }

    public MLContext Ml { get; }
    public IDataView Train { get; }
    public IDataView Test { get; }
    public DeepMlpTrainer.Options Options { get; }
    public Microsoft.ML.Data.EstimatorChain<DeepMlpTransformer> Pipeline { get; }
    public Microsoft.ML.Data.TransformerChain<DeepMlpTransformer> Model { get; }
    public DeepMlpTransformer Deep => Model.LastTransformer;
    public List<EpochReport> Reports { get; } = new();
    public List<string> LogLines { get; } = new();

    public void Dispose() => Deep.Dispose();
}
