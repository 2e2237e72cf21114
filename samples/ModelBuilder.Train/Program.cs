// Trains the digits model (samples/data/digits.csv) with DeepMlp in a Model Builder-style pipeline, evaluates it on a
// held-out 20%, and saves it as model.zip for samples/ModelBuilder.Consume.
//
//   dotnet run -c Release --project samples/ModelBuilder.Train -- [model.zip]
//
// Expected output (seconds vary):
//   Training on 1438 rows, evaluating on 359 (TrainTestSplit, seed 0) ...
//   Test micro-accuracy 0.98xx, macro-accuracy 0.98xx, log-loss 0.0xxx (training x.x s)
//   Saved model.zip (xxx KB)
using Microsoft.ML.Data;
using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using MLNet.DeepExtensions.Samples.ModelBuilder;

string modelPath = args.Length > 0 ? args[0] : "model.zip";
string dataPath = Path.Combine(AppContext.BaseDirectory, "data", "digits.csv");

var ml = new MLContext(seed: 0);
IDataView data = ml.Data.LoadFromTextFile<ModelInput>(dataPath, separatorChar: ',', hasHeader: true);
var split = ml.Data.TrainTestSplit(data, testFraction: 0.2, seed: 0);
long trainRows = split.TrainSet.GetColumn<float>("Label").LongCount();
long testRows = split.TestSet.GetColumn<float>("Label").LongCount();
Console.WriteLine($"Training on {trainRows} rows, evaluating on {testRows} (TrainTestSplit, seed 0) ...");

var clock = Stopwatch.StartNew();
ITransformer model = DigitsModel.BuildPipeline(ml).Fit(split.TrainSet);
double seconds = clock.Elapsed.TotalSeconds;

var metrics = ml.MulticlassClassification.Evaluate(model.Transform(split.TestSet));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"Test micro-accuracy {metrics.MicroAccuracy:F4}, macro-accuracy {metrics.MacroAccuracy:F4}, log-loss {metrics.LogLoss:F4} (training {seconds:F1} s)"));

Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(modelPath))!);
ml.Model.Save(model, data.Schema, modelPath);
Console.WriteLine($"Saved {modelPath} ({new FileInfo(modelPath).Length / 1024} KB)");
return 0;
