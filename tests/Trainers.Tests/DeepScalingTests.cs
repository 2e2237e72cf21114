using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace MLNet.DeepExtensions.Trainers.Tests;

/// <summary>
/// Regression at any target scale (the label standardized for training, the inverse folded into the output layer)
/// and features at any scale (<see cref="DeepTrainerOptions.NormalizeFeatures"/>): what the user sees in Score, in a
/// saved and loaded model and in ONNX Runtime, and the optimizer defaults that depend on the optimizer.
/// </summary>
public sealed class DeepScalingTests
{
    private const int Width = 6;

    private sealed class Row
    {
        [VectorType(Width)]
        public float[] Features = [];
        public float Label;
    }

    private sealed class KeyRow
    {
        [VectorType(Width)]
        public float[] Features = [];
        public uint Label;
    }

    // House-price-like: y = 3e5 + 8e4·(x0 − 0.5·x1 + 0.3·x2·x3) + noise, features in [−1, 1].
    private static Row[] PriceRows(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            var x = Enumerable.Range(0, Width).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            float y = 3e5f + 8e4f * (x[0] - 0.5f * x[1] + 0.3f * x[2] * x[3]) + (float)(random.NextDouble() - 0.5) * 2e3f;
            return new Row { Features = x, Label = y };
        }).ToArray();
    }

    [Fact]
    public void RegressionOnATargetOfHundredsOfThousandsPredictsInItsOwnUnits()
    {
        var ml = new MLContext(seed: 0);
        var train = ml.Data.LoadFromEnumerable(PriceRows(1200, seed: 1));
        var testRows = PriceRows(300, seed: 2);
        var test = ml.Data.LoadFromEnumerable(testRows);
        using var model = ml.Regression.Trainers.DeepMlp().Fit(train); // defaults only
        var scored = model.Transform(test);
        var metrics = ml.Regression.Evaluate(scored);
        // Trained on the raw target, the same network stays near the mean (R² ≈ 0) within the default epochs.
        Assert.True(metrics.RSquared > 0.95, $"R² {metrics.RSquared:F4}");
        var scores = TestData.ScalarColumn<float>(scored, "Score");
        Assert.InRange(scores.Average(), 2.8e5, 3.2e5);

        // ExportOnnx predicts the same numbers in ONNX Runtime: the inverse scaling is inside the network.
        var (onnx, meta) = RunExport(model, testRows.Select(r => r.Features).ToArray());
        for (int i = 0; i < scores.Length; i++) Assert.True(Math.Abs(onnx[i] - scores[i]) <= 1e-5 * Math.Abs(scores[i]), $"row {i}: Score {scores[i]}, ONNX {onnx[i]}");
        Assert.InRange(double.Parse(meta["label_mean"], System.Globalization.CultureInfo.InvariantCulture), 2.9e5, 3.1e5);
        Assert.InRange(double.Parse(meta["label_standard_deviation"], System.Globalization.CultureInfo.InvariantCulture), 3e4, 7e4);

        // Saved and loaded with plain ML.NET: the same Scores.
        using var file = new MemoryStream();
        ml.Model.Save(model, train.Schema, file);
        file.Position = 0;
        var loaded = ml.Model.Load(file, out _);
        var reloaded = TestData.ScalarColumn<float>(loaded.Transform(test), "Score");
        for (int i = 0; i < scores.Length; i++) Assert.Equal(scores[i], reloaded[i]);
    }

    // The model's ExportOnnx run in ONNX Runtime on raw feature rows: the flat "Score" output and the model's metadata.
    private static (float[] Score, Dictionary<string, string> Metadata) RunExport(DeepNetworkTransformer model, float[][] rows)
    {
        using var stream = new MemoryStream();
        model.ExportOnnx(stream);
        using var session = new InferenceSession(stream.ToArray());
        var input = new DenseTensor<float>(rows.SelectMany(r => r).ToArray(), [rows.Length, Width]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("Features", input)]);
        return (results.First(r => r.Name == "Score").AsTensor<float>().ToArray(), session.ModelMetadata.CustomMetadataMap);
    }

    [Fact]
    public void AConstantRegressionLabelIsAClearError()
    {
        var ml = new MLContext(seed: 0);
        var rows = PriceRows(50, seed: 3).Select(r => new Row { Features = r.Features, Label = 42.5f }).ToArray();
        var e = Assert.Throws<InvalidOperationException>(() => ml.Regression.Trainers.DeepMlp(epochs: 1).Fit(ml.Data.LoadFromEnumerable(rows)));
        Assert.Equal("Training data: label column 'Label' has the same value (42.5) in all 50 rows; regression needs a label that varies.", e.Message);
    }

    // Two classes decided by x0 + x1 > 0, with x0 in the thousands, x1 in thousandths, a constant column and noise columns.
    private static KeyRow[] RawRows(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            double a = random.NextDouble() * 2 - 1, b = random.NextDouble() * 2 - 1;
            var x = new float[Width];
            x[0] = (float)(5000 + 3000 * a);
            x[1] = (float)(0.002 * b);
            x[2] = 7f; // constant: must not turn into NaN
            for (int i = 3; i < Width; i++) x[i] = (float)(random.NextDouble() * 100);
            return new KeyRow { Features = x, Label = a + b > 0 ? 2u : 1u };
        }).ToArray();
    }

    [Fact]
    public void RawColumnsOnWildlyDifferentScalesTrainAsWellAsNormalizedOnes()
    {
        var ml = new MLContext(seed: 0);
        var train = ml.Data.LoadFromEnumerable(RawRows(1500, seed: 4));
        var testRows = RawRows(400, seed: 5);
        var test = ml.Data.LoadFromEnumerable(testRows);
        var toKey = ml.Transforms.Conversion.MapValueToKey("Label");
        double Accuracy(IEstimator<TransformerChain<DeepMlpTransformer>> pipeline, out TransformerChain<DeepMlpTransformer> fitted)
        {
            fitted = pipeline.Fit(train);
            return ml.MulticlassClassification.Evaluate(fitted.Transform(test)).MicroAccuracy;
        }
        double raw = Accuracy(toKey.Append(ml.MulticlassClassification.Trainers.DeepMlp()), out var rawModel);
        double normalized = Accuracy(toKey.Append(ml.Transforms.NormalizeMeanVariance("Features")).Append(ml.MulticlassClassification.Trainers.DeepMlp()), out var normalizedModel);
        double none = Accuracy(toKey.Append(ml.MulticlassClassification.Trainers.DeepMlp(new DeepMlpTrainer.Options { NormalizeFeatures = FeatureNormalization.None })), out _);
        Assert.True(raw >= normalized - 0.01, $"raw columns {raw:F4}, after NormalizeMeanVariance {normalized:F4}");
        Assert.True(raw > 0.95, $"raw columns {raw:F4}");
        // Without it the same network is far worse: the option is doing the work.
        Assert.True(none < raw - 0.05, $"NormalizeFeatures = None {none:F4}, Auto {raw:F4}");

        var deep = rawModel.LastTransformer;
        Assert.StartsWith($"Standardization({Width}) Dense(256)", deep.Network.Architecture);
        var afterNormalizer = normalizedModel.LastTransformer;
        // NormalizeMeanVariance only rescales (it does not center by default): Auto still standardizes, and the result is the raw columns' one.
        Assert.StartsWith($"Standardization({Width}) Dense(256)", afterNormalizer.Network.Architecture);

        // The exported network takes the raw columns.
        var (onnx, _) = RunExport(deep, testRows.Select(r => r.Features).ToArray());
        var expected = TestData.VectorColumn(rawModel.Transform(test), "Score");
        for (int r = 0; r < testRows.Length; r++)
        {
            for (int c = 0; c < 2; c++)
            {
                Assert.False(float.IsNaN(expected[r][c]));
                Assert.True(Math.Abs(expected[r][c] - onnx[r * 2 + c]) <= 1e-5, $"row {r} class {c}: {expected[r][c]} vs {onnx[r * 2 + c]}");
            }
        }
    }

    [Fact]
    public void FeaturesAlreadyInTheUnitRangeAreLeftAloneByAuto()
    {
        var ml = new MLContext(seed: 0);
        var (train, _) = TestData.Digits(ml); // pixels / 16
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.MulticlassClassification.Trainers.DeepMlp(hiddenLayers: [16], epochs: 1));
        using var deep = (DeepMlpTransformer)pipeline.Fit(train).LastTransformer;
        Assert.Equal("Dense(16) Relu Dense(10)", deep.Network.Architecture);
        var forced = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.MulticlassClassification.Trainers.DeepMlp(
            new DeepMlpTrainer.Options { HiddenLayers = [16], Epochs = 1, NormalizeFeatures = FeatureNormalization.Standardize }));
        using var standardized = (DeepMlpTransformer)forced.Fit(train).LastTransformer;
        Assert.Equal("Standardization(64) Dense(16) Relu Dense(10)", standardized.Network.Architecture);
        Assert.Equal(deep.Network.ParameterCount, standardized.Network.ParameterCount); // the statistics are not trained
    }

    [Fact]
    public void RawPixelsAreScaledPerChannelAndTrainLikeScaledOnes()
    {
        var ml = new MLContext(seed: 0);
        var (train, test) = TestData.Digits(ml); // pixels / 16
        IDataView Images(IDataView digits, float scale) => ml.Data.LoadFromEnumerable(ml.Data.CreateEnumerable<DigitRow>(digits, reuseRowObject: false)
            .Select(r => new DigitImageRow { Features = r.Features.Select(v => v * scale).ToArray(), Label = r.Label }).ToArray());
        var options = new DeepCnnTrainer.Options
        {
            Layers = [CnnLayer.Conv2D(8, 3, padding: 1), CnnLayer.Relu(), CnnLayer.MaxPool(2), CnnLayer.Flatten(), CnnLayer.Dense(32), CnnLayer.Relu()],
            Epochs = 5,
        };
        double Accuracy(float scale, FeatureNormalization normalization, out string architecture)
        {
            options.NormalizeFeatures = normalization;
            var model = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.MulticlassClassification.Trainers.DeepCnn(options)).Fit(Images(train, scale));
            using var deep = model.LastTransformer;
            architecture = deep.Network.Architecture;
            return ml.MulticlassClassification.Evaluate(model.Transform(Images(test, scale))).MicroAccuracy;
        }
        // 0..255 "raw" pixels (the digits' 0..16 levels times 16): Auto scales each channel by its σ (x / σ, not centered).
        double raw = Accuracy(16f * 16f, FeatureNormalization.Auto, out string rawArchitecture);
        double unscaled = Accuracy(16f * 16f, FeatureNormalization.None, out _);
        double unit = Accuracy(1f, FeatureNormalization.Auto, out string unitArchitecture);
        Assert.StartsWith("Standardization(64) Conv2D(8", rawArchitecture);
        Assert.StartsWith("Conv2D(8", unitArchitecture);
        Assert.True(raw >= unit - 0.02, $"0..255 pixels scaled by Auto {raw:F4}, pixels in [0, 1] {unit:F4}");
        Assert.True(raw > unscaled, $"0..255 pixels scaled by Auto {raw:F4}, used as they come {unscaled:F4}");
    }

    [Fact]
    public void AdamWDecaysByDefaultAndAdadeltaStartsAtItsOwnRate()
    {
        var ml = new MLContext(seed: 0);
        var (train, test) = TestData.Digits(ml);
        var toKey = ml.Transforms.Conversion.MapValueToKey("Label").Fit(train);
        var keyedTrain = toKey.Transform(train);
        var keyedTest = toKey.Transform(test);
        float[][] Scores(DeepMlpTrainer.Options options, out double accuracy)
        {
            using var model = ml.MulticlassClassification.Trainers.DeepMlp(options).Fit(keyedTrain);
            var scored = model.Transform(keyedTest);
            accuracy = ml.MulticlassClassification.Evaluate(scored).MicroAccuracy;
            return TestData.VectorColumn(scored, "Score");
        }
        // AdamW with WeightDecay left null decays (PyTorch's 0.01): its scores differ from an explicit 0 ...
        var byDefault = Scores(new DeepMlpTrainer.Options { HiddenLayers = [32], Epochs = 3, Optimizer = OptimizerKind.AdamW }, out _);
        var noDecay = Scores(new DeepMlpTrainer.Options { HiddenLayers = [32], Epochs = 3, Optimizer = OptimizerKind.AdamW, WeightDecay = 0f }, out _);
        var explicitDecay = Scores(new DeepMlpTrainer.Options { HiddenLayers = [32], Epochs = 3, Optimizer = OptimizerKind.AdamW, WeightDecay = 0.01f }, out _);
        Assert.NotEqual(noDecay[0], byDefault[0]);
        Assert.Equal(explicitDecay[0], byDefault[0]); // ... and equal an explicit 0.01
        // Adadelta at its own rate 1.0 learns the digits in 3 epochs (0.89); at Adam's 0.001 it barely moves from chance.
        Scores(new DeepMlpTrainer.Options { HiddenLayers = [32], Epochs = 3, Optimizer = OptimizerKind.Adadelta }, out double adadelta);
        Scores(new DeepMlpTrainer.Options { HiddenLayers = [32], Epochs = 3, Optimizer = OptimizerKind.Adadelta, LearningRate = 1e-3f }, out double slow);
        Assert.True(adadelta > 0.8, $"Adadelta at its default rate: {adadelta:F4}");
        Assert.True(slow < adadelta - 0.2, $"Adadelta at 0.001: {slow:F4}, at its default: {adadelta:F4}");
    }
}
