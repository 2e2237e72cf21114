using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MLNet.DeepExtensions.Networks.Layers;

namespace MLNet.DeepExtensions.Trainers.Tests;

/// <summary>
/// DeepRnn on float sequences as an ML.NET user meets it: the digits as 8 steps of 8 pixels for each task, the sequence
/// shape from the column or the options, stacked and bidirectional networks, Save and Load in another process, ONNX export.
/// </summary>
public sealed class DeepRnnTests(DigitSequencesFixture fixture) : IClassFixture<DigitSequencesFixture>
{
    private MLContext Ml => fixture.Ml;

    [Fact]
    public void LstmLearnsDigitSequencesAndEvaluates()
    {
        var metrics = Ml.MulticlassClassification.Evaluate(fixture.Model.Transform(fixture.Test));
        // Chance is 0.1; a network whose gradients through time are wrong stays far below this.
        Assert.True(metrics.MicroAccuracy >= 0.93, $"micro-accuracy {metrics.MicroAccuracy:F4}");
        Assert.Equal(10, metrics.ConfusionMatrix.NumberOfClasses);
    }

    [Fact]
    public void SequenceShapeComesFromTheColumnsDimensions()
    {
        var info = fixture.Deep.Network;
        Assert.Equal([8, 8], info.InputShape);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 8, 8), fixture.Deep.FeatureColumnType);
        // LSTM: 4·32·(8 + 32) weights + 2·4·32 biases; output 32·10 + 10.
        Assert.Equal(4 * 32 * (8 + 32) + 2 * 4 * 32 + 32 * 10 + 10, info.ParameterCount);
        var layers = fixture.Deep.TrainedNetwork.Layers;
        Assert.IsType<LstmLayer>(layers[0]); // digits / 16 lie in [0, 1]: Auto leaves them as they come
        Assert.IsType<DenseLayer>(layers[^1]);
    }

    [Fact]
    public void DefaultsAreAnLstmOf128WithGradientClipping()
    {
        var options = new DeepRnnTrainer.Options();
        Assert.Equal(RnnCellType.Lstm, options.CellType);
        Assert.Equal(128, options.HiddenSize);
        Assert.Equal(1, options.NumberOfLayers);
        Assert.Equal(1f, options.GradientClipNorm);
        Assert.Equal(0f, new DeepMlpTrainer.Options().GradientClipNorm);
        var overridden = new DeepRnnTrainer.Options { GradientClipNorm = 0f };
        overridden.Validate();
        Assert.Equal(0f, overridden.GradientClipNorm);
    }

    [Fact]
    public void AFlatColumnTakesTheShapeFromTheOptionsAndIsStandardizedPerFeature()
    {
        var (train, _) = TestData.Digits(Ml);
        // Raw 0..16 pixels in a flat Vector<Single, 64>: SequenceShape reads them as 8 steps of 8.
        var data = Ml.Data.LoadFromEnumerable(Ml.Data.CreateEnumerable<DigitRow>(train, reuseRowObject: false).Take(200)
            .Select(r => new DigitRow { Features = r.Features.Select(v => v * 16f).ToArray(), Label = r.Label }).ToArray());
        var options = new DeepRnnTrainer.Options { SequenceShape = [8, 8], HiddenSize = 8, Epochs = 1, Seed = 1 };
        using var model = Keyed(data, options).LastTransformer;
        Assert.Equal([8, 8], model.Network.InputShape);
        // Standardized inside the model with one mean and deviation per feature (pixel column), the same at every step.
        var network = model.TrainedNetwork;
        var standardization = Assert.IsType<StandardizationLayer>(network.Layers[0]);
        var scale = new float[64];
        network.Backend.Download(standardization.Scale.Value, scale);
        for (int t = 1; t < 8; t++) Assert.Equal(scale.AsSpan(0, 8).ToArray(), scale.AsSpan(t * 8, 8).ToArray());
        Assert.NotEqual(scale[3], scale[4]); // columns differ: per feature, not one number for all
    }

    [Fact]
    public void BinaryGruAndRegressionSimpleRnnLearnTheDigits()
    {
        var (train, test) = TestData.Digits(Ml);
        IDataView Big(IDataView d) => Ml.Data.LoadFromEnumerable(Ml.Data.CreateEnumerable<DigitRow>(d, reuseRowObject: false)
            .Select(r => new BinarySequenceRow { Features = r.Features, Label = r.Label >= 5 }));
        var binary = Ml.BinaryClassification.Trainers.DeepRnn(new DeepRnnTrainer.Options { CellType = RnnCellType.Gru, HiddenSize = 24, Epochs = 6, LearningRate = 3e-3f, Seed = 2 });
        using (var model = binary.Fit(Big(train)))
        {
            var metrics = Ml.BinaryClassification.Evaluate(model.Transform(Big(test)));
            Assert.True(metrics.Accuracy >= 0.85, $"binary accuracy {metrics.Accuracy:F4}"); // chance 0.5
        }
        var regression = Ml.Regression.Trainers.DeepRnn(new DeepRnnTrainer.Options { CellType = RnnCellType.SimpleRnn, HiddenSize = 24, Epochs = 6, LearningRate = 3e-3f, Seed = 2 });
        using (var model = regression.Fit(DigitSequencesFixture.AsSequences(Ml, train)))
        {
            var metrics = Ml.Regression.Evaluate(model.Transform(DigitSequencesFixture.AsSequences(Ml, test)));
            // The labels 0..9 have a standard deviation of about 2.9: predicting the mean scores an RMSE of 2.9.
            Assert.True(metrics.RootMeanSquaredError <= 2.0, $"regression RMSE {metrics.RootMeanSquaredError:F3}");
        }
    }

    [Fact]
    public void StackedBidirectionalWithDenseLayersBuildsTheDocumentedNetwork()
    {
        var options = new DeepRnnTrainer.Options
        {
            CellType = RnnCellType.Gru, HiddenSize = 6, NumberOfLayers = 2, Bidirectional = true, DenseLayers = [5], DropoutRate = 0.1f,
            Epochs = 1, Seed = 1,
        };
        using var model = Keyed(Subset(120), options).LastTransformer;
        var layers = model.TrainedNetwork.Layers;
        var first = Assert.IsType<BidirectionalLayer>(layers[0]);
        Assert.True(first.ForwardLayer.ReturnSequences);
        var second = Assert.IsType<BidirectionalLayer>(layers[1]);
        Assert.False(second.ForwardLayer.ReturnSequences);
        Assert.IsType<GruLayer>(second.BackwardLayer);
        Assert.IsType<DropoutLayer>(layers[2]);
        Assert.IsType<DenseLayer>(layers[3]);
        // GRU per direction: 3·6·(F + 6) + 2·3·6; layer 1 reads F = 8, layer 2 reads 12; dense 12→5, output 5→10.
        int gru(int f) => 3 * 6 * (f + 6) + 2 * 3 * 6;
        Assert.Equal(2 * gru(8) + 2 * gru(12) + 12 * 5 + 5 + 5 * 10 + 10, model.Network.ParameterCount);
        Assert.Equal(10, TestData.VectorColumn(model.Transform(Keys(Subset(120)).Transform(Subset(7))), "Score")[0].Length);
    }

    [Fact]
    public void SimpleOverloadUsesItsArguments()
    {
        var trainer = Ml.MulticlassClassification.Trainers.DeepRnn(cellType: RnnCellType.SimpleRnn, hiddenSize: 5, epochs: 1);
        using var model = Ml.Transforms.Conversion.MapValueToKey("Label").Append(trainer).Fit(Subset(50)).LastTransformer;
        Assert.IsType<SimpleRnnLayer>(model.TrainedNetwork.Layers[0]);
        Assert.Equal(5, ((RecurrentLayer)model.TrainedNetwork.Layers[0]).HiddenSize);
    }

    [Fact]
    public void SaveAndLoadInAnotherProcessGiveTheSameScores()
    {
        string folder = Directory.CreateTempSubdirectory("deeprnn-save-").FullName;
        try
        {
            string modelPath = Path.Combine(folder, "model.zip");
            Ml.Model.Save(fixture.Model, fixture.Train.Schema, modelPath);
            var rows = Ml.Data.CreateEnumerable<DigitSequenceRow>(fixture.Test, reuseRowObject: false).Take(40).ToArray();
            var expected = TestData.VectorColumn(fixture.Model.Transform(Ml.Data.LoadFromEnumerable(rows)), "Score");
            var actual = ModelLoadProbeRunner.Scores(modelPath, rows.Select(r => r.Features), folder);
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
        Assert.Equal([-1, 8, 8], session.InputMetadata["Features"].Dimensions);
        var rows = Ml.Data.CreateEnumerable<DigitSequenceRow>(fixture.Test, reuseRowObject: false).Take(17).ToArray();
        var features = rows.SelectMany(r => r.Features).ToArray();
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("Features", new DenseTensor<float>(features, [rows.Length, 8, 8]))]);
        var onnx = results.First(r => r.Name == "Score").AsTensor<float>();
        var engine = DeepRnnAssert.Softmax(fixture.Deep.TrainedNetwork.Predict(features, rows.Length), 10);
        DeepRnnAssert.Close(engine, Enumerable.Range(0, rows.Length).Select(r => Enumerable.Range(0, 10).Select(c => onnx[r, c]).ToArray()).ToArray(), 1e-5);
        Assert.Equal("MLNet.DeepExtensions DeepRnn", session.ModelMetadata.CustomMetadataMap["producer"]);
        Assert.Equal("8x8", session.ModelMetadata.CustomMetadataMap["input_shape"]);
    }

    private IDataView Subset(int count) => Ml.Data.TakeRows(fixture.Train, count);

    private ITransformer Keys(IDataView data) => Ml.Transforms.Conversion.MapValueToKey("Label").Fit(data);

    private TransformerChain<DeepRnnTransformer> Keyed(IDataView data, DeepRnnTrainer.Options options) =>
        Ml.Transforms.Conversion.MapValueToKey("Label").Append(Ml.MulticlassClassification.Trainers.DeepRnn(options)).Fit(data);

    /// <summary>A digit sequence with a Boolean label (digit ≥ 5).</summary>
    public sealed class BinarySequenceRow
    {
        [VectorType(8, 8)]
        public float[] Features = [];

        public bool Label;
    }
}

/// <summary>Comparisons shared by the DeepRnn tests.</summary>
internal static class DeepRnnAssert
{
    public static void Close(float[][] expected, float[][] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int r = 0; r < expected.Length; r++)
        {
            Assert.Equal(expected[r].Length, actual[r].Length);
            for (int c = 0; c < expected[r].Length; c++)
            {
                Assert.True(Math.Abs(expected[r][c] - actual[r][c]) <= tolerance, $"row {r} column {c}: {expected[r][c]} vs {actual[r][c]}");
            }
        }
    }

    /// <summary>Rows of class probabilities from rows of logits.</summary>
    public static float[][] Softmax(float[] logits, int classes) =>
        logits.Chunk(classes).Select(row =>
        {
            float max = row.Max();
            var e = row.Select(v => Math.Exp(v - max)).ToArray();
            double sum = e.Sum();
            return e.Select(v => (float)(v / sum)).ToArray();
        }).ToArray();
}
