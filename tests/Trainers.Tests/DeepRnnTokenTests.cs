using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MLNet.DeepExtensions.Networks.Layers;

namespace MLNet.DeepExtensions.Trainers.Tests;

/// <summary>
/// DeepRnn on token sequences: text through ML.NET's TokenizeIntoWords and MapValueToKey into an Embedding, trained,
/// scored, saved and loaded in another process, exported to ONNX; and the errors for keys of another vocabulary.
/// </summary>
public sealed class DeepRnnTokenTests(ReviewsFixture fixture) : IClassFixture<ReviewsFixture>
{
    private MLContext Ml => fixture.Ml;

    [Fact]
    public void TokenPipelineTrainsAndPredicts()
    {
        var metrics = Ml.BinaryClassification.Evaluate(fixture.Model.Transform(fixture.Test));
        // Chance is 0.5; the label is one word among fillers at a random place, so the network must read the tokens.
        Assert.True(metrics.Accuracy >= 0.9, $"accuracy {metrics.Accuracy:F4}");
        var engine = Ml.Model.CreatePredictionEngine<ReviewRow, BinaryPrediction>(fixture.Model);
        Assert.True(engine.Predict(new ReviewRow { Text = "the coffee was excellent" }).PredictedLabel);
        Assert.False(engine.Predict(new ReviewRow { Text = "the coffee was stale" }).PredictedLabel);
    }

    [Fact]
    public void TheEmbeddingHasOneRowPerKeyPlusTheMissingKey()
    {
        var keys = (KeyDataViewType)((VectorDataViewType)fixture.Model.Transform(fixture.Train).Schema["Tokens"].Type).ItemType;
        var network = fixture.Deep.TrainedNetwork;
        Assert.IsType<EmbeddingLayer>(network.Layers[0]);
        Assert.IsType<GruLayer>(network.Layers[1]);
        // Embedding (count + 1)·8, GRU 3·16·(8 + 16) + 2·3·16, output 16 + 1.
        Assert.Equal(((int)keys.Count + 1) * 8 + 3 * 16 * 24 + 2 * 3 * 16 + 17, fixture.Deep.Network.ParameterCount);
        // The steps are the longest training text (11 words).
        Assert.Equal([11], fixture.Deep.Network.InputShape);
        Assert.Equal(new VectorDataViewType(keys), fixture.Deep.FeatureColumnType);
    }

    [Fact]
    public void UnseenWordsAndLongTextsAreScored()
    {
        var engine = Ml.Model.CreatePredictionEngine<ReviewRow, BinaryPrediction>(fixture.Model);
        // An unseen word is key 0 (the Embedding's row 0); a text longer than the 11 trained steps keeps its first 11 words.
        string head = "the coffee was excellent zebra box a the it my bag";
        var cut = engine.Predict(new ReviewRow { Text = head });
        var longer = engine.Predict(new ReviewRow { Text = head + " awful awful awful awful" });
        Assert.Equal(cut.Score, longer.Score, 5);
        Assert.True(float.IsFinite(cut.Score));
    }

    [Fact]
    public void SaveAndLoadInAnotherProcessGiveTheSameScores()
    {
        string folder = Directory.CreateTempSubdirectory("deeprnn-tokens-save-").FullName;
        try
        {
            // The whole pipeline from the text: a new process with plain ML.NET tokenizes, maps and scores.
            var pipeline = ReviewsFixture.Tokens(Ml, "Features").Append(Ml.BinaryClassification.Trainers.DeepRnn(fixture.Options));
            var train = Ml.Data.LoadFromEnumerable(ReviewsFixture.Reviews(240, seed: 1).Select(r => new TextFeaturesRow { Features = r.Text, Label = r.Label }));
            var model = pipeline.Fit(train);
            using var deep = model.LastTransformer;
            string modelPath = Path.Combine(folder, "model.zip");
            Ml.Model.Save(model, train.Schema, modelPath);
            var texts = ReviewsFixture.Reviews(30, seed: 3).Select(r => r.Text).Append("zebra unseen words only").ToArray();
            var expected = Ml.Data.CreateEnumerable<BinaryPrediction>(model.Transform(Ml.Data.LoadFromEnumerable(texts.Select(t => new TextFeaturesRow { Features = t }))), reuseRowObject: false)
                .Select(p => new[] { p.Score }).ToArray();
            var actual = ModelLoadProbeRunner.TextScores(modelPath, texts, folder);
            DeepRnnAssert.Close(expected, actual, 1e-5);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void OnnxExportMatchesTheEngineThroughOnnxRuntime()
    {
        using var stream = new MemoryStream();
        fixture.Deep.ExportOnnx(stream);
        using var session = new InferenceSession(stream.ToArray());
        var keyed = fixture.Model.Transform(fixture.Test);
        var sequences = keyed.GetColumn<VBuffer<uint>>("Tokens").Take(13).Select(v => v.DenseValues().ToArray()).ToArray();
        int steps = fixture.Deep.Network.InputShape[0];
        // The engine reads ids padded with −1 to the trained steps.
        var padded = sequences.SelectMany(s => Enumerable.Range(0, steps).Select(t => t < s.Length ? (float)s[t] : -1f)).ToArray();
        var engine = fixture.Deep.TrainedNetwork.Predict(padded, sequences.Length);
        var onnx = OnnxScores(session, sequences, steps);
        DeepRnnAssert.Close(engine.Select(v => new[] { v }).ToArray(), onnx, 1e-5);
        Assert.Equal("MLNet.DeepExtensions DeepRnn", session.ModelMetadata.CustomMetadataMap["producer"]);
    }

    [Theory]
    [InlineData(RnnCellType.Lstm)]
    [InlineData(RnnCellType.SimpleRnn)]
    public void StackedBidirectionalTokenModelScoresInMlNetLikeTheEngine(RnnCellType cell)
    {
        // ML.NET's chain feeds each row unpadded (any length, cut to T in the graph); the engine reads ids padded with −1.
        // Equal scores mean the padding is masked the same way in both, through both directions and both layers.
        var options = new DeepRnnTrainer.Options
        {
            FeatureColumnName = "Tokens", CellType = cell, EmbeddingSize = 6, HiddenSize = 5, NumberOfLayers = 2, Bidirectional = true,
            MaxSequenceLength = 6, DenseLayers = [4], Epochs = 2, Seed = 4,
        };
        var model = ReviewsFixture.Tokens(Ml).Append(Ml.MulticlassClassification.Trainers.DeepRnn(options))
            .Fit(Ml.Transforms.Conversion.MapValueToKey("Label").Fit(Multiclass(fixture.Train)).Transform(Multiclass(fixture.Train)));
        using var deep = model.LastTransformer;
        var texts = ReviewsFixture.Reviews(20, seed: 5).Select(r => new ReviewRow { Text = r.Text }).Append(new ReviewRow { Text = "" }).ToArray();
        var scored = model.Transform(Ml.Data.LoadFromEnumerable(texts));
        var chain = TestData.VectorColumn(scored, "Score");
        var sequences = scored.GetColumn<VBuffer<uint>>("Tokens").Select(v => v.DenseValues().ToArray()).ToArray();
        Assert.Empty(sequences[^1]); // an empty text at scoring: no steps, the initial (zero) state
        var padded = sequences.SelectMany(s => Enumerable.Range(0, 6).Select(t => t < s.Length ? (float)s[t] : -1f)).ToArray();
        var engine = DeepRnnAssert.Softmax(deep.TrainedNetwork.Predict(padded, sequences.Length), 2);
        DeepRnnAssert.Close(engine, chain, 1e-5);
        Assert.Contains(sequences, s => s.Length > 6); // some rows are cut to the first 6 tokens
    }

    private IDataView Multiclass(IDataView reviews) =>
        Ml.Data.LoadFromEnumerable(Ml.Data.CreateEnumerable<ReviewRow>(reviews, reuseRowObject: false)
            .Select(r => new TextLabelRow { Text = r.Text, Label = r.Label ? "good" : "bad" }).ToArray());

    [Fact]
    public void ValidationRowsLongerThanTheTrainingStepsAreCutAndEarlyStoppingRuns()
    {
        var options = new DeepRnnTrainer.Options { FeatureColumnName = "Tokens", EmbeddingSize = 4, HiddenSize = 4, Epochs = 30, EarlyStoppingPatience = 1, LearningRate = 1e-4f };
        var shortTexts = Ml.Data.LoadFromEnumerable(ReviewsFixture.Reviews(60, seed: 6).Where(r => r.Text.Split(' ').Length <= 4).ToArray());
        var keys = ReviewsFixture.Tokens(Ml).Fit(fixture.Train);
        using var model = Ml.BinaryClassification.Trainers.DeepRnn(options).Fit(keys.Transform(shortTexts), keys.Transform(fixture.Test));
        Assert.Equal([4], model.Network.InputShape);
        // The validation rows (up to 11 words) were read at the 4 training steps: every epoch has a validation loss.
        Assert.All(model.History.Epochs, e => Assert.True(e.ValidationLoss is { } loss && double.IsFinite(loss)));
        Assert.NotNull(model.History.BestEpoch);
    }

    [Fact]
    public void KeysOfAnotherVocabularyAreAClearErrorAtScoring()
    {
        // Tokens mapped by another MapValueToKey: another key count, so ids past the trained Embedding.
        var other = Ml.Data.LoadFromEnumerable(new[] { new ReviewRow { Text = "completely different words here with more keys than before maybe" } });
        var keyed = ReviewsFixture.Tokens(Ml).Fit(other).Transform(other);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => fixture.Deep.Transform(keyed));
        Assert.Contains("Schema mismatch for feature column 'Tokens': expected a vector of Key<UInt32, 0-", error.Message);
        Assert.Contains("(the token keys the model was trained with), got Vector<Key<UInt32, 0-9>> (variable size)", error.Message);
    }

    [Fact]
    public void MaxSequenceLengthCutsTrainingRowsToTheirFirstTokens()
    {
        var options = new DeepRnnTrainer.Options { FeatureColumnName = "Tokens", EmbeddingSize = 4, HiddenSize = 4, MaxSequenceLength = 3, Epochs = 1 };
        using var model = ReviewsFixture.Tokens(Ml).Append(Ml.BinaryClassification.Trainers.DeepRnn(options)).Fit(fixture.Train).LastTransformer;
        Assert.Equal([3], model.Network.InputShape);
    }

    [Fact]
    public void GetOutputSchemaAcceptsAKeyVector()
    {
        var keyed = ReviewsFixture.Tokens(Ml).Fit(fixture.Train).Transform(fixture.Train);
        var shape = Ml.BinaryClassification.Trainers.DeepRnn(fixture.Options).GetOutputSchema(TestData.ShapeOf(keyed.Schema));
        Assert.Contains(shape, c => c.Name == "Probability");
    }

    // ONNX Runtime one row at a time, as the export takes a row's keys unpadded (any length).
    private static float[][] OnnxScores(InferenceSession session, uint[][] sequences, int steps)
    {
        var input = session.InputMetadata.Single();
        var result = new List<float[]>();
        foreach (var s in sequences)
        {
            NamedOnnxValue value = input.Value.ElementType == typeof(uint)
                ? NamedOnnxValue.CreateFromTensor(input.Key, new DenseTensor<uint>(s, [1, s.Length]))
                : NamedOnnxValue.CreateFromTensor(input.Key, new DenseTensor<float>(s.Select(k => (float)k).ToArray(), [1, s.Length]));
            using var outputs = session.Run([value]);
            result.Add(outputs.First(o => o.Name == "Score").AsTensor<float>().ToArray());
        }
        return result.ToArray();
    }

    public sealed class TextLabelRow
    {
        public string Text = "";

        public string Label = "";
    }

    public sealed class TextFeaturesRow
    {
        public string Features = "";

        public bool Label;
    }

    public sealed class BinaryPrediction
    {
        public bool PredictedLabel;

        public float Score;
    }
}
