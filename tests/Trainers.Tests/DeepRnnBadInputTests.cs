using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.DeepExtensions.Trainers.Tests;

/// <summary>Every bad input to DeepRnn gets an exception that names the column or option, the expected and the found value.</summary>
public sealed class DeepRnnBadInputTests
{
    private readonly MLContext _ml = new(seed: 0);

    private sealed class FlatRow
    {
        [VectorType(6)]
        public float[] Features = [];
        public bool Label;
    }

    private sealed class SequenceRow
    {
        [VectorType(3, 2)]
        public float[] Features = [];
        public bool Label;
    }

    private IDataView Flat(params float[][] rows) =>
        _ml.Data.LoadFromEnumerable(rows.Select((r, i) => new FlatRow { Features = r, Label = i % 2 == 0 }).ToArray());

    private IDataView Texts(params string[] texts) =>
        ReviewsFixture.Tokens(_ml).Fit(_ml.Data.LoadFromEnumerable(texts.Select((t, i) => new ReviewRow { Text = t, Label = i % 2 == 0 }).ToArray()))
            .Transform(_ml.Data.LoadFromEnumerable(texts.Select((t, i) => new ReviewRow { Text = t, Label = i % 2 == 0 }).ToArray()));

    private DeepRnnTrainer Binary(DeepRnnTrainer.Options options) => _ml.BinaryClassification.Trainers.DeepRnn(options);

    private static float[] Ramp(float start) => Enumerable.Range(0, 6).Select(i => start + i * 0.1f).ToArray();

    [Theory]
    [InlineData("HiddenSize", "positive; got 0")]
    [InlineData("NumberOfLayers", "positive; got -1")]
    [InlineData("SequenceShape", "null or [steps, features] with two positive values; got [6]")]
    [InlineData("SequenceShape0", "null or [steps, features] with two positive values; got [0, 6]")]
    [InlineData("EmbeddingSize", "0 (a float column) or positive (token keys); got -2")]
    [InlineData("MaxSequenceLength", "0 (the longest training sequence) or positive; got -1")]
    [InlineData("DenseLayers", "positive layer sizes; got DenseLayers[1] = 0")]
    [InlineData("CellType", "SimpleRnn, Lstm or Gru; got 7")]
    [InlineData("GradientClipNorm", "0 (off) or positive; got -1")]
    public void OptionsOutOfRangeAreRejectedByName(string field, string expected)
    {
        var options = new DeepRnnTrainer.Options();
        switch (field)
        {
            case "HiddenSize": options.HiddenSize = 0; break;
            case "NumberOfLayers": options.NumberOfLayers = -1; break;
            case "SequenceShape": options.SequenceShape = [6]; break;
            case "SequenceShape0": options.SequenceShape = [0, 6]; field = "SequenceShape"; break;
            case "EmbeddingSize": options.EmbeddingSize = -2; break;
            case "MaxSequenceLength": options.MaxSequenceLength = -1; options.EmbeddingSize = 4; break;
            case "DenseLayers": options.DenseLayers = [4, 0]; break;
            case "CellType": options.CellType = (RnnCellType)7; break;
            default: options.GradientClipNorm = -1f; break;
        }
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Binary(options));
        Assert.Equal($"DeepRnnTrainer.Options.{field} must be {expected}. (Parameter '{field}')", error.Message);
    }

    [Fact]
    public void OptionsThatContradictEachOtherNameBoth()
    {
        var both = Assert.Throws<ArgumentOutOfRangeException>(() => Binary(new DeepRnnTrainer.Options { EmbeddingSize = 8, SequenceShape = [3, 2] }));
        Assert.StartsWith("DeepRnnTrainer.Options.SequenceShape applies to a float feature column, but EmbeddingSize = 8 reads token keys", both.Message);
        var length = Assert.Throws<ArgumentOutOfRangeException>(() => Binary(new DeepRnnTrainer.Options { MaxSequenceLength = 5 }));
        Assert.StartsWith("DeepRnnTrainer.Options.MaxSequenceLength = 5 applies to token keys only; set EmbeddingSize", length.Message);
        var standardize = Assert.Throws<ArgumentOutOfRangeException>(() => Binary(new DeepRnnTrainer.Options { EmbeddingSize = 8, NormalizeFeatures = FeatureNormalization.Standardize }));
        Assert.StartsWith("DeepRnnTrainer.Options.NormalizeFeatures = Standardize does not apply to token keys", standardize.Message);
    }

    [Fact]
    public void VectorSizeThatIsNotStepsTimesFeatures()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Binary(new DeepRnnTrainer.Options { SequenceShape = [4, 2], Epochs = 1 }).Fit(Flat(Ramp(0), Ramp(1))));
        Assert.Equal("DeepRnnTrainer.Options.SequenceShape 4x2 (steps x features) holds 8 values, but feature column 'Features' has 6 (Vector<Single, 6>). (Parameter 'SequenceShape')", error.Message);
    }

    [Fact]
    public void AFlatColumnWithoutSequenceShape()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Binary(new DeepRnnTrainer.Options { Epochs = 1 }).Fit(Flat(Ramp(0), Ramp(1))));
        Assert.StartsWith("Feature column 'Features' is Vector<Single, 6>, which does not declare a sequence shape; set DeepRnnTrainer.Options.SequenceShape to [steps, features]", error.Message);
        Assert.Contains("or [6, 1] for one value per step", error.Message);
    }

    [Fact]
    public void SequenceShapeThatDisagreesWithTheColumn()
    {
        var data = _ml.Data.LoadFromEnumerable(new[] { new SequenceRow { Features = Ramp(0), Label = true }, new SequenceRow { Features = Ramp(1) } });
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Binary(new DeepRnnTrainer.Options { SequenceShape = [2, 3], Epochs = 1 }).Fit(data));
        Assert.StartsWith("Feature column 'Features' declares sequences of 3x2 (steps x features, from its type Vector<Single, 3, 2>), but DeepRnnTrainer.Options.SequenceShape is 2x3", error.Message);
    }

    [Fact]
    public void NaNValuesInASequence()
    {
        var bad = Ramp(1);
        bad[4] = float.NaN;
        var error = Assert.Throws<InvalidOperationException>(() => Binary(new DeepRnnTrainer.Options { SequenceShape = [3, 2], Epochs = 1 }).Fit(Flat(Ramp(0), bad)));
        Assert.StartsWith("Training data: feature column 'Features' has NaN at row 1, slot 4; features must be finite", error.Message);
    }

    [Fact]
    public void EmbeddingSizeWithAFloatColumn()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Binary(new DeepRnnTrainer.Options { EmbeddingSize = 8, Epochs = 1 }).Fit(Flat(Ramp(0), Ramp(1))));
        Assert.StartsWith("Training data: DeepRnnTrainer.Options.EmbeddingSize = 8 reads token keys, but feature column 'Features' is Vector<Single, 6>; expected a vector of keys", error.Message);
    }

    [Fact]
    public void AKeyColumnWithoutEmbeddingSize()
    {
        var data = Texts("great coffee", "awful tea");
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Binary(new DeepRnnTrainer.Options { FeatureColumnName = "Tokens", Epochs = 1 }).Fit(data));
        Assert.StartsWith("Training data: feature column 'Tokens' is Vector<Key<UInt32, 0-3>> (variable size), a vector of token keys, but DeepRnnTrainer.Options.EmbeddingSize is 0; set EmbeddingSize", error.Message);
    }

    [Fact]
    public void AKeyColumnWithoutEmbeddingSizeInAChain()
    {
        // An estimator chain asks the trainer's GetOutputSchema before Fit: the same advice must come from there.
        var rows = _ml.Data.LoadFromEnumerable(new[] { new ReviewRow { Text = "great coffee", Label = true }, new ReviewRow { Text = "awful tea", Label = false } });
        var chain = ReviewsFixture.Tokens(_ml).Append(_ml.BinaryClassification.Trainers.DeepRnn(featureColumnName: "Tokens", epochs: 1));
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => chain.Fit(rows));
        Assert.StartsWith("Feature column 'Tokens' is Vector<Key<UInt32>> (variable size), a vector of token keys, but DeepRnnTrainer.Options.EmbeddingSize is 0; set EmbeddingSize", error.Message);
        Assert.Contains("use the Options overload", error.Message);
    }

    [Fact]
    public void AnEmptySequenceNamesTheColumnAndTheRow()
    {
        var data = Texts("great coffee", "awful tea", "", "fresh");
        var error = Assert.Throws<InvalidOperationException>(() => Binary(new DeepRnnTrainer.Options { FeatureColumnName = "Tokens", EmbeddingSize = 4, Epochs = 1 }).Fit(data));
        Assert.StartsWith("Training data: feature column 'Tokens' has an empty token sequence at row 2; every row needs at least one token", error.Message);
    }

    [Fact]
    public void AFloatVectorOfTheWrongSizeAtScoring()
    {
        using var model = Binary(new DeepRnnTrainer.Options { SequenceShape = [3, 2], HiddenSize = 2, Epochs = 1 }).Fit(Flat(Ramp(0), Ramp(1)));
        var wrong = _ml.Data.LoadFromEnumerable(new[] { new SequenceRow { Features = Ramp(0) } });
        var two = _ml.Data.LoadFromEnumerable(new[] { new TwoRow { Features = [1, 2] } });
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => model.Transform(two));
        Assert.StartsWith("Schema mismatch for feature column 'Features': expected Vector<Single, 6> (as in training), got Vector<Single, 2>", error.Message);
        Assert.NotNull(model.Transform(wrong)); // 3x2 declared holds the same 6 values in the same order
    }

    private sealed class TwoRow
    {
        [VectorType(2)]
        public float[] Features = [];
    }
}
