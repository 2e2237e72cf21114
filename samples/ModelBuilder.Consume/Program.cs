// Loads the digits model that samples/ModelBuilder.Train saved and predicts one image with a PredictionEngine, the way
// Model Builder's generated consumption code does.
//
//   dotnet run -c Release --project samples/ModelBuilder.Train   -- model.zip
//   dotnet run -c Release --project samples/ModelBuilder.Consume -- model.zip
//
// Expected output:
//   Loaded model.zip; input columns: Pixels (Vector<Single, 64>), Label (Single)
//   Predicted digit: 0 (actual 0)
//   Scores:
//     0: 0.99xx  <--
//     1: 0.00xx
//     ...
using System.Globalization;
using Microsoft.ML;
using MLNet.DeepExtensions.Samples.ModelBuilder;

string modelPath = args.Length > 0 ? args[0] : "model.zip";
if (!File.Exists(modelPath))
{
    Console.Error.WriteLine($"Model file '{Path.GetFullPath(modelPath)}' not found; train it first: dotnet run -c Release --project samples/ModelBuilder.Train -- {modelPath}");
    return 1;
}

var ml = new MLContext(seed: 0);
ITransformer model = ml.Model.Load(modelPath, out var inputSchema);
Console.WriteLine($"Loaded {modelPath}; input columns: {string.Join(", ", inputSchema.Select(c => $"{c.Name} ({c.Type})"))}");

using var engine = ml.Model.CreatePredictionEngine<ModelInput, ModelOutput>(model);

// The first row of samples/data/digits.csv: an 8×8 "0" (pixels 0..16; the model normalizes them itself).
var sample = new ModelInput
{
    Pixels =
    [
        0, 0, 5, 13, 9, 1, 0, 0,
        0, 0, 13, 15, 10, 15, 5, 0,
        0, 3, 15, 2, 0, 11, 8, 0,
        0, 4, 12, 0, 0, 8, 8, 0,
        0, 5, 8, 0, 0, 9, 8, 0,
        0, 4, 11, 0, 1, 12, 7, 0,
        0, 2, 14, 5, 10, 12, 0, 0,
        0, 0, 6, 13, 10, 0, 0, 0,
    ],
    Label = 0,
};
ModelOutput prediction = engine.Predict(sample);

var c = CultureInfo.InvariantCulture;
Console.WriteLine(string.Create(c, $"Predicted digit: {prediction.PredictedLabel} (actual {sample.Label})"));
Console.WriteLine("Scores:");
for (int digit = 0; digit < prediction.Score.Length; digit++)
{
    string marker = digit == (int)prediction.PredictedLabel ? "  <--" : "";
    Console.WriteLine(string.Create(c, $"  {digit}: {prediction.Score[digit]:F4}{marker}"));
}
return 0;
