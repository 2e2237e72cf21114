using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace MLNet.DeepExtensions.Trainers.Tests;

/// <summary>
/// The multiclass DeepMlp as an ML.NET user meets it: Fit in a pipeline, Evaluate, PredictionEngine, CrossValidate,
/// Save/Load (also in another process), ONNX export, progress and logging.
/// </summary>
public sealed class DeepMlpMulticlassTests(DigitsModelFixture fixture) : IClassFixture<DigitsModelFixture>
{
    private MLContext Ml => fixture.Ml;

    [Fact]
    public void EvaluateWorksAndTheModelLearns()
    {
        var metrics = Ml.MulticlassClassification.Evaluate(fixture.Model.Transform(fixture.Test));
        Assert.True(metrics.MicroAccuracy >= 0.95, $"micro-accuracy {metrics.MicroAccuracy:F4}");
        Assert.True(metrics.LogLoss < 0.3, $"log-loss {metrics.LogLoss:F4}");
        Assert.Equal(10, metrics.ConfusionMatrix.NumberOfClasses);
    }

    [Fact]
    public void OutputColumnsFollowMlNetConventions()
    {
        var scored = fixture.Model.Transform(fixture.Test);
        var score = scored.Schema["Score"];
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 10), score.Type);
        var predicted = scored.Schema["PredictedLabel"];
        var label = scored.Schema["Label"];
        Assert.Equal(label.Type, predicted.Type); // a key of the label's type and cardinality
        var labelValues = default(VBuffer<float>);
        var predictedValues = default(VBuffer<float>);
        label.GetKeyValues(ref labelValues);
        predicted.GetKeyValues(ref predictedValues);
        Assert.Equal(labelValues.DenseValues(), predictedValues.DenseValues());

        var probabilities = TestData.VectorColumn(scored, "Score");
        var keys = TestData.ScalarColumn<uint>(scored, "PredictedLabel");
        for (int r = 0; r < probabilities.Length; r++)
        {
            Assert.Equal(1.0, probabilities[r].Sum(), 4);
            int best = Array.IndexOf(probabilities[r], probabilities[r].Max());
            Assert.Equal((uint)best + 1, keys[r]); // keys are 1-based, in the label key's order
        }
        
    }

    [Fact]
    public void PredictedLabelMapsBackToTheDigit()
    {
        var back = Ml.Transforms.Conversion.MapKeyToValue("PredictedDigit", "PredictedLabel").Fit(fixture.Model.Transform(fixture.Test))
            .Transform(fixture.Model.Transform(fixture.Test));
        var digits = TestData.ScalarColumn<float>(back, "PredictedDigit");
        var truth = TestData.DigitsTestRows.Select(r => r.Label).ToArray();
        double accuracy = digits.Zip(truth).Count(p => p.First == p.Second) / (double)truth.Length;
        Assert.True(accuracy >= 0.95, $"accuracy through MapKeyToValue {accuracy:F4}");
    }

    [Fact]
    public void PredictionEngineScoresOneRowLikeTheBatch()
    {
        var engine = Ml.Model.CreatePredictionEngine<DigitRow, DigitPrediction>(fixture.Model);
        var batch = TestData.VectorColumn(fixture.Model.Transform(fixture.Test), "Score");
        for (int r = 0; r < 5; r++)
        {
            var one = engine.Predict(TestData.DigitsTestRows[r]);
            for (int c = 0; c < 10; c++) Assert.Equal(batch[r][c], one.Score[c], 6);
        }
    }

    [Fact]
    public void ProgressAndLogReceiveEveryEpoch()
    {
        Assert.Equal(Enumerable.Range(1, 12), fixture.Reports.Select(r => r.Epoch));
        Assert.Equal(fixture.Reports, fixture.Deep.History.Epochs);
        lock (fixture.LogLines)
        {
            Assert.Contains(fixture.LogLines, l => l.Contains("DeepMlp epoch 12/12  loss ", StringComparison.Ordinal) && l.Contains("samples/s", StringComparison.Ordinal));
            Assert.Contains(fixture.LogLines, l => l.Contains("Compute backend: ", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void TransformerDescribesTheNetwork()
    {
        var info = fixture.Deep.Network;
        Assert.Equal("Dense(64) Relu Dense(10)", info.Architecture);
        Assert.Equal(64 * 64 + 64 + 64 * 10 + 10, info.ParameterCount);
        Assert.Equal(64, info.InputSize);
        Assert.Equal(10, info.OutputSize);
        Assert.StartsWith("Managed CPU", info.Backend);
        Assert.Contains("dense_1", info.Summary);
        Assert.Equal(DeepTask.MulticlassClassification, fixture.Deep.Task);
    }

    [Fact]
    public void SaveAndLoadInAnotherProcessGiveTheSameScores()
    {
        string folder = Directory.CreateTempSubdirectory("deepmlp-save-").FullName;
        try
        {
            string modelPath = Path.Combine(folder, "model.zip");
            Ml.Model.Save(fixture.Model, fixture.Train.Schema, modelPath);
            var rows = TestData.DigitsTestRows.Take(40).ToArray();
            var expected = TestData.VectorColumn(fixture.Model.Transform(Ml.Data.LoadFromEnumerable(rows)), "Score");
            var actual = ModelLoadProbeRunner.Scores(modelPath, rows.Select(r => r.Features), folder);
            Assert.Equal(expected.Length, actual.Length);
            for (int r = 0; r < expected.Length; r++)
            {
                for (int c = 0; c < 10; c++) Assert.True(Math.Abs(expected[r][c] - actual[r][c]) <= 1e-5, $"row {r} class {c}: {expected[r][c]} vs {actual[r][c]}");
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void LoadedModelEvaluatesAndPredictsWithoutTheOriginalFiles()
    {
        string path = Path.Combine(Path.GetTempPath(), $"deepmlp-{Guid.NewGuid():N}.zip");
        try
        {
            Ml.Model.Save(fixture.Model, fixture.Train.Schema, path);
            var fresh = new MLContext(seed: 1);
            var loaded = fresh.Model.Load(path, out var schema);
            Assert.Equal(fixture.Train.Schema["Features"].Type, schema["Features"].Type);
            var original = fresh.MulticlassClassification.Evaluate(fixture.Model.Transform(fixture.Test));
            var reloaded = fresh.MulticlassClassification.Evaluate(loaded.Transform(fixture.Test));
            Assert.Equal(original.MicroAccuracy, reloaded.MicroAccuracy);
            Assert.Equal(original.LogLoss, reloaded.LogLoss, 5);
            var engine = fresh.Model.CreatePredictionEngine<DigitRow, DigitPrediction>(loaded);
            var one = engine.Predict(TestData.DigitsTestRows[0]);
            Assert.Equal(10, one.Score.Length);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void CrossValidateRunsOnThePipeline()
    {
        var ml = new MLContext(seed: 0);
        var (train, _) = TestData.Digits(ml);
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.MulticlassClassification.Trainers.DeepMlp(hiddenLayers: [32], epochs: 10));
        var folds = ml.MulticlassClassification.CrossValidate(train, pipeline, numberOfFolds: 3);
        Assert.Equal(3, folds.Count);
        Assert.All(folds, f => Assert.True(f.Metrics.MicroAccuracy > 0.85, $"fold micro-accuracy {f.Metrics.MicroAccuracy:F4}"));
        foreach (var f in folds) (((TransformerChain<DeepMlpTransformer>)f.Model).LastTransformer).Dispose();
    }

    [Fact]
    public void LabelSmoothingCapsTheConfidenceAtItsTarget()
    {
        // With smoothing ε the loss is smallest at p(true class) = 1 − ε + ε/K (0.82 here); without it, at 1.
        var ml = new MLContext(seed: 0);
        var train = ml.Data.TakeRows(TestData.Digits(ml).Train, 300);
        float MeanTopProbability(float labelSmoothing)
        {
            var options = new DeepMlpTrainer.Options { HiddenLayers = [32], Epochs = 100, LearningRate = 0.01f, LabelSmoothing = labelSmoothing };
            var model = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.MulticlassClassification.Trainers.DeepMlp(options)).Fit(train);
            try
            {
                return (float)TestData.VectorColumn(model.Transform(train), "Score").Average(score => score.Max());
            }
            finally
            {
                model.LastTransformer.Dispose();
            }
        }
        float plain = MeanTopProbability(0f), smoothed = MeanTopProbability(0.2f);
        Assert.True(plain > 0.97f, $"without smoothing: mean top probability {plain:F4} (with 0.2: {smoothed:F4})");
        Assert.True(smoothed is > 0.75f and < 0.89f, $"with smoothing 0.2: mean top probability {smoothed:F4} (without: {plain:F4})");
    }

    [Fact]
    public void OnnxExportMatchesOnnxRuntime()
    {
        using var stream = new MemoryStream();
        fixture.Deep.ExportOnnx(stream);
        using var session = new InferenceSession(stream.ToArray());
        var rows = TestData.DigitsTestRows.Take(25).ToArray();
        var input = new DenseTensor<float>(rows.SelectMany(r => r.Features).ToArray(), [rows.Length, 64]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("Features", input)]);
        var onnxScores = results.First(r => r.Name == "Score").AsTensor<float>();
        var expected = TestData.VectorColumn(fixture.Model.Transform(Ml.Data.LoadFromEnumerable(rows)), "Score");
        for (int r = 0; r < rows.Length; r++)
        {
            for (int c = 0; c < 10; c++) Assert.True(Math.Abs(expected[r][c] - onnxScores[r, c]) <= 1e-5, $"row {r} class {c}: {expected[r][c]} vs {onnxScores[r, c]}");
        }
        Assert.Contains("Dense(64) Relu Dense(10)", session.ModelMetadata.CustomMetadataMap["architecture"]);
    }

    [Fact]
    public void ExportedFilePassesTheOnnxChecker()
    {
        string path = Path.Combine(Path.GetTempPath(), $"deepmlp-{Guid.NewGuid():N}.onnx");
        try
        {
            fixture.Deep.ExportOnnx(path);
            string script = Path.Combine(TestData.RepositoryRoot(), "tests", "scripts", "check_onnx.py");
            var start = new ProcessStartInfo("/usr/bin/python3", [script, path]) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var process = Process.Start(start)!;
            string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"ONNX checker failed (install python3-onnx if onnx is missing): {output}");
            Assert.Contains("ok", output);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void PermutationFeatureImportanceRunsOnTheModel()
    {
        // ML.NET's per-predictor overload: the transformer is an ISingleFeaturePredictionTransformer, the data is its input.
        var sample = fixture.Model.Take(1).Aggregate(Ml.Data.TakeRows(fixture.Test, 120), (data, t) => t.Transform(data));
        var importance = Ml.MulticlassClassification.PermutationFeatureImportance(fixture.Deep, sample, permutationCount: 1);
        Assert.Equal(64, importance.Length);
        // Pixel 0 (a corner) is blank in every digit: permuting it changes nothing; some central pixels matter.
        Assert.Equal(0, importance[0].MicroAccuracy.Mean, 6);
        Assert.True(importance.Min(m => m.MicroAccuracy.Mean) < -0.01, "permuting some pixel must cost accuracy");
    }

    [Fact]
    public void SameSeedGivesTheSameModel()
    {
        var ml = new MLContext(seed: 0);
        var (train, test) = TestData.Digits(ml);
        float[][] Scores()
        {
            var model = ml.Transforms.Conversion.MapValueToKey("Label")
                .Append(ml.MulticlassClassification.Trainers.DeepMlp(new DeepMlpTrainer.Options { HiddenLayers = [16], Epochs = 2, Seed = 5, NumberOfThreads = 2 }))
                .Fit(train);
            var scores = TestData.VectorColumn(model.Transform(test), "Score");
            model.LastTransformer.Dispose();
            return scores;
        }
        Assert.Equal(Scores(), Scores());
    }
}

/// <summary>The prediction of one digit row.</summary>
public sealed class DigitPrediction
{
    public float[] Score = [];

    public uint PredictedLabel;
}
