using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.DeepExtensions.Trainers.Tests;

/// <summary>Binary classification and regression through the same trainer, with ML.NET's evaluators.</summary>
public sealed class DeepMlpBinaryAndRegressionTests
{
    private sealed class BinaryRow
    {
        [VectorType(64)]
        public float[] Features = [];
        public bool Label;
    }

    private sealed class RegressionRow
    {
        [VectorType(5)]
        public float[] Features = [];
        public float Label;
    }

    private static IEnumerable<BinaryRow> Binary(IEnumerable<DigitRow> rows) =>
        rows.Select(r => new BinaryRow { Features = r.Features, Label = r.Label >= 5 });

    [Fact]
    public void BinaryDigitsHighOrLow()
    {
        var ml = new MLContext(seed: 0);
        var (train, test) = TestData.Digits(ml);
        var trainRows = ml.Data.LoadFromEnumerable(Binary(ml.Data.CreateEnumerable<DigitRow>(train, reuseRowObject: false)));
        var testRows = ml.Data.LoadFromEnumerable(Binary(TestData.DigitsTestRows));
        using var model = ml.BinaryClassification.Trainers.DeepMlp(hiddenLayers: [32], epochs: 10).Fit(trainRows);
        var scored = model.Transform(testRows);
        Assert.Equal(NumberDataViewType.Single, scored.Schema["Score"].Type);
        Assert.Equal(NumberDataViewType.Single, scored.Schema["Probability"].Type);
        Assert.Equal(BooleanDataViewType.Instance, scored.Schema["PredictedLabel"].Type);
        var metrics = ml.BinaryClassification.Evaluate(scored);
        Assert.True(metrics.AreaUnderRocCurve > 0.97, $"AUC {metrics.AreaUnderRocCurve:F4}");
        Assert.True(metrics.Accuracy > 0.9, $"accuracy {metrics.Accuracy:F4}");

        // Probability = σ(Score) and PredictedLabel = Score > 0.
        var logits = TestData.ScalarColumn<float>(scored, "Score");
        var probabilities = TestData.ScalarColumn<float>(scored, "Probability");
        var predicted = TestData.ScalarColumn<bool>(scored, "PredictedLabel");
        for (int i = 0; i < logits.Length; i++)
        {
            Assert.Equal(1 / (1 + Math.Exp(-logits[i])), probabilities[i], 5);
            Assert.Equal(logits[i] > 0, predicted[i]);
        }
    }

    [Fact]
    public void RegressionOfASmoothFunction()
    {
        var ml = new MLContext(seed: 0);
        var random = new Random(4);
        RegressionRow Row()
        {
            var x = Enumerable.Range(0, 5).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            return new RegressionRow { Features = x, Label = 2 * x[0] - x[1] + 0.5f * x[2] * x[3] + MathF.Sin(2 * x[4]) };
        }
        var train = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 1500).Select(_ => Row()).ToArray());
        var test = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 300).Select(_ => Row()).ToArray());
        using var model = ml.Regression.Trainers.DeepMlp(new DeepMlpTrainer.Options { HiddenLayers = [32, 16], Epochs = 40, Activation = ActivationKind.Tanh, Seed = 2 }).Fit(train);
        var metrics = ml.Regression.Evaluate(model.Transform(test));
        Assert.True(metrics.RSquared > 0.97, $"R² {metrics.RSquared:F4}");
        Assert.Equal(DeepTask.Regression, model.Task);
    }

    [Fact]
    public void ValidationSetDrivesEarlyStoppingAndReports()
    {
        var ml = new MLContext(seed: 0);
        var (train, test) = TestData.Digits(ml);
        var toKey = ml.Transforms.Conversion.MapValueToKey("Label").Fit(train);
        var options = new DeepMlpTrainer.Options { HiddenLayers = [32], Epochs = 60, EarlyStoppingPatience = 2, LearningRate = 0.01f };
        using var model = ml.MulticlassClassification.Trainers.DeepMlp(options).Fit(toKey.Transform(train), toKey.Transform(test));
        var history = model.History;
        Assert.All(history.Epochs, e => Assert.NotNull(e.ValidationMetric));
        Assert.True(history.StoppedEarly, $"expected an early stop within 60 epochs; ran {history.Epochs.Count}");
        Assert.Equal(history.BestEpoch!.Value + 2, history.Epochs.Count);
    }
}
