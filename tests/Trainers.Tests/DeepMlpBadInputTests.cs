using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.DeepExtensions.Trainers.Tests;

/// <summary>Every bad input gets an exception that names the column or option, the expected and the found value.</summary>
public sealed class DeepMlpBadInputTests
{
    private readonly MLContext _ml = new(seed: 0);

    private sealed class ScalarRow
    {
        public float Features;
        public float Label;
    }

    private sealed class VariableRow
    {
        public float[] Features = [];
        public float Label;
    }

    private sealed class BoolRow
    {
        [VectorType(2)]
        public float[] Features = [];
        public bool Label;
    }

    private sealed class FloatRow
    {
        [VectorType(2)]
        public float[] Features = [];
        public float Label;
    }

    private IDataView Rows(params (float A, float B, float Label)[] rows) =>
        _ml.Data.LoadFromEnumerable(rows.Select(r => new FloatRow { Features = [r.A, r.B], Label = r.Label }));

    private IDataView KeyRows(params (float A, float B, float Label)[] rows) =>
        _ml.Transforms.Conversion.MapValueToKey("Label").Fit(Rows(rows)).Transform(Rows(rows));

    private DeepMlpTrainer Multiclass(DeepMlpTrainer.Options? options = null) =>
        _ml.MulticlassClassification.Trainers.DeepMlp(options ?? new DeepMlpTrainer.Options { Epochs = 1 });

    private static string MessageOf(Action action) => Record.Exception(action)?.Message ?? "(no exception)";

    [Fact]
    public void MissingFeatureColumn()
    {
        var data = KeyRows((0, 1, 0), (1, 0, 1));
        var trainer = Multiclass(new DeepMlpTrainer.Options { FeatureColumnName = "Pixels", Epochs = 1 });
        Assert.StartsWith("Training data: feature column 'Pixels' not found; available columns: Features, Label.", MessageOf(() => trainer.Fit(data)));
    }

    [Fact]
    public void MissingLabelColumn()
    {
        var data = KeyRows((0, 1, 0), (1, 0, 1));
        var trainer = Multiclass(new DeepMlpTrainer.Options { LabelColumnName = "Digit", Epochs = 1 });
        Assert.StartsWith("Training data: label column 'Digit' not found; available columns: Features, Label.", MessageOf(() => trainer.Fit(data)));
    }

    [Fact]
    public void FeatureColumnThatIsAScalar()
    {
        var data = _ml.Data.LoadFromEnumerable(new[] { new ScalarRow { Features = 1, Label = 1 } });
        var trainer = _ml.Regression.Trainers.DeepMlp(epochs: 1);
        Assert.StartsWith("Schema mismatch for feature column 'Features': expected known-size vector of Single, got Single.", MessageOf(() => trainer.Fit(data)));
    }

    [Fact]
    public void FeatureColumnOfVariableSize()
    {
        var data = _ml.Data.LoadFromEnumerable(new[] { new VariableRow { Features = [1, 2], Label = 1 } });
        var trainer = _ml.Regression.Trainers.DeepMlp(epochs: 1);
        Assert.StartsWith("Schema mismatch for feature column 'Features': expected known-size vector of Single, got Vector<Single> (variable size).", MessageOf(() => trainer.Fit(data)));
    }

    [Fact]
    public void MulticlassLabelThatIsNotAKey()
    {
        var data = Rows((0, 1, 0), (1, 0, 1));
        Assert.StartsWith("Schema mismatch for label column 'Label': expected a key type (multiclass classification), got Single. Convert it with ml.Transforms.Conversion.MapValueToKey(\"Label\").",
            MessageOf(() => Multiclass().Fit(data)));
    }

    [Fact]
    public void BinaryLabelThatIsNotBoolean()
    {
        var data = Rows((0, 1, 0), (1, 0, 1));
        Assert.StartsWith("Schema mismatch for label column 'Label': expected Boolean (binary classification), got Single.",
            MessageOf(() => _ml.BinaryClassification.Trainers.DeepMlp(epochs: 1).Fit(data)));
    }

    [Fact]
    public void RegressionLabelThatIsNotSingle()
    {
        var data = _ml.Data.LoadFromEnumerable(new[] { new BoolRow { Features = [0, 1], Label = true } });
        Assert.StartsWith("Schema mismatch for label column 'Label': expected Single (regression), got Boolean.",
            MessageOf(() => _ml.Regression.Trainers.DeepMlp(epochs: 1).Fit(data)));
    }

    [Fact]
    public void GetOutputSchemaChecksColumnsWithoutData()
    {
        var shape = ShapeOf(Rows((0, 1, 0)).Schema);
        // The same rule and the same message as Fit gives for the same column (the task head writes both).
        Assert.Equal(MessageOf(() => Multiclass().Fit(Rows((0, 1, 0)))),
            MessageOf(() => Multiclass().GetOutputSchema(shape)));
        Assert.StartsWith("Schema mismatch for label column 'Label': expected a key type (multiclass classification), got Single. Convert it with ml.Transforms.Conversion.MapValueToKey(\"Label\").",
            MessageOf(() => Multiclass().GetOutputSchema(shape)));
        var keyed = ShapeOf(KeyRows((0, 1, 0), (1, 0, 1)).Schema);
        var output = Multiclass().GetOutputSchema(keyed);
        Assert.Contains(output, c => c.Name == "Score");
        Assert.Contains(output, c => c.Name == "PredictedLabel" && c.IsKey);
    }

    [Fact]
    public void EmptyTrainingData()
    {
        var data = _ml.Data.LoadFromEnumerable(Array.Empty<FloatRow>());
        Assert.StartsWith("Training data has no rows; training needs at least one.", MessageOf(() => _ml.Regression.Trainers.DeepMlp(epochs: 1).Fit(data)));
    }

    [Fact]
    public void NaNFeatureNamesTheRowAndSlot()
    {
        var data = KeyRows((0, 1, 0), (1, 0, 1), (0, float.NaN, 1));
        Assert.StartsWith("Training data: feature column 'Features' has NaN at row 2, slot 1; features must be finite",
            MessageOf(() => Multiclass().Fit(data)));
    }

    [Fact]
    public void InfiniteLabelNamesTheRow()
    {
        var data = Rows((0, 1, 0), (1, 0, float.PositiveInfinity));
        Assert.StartsWith("Training data: label column 'Label' is Infinity at row 1; labels must be finite.",
            MessageOf(() => _ml.Regression.Trainers.DeepMlp(epochs: 1).Fit(data)));
    }

    [Fact]
    public void NaNRegressionLabelNamesTheRow()
    {
        var data = Rows((0, 1, 0), (1, 0, float.NaN));
        Assert.StartsWith("Training data: label column 'Label' is NaN at row 1; labels must be finite.",
            MessageOf(() => _ml.Regression.Trainers.DeepMlp(epochs: 1).Fit(data)));
    }

    [Fact]
    public void SingleClass()
    {
        var data = KeyRows((0, 1, 3), (1, 0, 3));
        Assert.StartsWith("Training data: label column 'Label' has a single class (class index 0 of 1) in all 2 rows; classification needs at least 2 classes.",
            MessageOf(() => Multiclass().Fit(data)));
        var binary = _ml.Data.LoadFromEnumerable(new[] { new BoolRow { Features = [0, 1], Label = true }, new BoolRow { Features = [1, 1], Label = true } });
        Assert.StartsWith("Training data: label column 'Label' has a single class (true) in all 2 rows; classification needs at least 2 classes.",
            MessageOf(() => _ml.BinaryClassification.Trainers.DeepMlp(epochs: 1).Fit(binary)));
    }

    [Theory]
    [InlineData("Epochs", "DeepMlpTrainer.Options.Epochs must be positive; got 0.")]
    [InlineData("BatchSize", "DeepMlpTrainer.Options.BatchSize must be positive; got -1.")]
    [InlineData("LearningRate", "DeepMlpTrainer.Options.LearningRate must be null (the optimizer's default) or positive and finite; got 0.")]
    [InlineData("LearningRateNaN", "DeepMlpTrainer.Options.LearningRate must be null (the optimizer's default) or positive and finite; got NaN.")]
    [InlineData("HiddenLayers", "DeepMlpTrainer.Options.HiddenLayers must be positive layer sizes; got HiddenLayers[1] = 0.")]
    [InlineData("DropoutRate", "DeepMlpTrainer.Options.DropoutRate must be in [0, 1); got 1.")]
    [InlineData("DropoutRateNegative", "DeepMlpTrainer.Options.DropoutRate must be in [0, 1); got -0.1.")]
    [InlineData("ValidationFraction", "DeepMlpTrainer.Options.ValidationFraction must be in [0, 1); got 1.5.")]
    [InlineData("LabelSmoothing", "DeepMlpTrainer.Options.LabelSmoothing must be in [0, 1); got 1.")]
    public void InvalidOptionsAreRejectedWhenTheTrainerIsCreated(string option, string message)
    {
        var options = new DeepMlpTrainer.Options();
        switch (option)
        {
            case "Epochs": options.Epochs = 0; break;
            case "BatchSize": options.BatchSize = -1; break;
            case "LearningRate": options.LearningRate = 0; break;
            case "LearningRateNaN": options.LearningRate = float.NaN; break;
            case "HiddenLayers": options.HiddenLayers = [16, 0]; break;
            case "DropoutRate": options.DropoutRate = 1f; break;
            case "DropoutRateNegative": options.DropoutRate = -0.1f; break;
            case "ValidationFraction": options.ValidationFraction = 1.5f; break;
            case "LabelSmoothing": options.LabelSmoothing = 1f; break;
        }
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _ml.MulticlassClassification.Trainers.DeepMlp(options));
        Assert.StartsWith(message, e.Message);
    }

    [Fact]
    public void SimpleOverloadValidatesToo()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _ml.Regression.Trainers.DeepMlp(hiddenLayers: [-3]));
        Assert.StartsWith("DeepMlpTrainer.Options.HiddenLayers must be positive layer sizes; got HiddenLayers[0] = -3.", e.Message);
    }

    [Fact]
    public void ClassWeightsOfTheWrongLength()
    {
        var data = KeyRows((0, 1, 0), (1, 0, 1));
        var trainer = Multiclass(new DeepMlpTrainer.Options { ClassWeights = [1, 2, 3], Epochs = 1 });
        Assert.StartsWith("DeepMlpTrainer.Options.ClassWeights has 3 entries; label column 'Label' has 2 classes.", MessageOf(() => trainer.Fit(data)));
    }

    [Fact]
    public void LabelSmoothingOutsideMulticlass()
    {
        var trainer = _ml.Regression.Trainers.DeepMlp(new DeepMlpTrainer.Options { LabelSmoothing = 0.1f, Epochs = 1 });
        Assert.StartsWith("DeepMlpTrainer.Options.LabelSmoothing applies to multiclass classification only; this trainer does Regression.",
            MessageOf(() => trainer.Fit(Rows((0, 1, 0.5f), (1, 0, 1.5f)))));
    }

    [Fact]
    public void EarlyStoppingWithoutValidationData()
    {
        var data = KeyRows((0, 1, 0), (1, 0, 1));
        var trainer = Multiclass(new DeepMlpTrainer.Options { EarlyStoppingPatience = 3, Epochs = 1 });
        Assert.StartsWith("DeepMlpTrainer.Options.EarlyStoppingPatience = 3 needs validation data: pass a validation set to Fit or set ValidationFraction > 0.", MessageOf(() => trainer.Fit(data)));
    }

    [Fact]
    public void GpuWithoutAGpuFailsBeforeReadingData()
    {
        var data = KeyRows((0, 1, 0), (1, 0, 1));
        var trainer = Multiclass(new DeepMlpTrainer.Options { Device = ComputeDevice.Gpu, Epochs = 1 });
        var e = Assert.Throws<InvalidOperationException>(() => trainer.Fit(data));
        Assert.Equal("Device = Gpu was requested, but ILGPU found only the CPU accelerator (no CUDA device, no OpenCL device). Use Device = Auto to fall back to the managed CPU backend, or Device = Cpu.", e.Message);
    }

    [Fact]
    public void TransformOnDataOfAnotherFeatureWidth()
    {
        var data = _ml.Data.LoadFromEnumerable(Enumerable.Range(0, 40).Select(i => new FloatRow { Features = [i % 2, (i + 1) % 2], Label = i % 2 }));
        using var model = _ml.Regression.Trainers.DeepMlp(hiddenLayers: [4], epochs: 1).Fit(data);
        var wide = _ml.Data.LoadFromEnumerable(new[] { new DigitRow { Features = new float[64], Label = 0 } });
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => model.Transform(wide));
        Assert.StartsWith("Schema mismatch for feature column 'Features': expected Vector<Single, 2> (as in training), got Vector<Single, 64>.", e.Message);
    }

    [Fact]
    public void LoadOfATruncatedOrCorruptedModelFile()
    {
        var data = _ml.Data.LoadFromEnumerable(Enumerable.Range(0, 40).Select(i => new FloatRow { Features = [i % 2, (i + 1) % 2], Label = i % 2 }));
        using var model = _ml.Regression.Trainers.DeepMlp(hiddenLayers: [4], epochs: 1).Fit(data);
        string path = Path.Combine(Path.GetTempPath(), $"deepmlp-{Guid.NewGuid():N}.zip");
        try
        {
            _ml.Model.Save(model, data.Schema, path);
            var bytes = File.ReadAllBytes(path);
            File.WriteAllBytes(path, bytes.AsSpan(0, bytes.Length / 2).ToArray());
            string expected = $"Model file '{path}' ({bytes.Length / 2} bytes) is truncated or corrupted: expected an ML.NET model saved with ml.Model.Save (a zip archive with a TransformerChain entry); ";
            var e = Assert.Throws<InvalidDataException>(() => _ml.Model.LoadDeepModel(path, out _));
            Assert.StartsWith(expected, e.Message);

            var corrupted = (byte[])bytes.Clone();
            for (int i = bytes.Length / 3; i < bytes.Length * 2 / 3; i += 5) corrupted[i] ^= 0x5A; // inside the entries' data
            File.WriteAllBytes(path, corrupted);
            e = Assert.Throws<InvalidDataException>(() => _ml.Model.LoadDeepModel(path, out _));
            Assert.StartsWith($"Model file '{path}' ({bytes.Length} bytes) is truncated or corrupted: expected an ML.NET model saved with ml.Model.Save", e.Message);

            File.WriteAllBytes(path, bytes);
            var loaded = _ml.Model.LoadDeepModel(path, out var schema); // the intact file loads and scores as saved
            Assert.Equal(data.Schema["Features"].Type, schema["Features"].Type);
            Assert.Equal(TestData.ScalarColumn<float>(model.Transform(data), "Score"), TestData.ScalarColumn<float>(loaded.Transform(data), "Score"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    // ML.NET keeps SchemaShape.Create internal; a pipeline author gets the shape from the previous estimator.
    private static SchemaShape ShapeOf(DataViewSchema schema) => TestData.ShapeOf(schema);
}
