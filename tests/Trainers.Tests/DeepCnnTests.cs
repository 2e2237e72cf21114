using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace MLNet.DeepExtensions.Trainers.Tests;

/// <summary>
/// DeepCnn as an ML.NET user meets it: the image shape from the column or the options, Fit / Evaluate, Save and Load
/// in another process, ONNX export, presets, augmentation, regression, and the errors for bad shapes and options.
/// </summary>
public sealed class DeepCnnTests(DigitImagesFixture fixture) : IClassFixture<DigitImagesFixture>
{
    private MLContext Ml => fixture.Ml;

    [Fact]
    public void LearnsDigitImagesAndEvaluates()
    {
        var metrics = Ml.MulticlassClassification.Evaluate(fixture.Model.Transform(fixture.Test));
        Assert.True(metrics.MicroAccuracy >= 0.95, $"micro-accuracy {metrics.MicroAccuracy:F4}");
        Assert.Equal(10, metrics.ConfusionMatrix.NumberOfClasses);
    }

    [Fact]
    public void ImageShapeComesFromTheColumnsDimensions()
    {
        var info = fixture.Deep.Network;
        Assert.Equal([1, 8, 8], info.InputShape);
        Assert.Equal(64, info.InputSize);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 1, 8, 8), fixture.Deep.FeatureColumnType);
        Assert.StartsWith("Conv2D(16, 3x3, stride 1, padding 1)", info.Architecture);
        // conv 1→16 (144 + 16), conv 16→32 (4608 + 32), batch norm (64), dense 32·2·2→64 (8256), output 64→10 (650).
        Assert.Equal(144 + 16 + 4608 + 32 + 64 + 128 * 64 + 64 + 64 * 10 + 10, info.ParameterCount);
    }

    [Fact]
    public void AFlatColumnTakesTheShapeFromTheOptions()
    {
        var (train, test) = TestData.Digits(Ml);
        var options = SmallOptions();
        options.ImageShape = [1, 8, 8];
        using var model = Ml.Transforms.Conversion.MapValueToKey("Label").Append(Ml.MulticlassClassification.Trainers.DeepCnn(options)).Fit(train).LastTransformer;
        Assert.Equal([1, 8, 8], model.Network.InputShape);
        var scored = model.Transform(Ml.Transforms.Conversion.MapValueToKey("Label").Fit(train).Transform(test));
        Assert.Equal(359, TestData.VectorColumn(scored, "Score").Length);
    }

    [Fact]
    public void AFlatColumnWithoutImageShapeIsAClearError()
    {
        var (train, _) = TestData.Digits(Ml);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Keyed(train, SmallOptions()));
        Assert.Contains("Feature column 'Features' is Vector<Single, 64>, which does not declare an image shape; set DeepCnnTrainer.Options.ImageShape", error.Message);
    }

    [Fact]
    public void ImageShapeThatDisagreesWithTheColumnNamesBoth()
    {
        var options = SmallOptions();
        options.ImageShape = [1, 4, 16];
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Keyed(fixture.Train, options));
        Assert.Contains("Feature column 'Features' declares images of 1x8x8", error.Message);
        Assert.Contains("DeepCnnTrainer.Options.ImageShape is 1x4x16", error.Message);
    }

    [Fact]
    public void ImageShapeWithTheWrongSizeForAFlatColumnNamesBoth()
    {
        var (train, _) = TestData.Digits(Ml);
        var options = SmallOptions();
        options.ImageShape = [3, 8, 8];
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Keyed(train, options));
        Assert.Contains("DeepCnnTrainer.Options.ImageShape 3x8x8 holds 192 values, but feature column 'Features' has 64", error.Message);
    }

    [Theory]
    [InlineData("ImageShape")]
    [InlineData("RandomCropPadding")]
    [InlineData("GaussianNoiseStandardDeviation")]
    [InlineData("Layers")]
    [InlineData("Epochs")]
    public void InvalidOptionsAreRejectedByName(string field)
    {
        var options = SmallOptions();
        switch (field)
        {
            case "ImageShape": options.ImageShape = [1, 0, 8]; break;
            case "RandomCropPadding": options.RandomCropPadding = -1; break;
            case "GaussianNoiseStandardDeviation": options.GaussianNoiseStandardDeviation = float.NaN; break;
            case "Layers": options.Layers = []; break;
            default: options.Epochs = 0; break;
        }
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Ml.MulticlassClassification.Trainers.DeepCnn(options));
        Assert.StartsWith($"DeepCnnTrainer.Options.{field} must be", error.Message);
    }

    [Fact]
    public void CropPaddingAsLargeAsTheImageIsRejectedBeforeReadingRows()
    {
        var options = SmallOptions();
        options.RandomCropPadding = 8;
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Keyed(fixture.Train, options));
        Assert.Contains("RandomCropPadding must be less than the image height and width (1x8x8); got 8", error.Message);
    }

    [Fact]
    public void SpatialLayerAfterFlattenIsAClearError()
    {
        var options = SmallOptions();
        options.Layers = [CnnLayer.Flatten(), CnnLayer.Conv2D(4, 3)];
        var error = Assert.Throws<InvalidOperationException>(() => Keyed(fixture.Train, options));
        Assert.Contains("CnnLayer.Conv2D needs an image (channels, height, width) input", error.Message);
    }

    [Fact]
    public void SaveAndLoadInAnotherProcessGiveTheSameScores()
    {
        string folder = Directory.CreateTempSubdirectory("deepcnn-save-").FullName;
        try
        {
            string modelPath = Path.Combine(folder, "model.zip");
            Ml.Model.Save(fixture.Model, fixture.Train.Schema, modelPath);
            var rows = Ml.Data.CreateEnumerable<DigitImageRow>(fixture.Test, reuseRowObject: false).Take(40).ToArray();
            var expected = TestData.VectorColumn(fixture.Model.Transform(Ml.Data.LoadFromEnumerable(rows)), "Score");
            var actual = ModelLoadProbeRunner.Scores(modelPath, rows.Select(r => r.Features), folder);
            AssertClose(expected, actual);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void OnnxExportTakesImagesAndMatchesOnnxRuntime()
    {
        using var stream = new MemoryStream();
        fixture.Deep.ExportOnnx(stream);
        using var session = new InferenceSession(stream.ToArray());
        Assert.Equal([-1, 1, 8, 8], session.InputMetadata["Features"].Dimensions);
        var rows = Ml.Data.CreateEnumerable<DigitImageRow>(fixture.Test, reuseRowObject: false).Take(17).ToArray();
        var input = new DenseTensor<float>(rows.SelectMany(r => r.Features).ToArray(), [rows.Length, 1, 8, 8]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("Features", input)]);
        var onnx = results.First(r => r.Name == "Score").AsTensor<float>();
        var expected = TestData.VectorColumn(fixture.Model.Transform(Ml.Data.LoadFromEnumerable(rows)), "Score");
        AssertClose(expected, Enumerable.Range(0, rows.Length).Select(r => Enumerable.Range(0, 10).Select(c => onnx[r, c]).ToArray()).ToArray());
        Assert.Equal("MLNet.DeepExtensions DeepCnn", session.ModelMetadata.CustomMetadataMap["producer"]);
        Assert.Equal("1x8x8", session.ModelMetadata.CustomMetadataMap["input_shape"]);
    }

    [Theory]
    [InlineData(CnnArchitecture.LeNet5, 61_706)]
    [InlineData(CnnArchitecture.SmallVgg, 468_010)]
    [InlineData(CnnArchitecture.SmallResNet, 174_970)]
    public void PresetsBuildTrainAndScoreOn28x28Images(CnnArchitecture architecture, int parameters)
    {
        // Hand counts for 10 classes. LeNet5: 156 + 2,416 + 48,120 + 10,164 + 850. SmallVgg: convs 64,800 (no bias),
        // batch norms 384, FC 401,536, output 1,290. SmallResNet: stem 176, stage 1 9,344, stage 2 33,088, stage 3 131,712, output 650.
        var data = Ml.Data.LoadFromEnumerable(SyntheticImages(60, 28, seed: 1));
        var options = new DeepCnnTrainer.Options { Architecture = architecture, Epochs = 10, BatchSize = 8 };
        using var model = Keyed(data, options).LastTransformer;
        Assert.Equal(parameters, model.Network.ParameterCount);
        // Scored on 100 images it has not seen; chance is 0.1. Measured: 1.0 for all three from 6 epochs (48 steps) on, while
        // SmallResNet gets 0.53 after 5, so 10 epochs leave a margin that a model which does not learn cannot cover.
        var heldOut = Ml.Data.LoadFromEnumerable(SyntheticImages(100, 28, seed: 2));
        var metrics = Ml.MulticlassClassification.Evaluate(model.Transform(Ml.Transforms.Conversion.MapValueToKey("Label").Fit(data).Transform(heldOut)));
        Assert.True(metrics.MicroAccuracy >= 0.9, $"{architecture}: held-out micro-accuracy {metrics.MicroAccuracy:F4}");
    }

    [Fact]
    public void AugmentationTrainsButScoringIsDeterministicAndUnaugmented()
    {
        // Shifts and noise suit digits; mirror images do not (a mirrored 2 is no digit), so flips are only checked for their place.
        var options = SmallOptions();
        options.RandomCropPadding = 1;
        options.GaussianNoiseStandardDeviation = 0.05f;
        options.Epochs = 10;
        using var model = Keyed(fixture.Train, options).LastTransformer;
        Assert.StartsWith("RandomCrop", model.Network.Architecture);
        options.RandomHorizontalFlip = true;
        options.Epochs = 1;
        using (var flipped = Keyed(fixture.Train, options).LastTransformer) Assert.StartsWith("RandomHorizontalFlip", flipped.Network.Architecture);
        var keyedTest = Ml.Transforms.Conversion.MapValueToKey("Label").Fit(fixture.Train).Transform(fixture.Test);
        var first = TestData.VectorColumn(model.Transform(keyedTest), "Score");
        var second = TestData.VectorColumn(model.Transform(keyedTest), "Score");
        Assert.Equal(first, second);
        var metrics = Ml.MulticlassClassification.Evaluate(model.Transform(keyedTest));
        Assert.True(metrics.MicroAccuracy >= 0.85, $"micro-accuracy with augmentation {metrics.MicroAccuracy:F4}");
    }

    [Fact]
    public void SameSeedGivesTheSameModelAndAnotherSeedAnother()
    {
        static float[][] Scores(MLContext ml, IDataView train, int seed)
        {
            var options = SmallOptions();
            options.Seed = seed;
            options.RandomCropPadding = 1;
            options.Epochs = 2;
            using var model = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.MulticlassClassification.Trainers.DeepCnn(options)).Fit(train).LastTransformer;
            return TestData.VectorColumn(model.Transform(ml.Transforms.Conversion.MapValueToKey("Label").Fit(train).Transform(ml.Data.TakeRows(train, 50))), "Score");
        }
        var a = Scores(Ml, fixture.Train, 7);
        Assert.Equal(a, Scores(Ml, fixture.Train, 7));
        Assert.NotEqual(a, Scores(Ml, fixture.Train, 8));
    }

    [Fact]
    public void RegressionPredictsTheDigitValue()
    {
        var options = SmallOptions();
        options.Layers = fixture.Options.Layers;
        options.Epochs = 20;
        using var model = Ml.Regression.Trainers.DeepCnn(options).Fit(fixture.Train);
        var metrics = Ml.Regression.Evaluate(model.Transform(fixture.Test));
        // Predicting the mean (labels 0..9, roughly uniform) gives RMSE ≈ 2.87; the network must do far better.
        Assert.True(metrics.RootMeanSquaredError < 1.2, $"RMSE {metrics.RootMeanSquaredError:F3}");
    }

    [Fact]
    public void SimpleOverloadUsesTheDefaults()
    {
        var trainer = Ml.MulticlassClassification.Trainers.DeepCnn(architecture: CnnArchitecture.SmallVgg, imageShape: [1, 28, 28], epochs: 3);
        Assert.Equal(DeepTask.MulticlassClassification, trainer.Task);
        var output = trainer.GetOutputSchema(TestData.ShapeOf(Ml.Transforms.Conversion.MapValueToKey("Label").Fit(fixture.Train).Transform(fixture.Train).Schema));
        Assert.Contains(output, c => c.Name == "PredictedLabel" && c.IsKey);
    }

    [Fact]
    public void ImageFolderPipelineThroughImageAnalytics()
    {
        // Digit PNGs in one folder per class, read back through LoadImages → ResizeImages → ExtractPixels (RGB, planar).
        string folder = Directory.CreateTempSubdirectory("deepcnn-images-").FullName;
        try
        {
            var rows = new List<ImageFile>();
            foreach (var (digit, i) in Ml.Data.CreateEnumerable<DigitRow>(TestData.Digits(Ml).Train, reuseRowObject: false).Take(300).Select((d, i) => (d, i)))
            {
                string relative = Path.Combine(((int)digit.Label).ToString(System.Globalization.CultureInfo.InvariantCulture), $"{i}.png");
                Directory.CreateDirectory(Path.Combine(folder, Path.GetDirectoryName(relative)!));
                var bgra = new byte[8 * 8 * 4];
                for (int p = 0; p < 64; p++)
                {
                    byte v = (byte)Math.Round(digit.Features[p] * 255);
                    (bgra[4 * p], bgra[4 * p + 1], bgra[4 * p + 2], bgra[4 * p + 3]) = (v, v, v, 255);
                }
                using (var image = MLImage.CreateFromPixels(8, 8, MLPixelFormat.Bgra32, bgra)) image.Save(Path.Combine(folder, relative));
                rows.Add(new ImageFile { ImagePath = relative, Label = Path.GetDirectoryName(relative)! });
            }
            var data = Ml.Data.LoadFromEnumerable(rows);
            var options = SmallOptions();
            options.Epochs = 10;
            options.BatchSize = 16;
            var pipeline = Ml.Transforms.Conversion.MapValueToKey("Label")
                .Append(Ml.Transforms.LoadImages("Image", folder, "ImagePath"))
                .Append(Ml.Transforms.ResizeImages("Image", 12, 12))
                .Append(Ml.Transforms.ExtractPixels("Features", "Image", scaleImage: 1f / 255))
                .Append(Ml.MulticlassClassification.Trainers.DeepCnn(options));
            var model = pipeline.Fit(data);
            using var deep = model.LastTransformer;
            Assert.Equal([3, 12, 12], deep.Network.InputShape);
            var metrics = Ml.MulticlassClassification.Evaluate(model.Transform(data));
            Assert.True(metrics.MicroAccuracy >= 0.8, $"training micro-accuracy {metrics.MicroAccuracy:F4}");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private TransformerChain<DeepCnnTransformer> Keyed(IDataView data, DeepCnnTrainer.Options options) =>
        Ml.Transforms.Conversion.MapValueToKey("Label").Append(Ml.MulticlassClassification.Trainers.DeepCnn(options)).Fit(data);

    private static DeepCnnTrainer.Options SmallOptions() => new()
    {
        Layers = [CnnLayer.Conv2D(8, 3, padding: 1), CnnLayer.Relu(), CnnLayer.MaxPool(2), CnnLayer.Flatten(), CnnLayer.Dense(32), CnnLayer.Relu()],
        Epochs = 3,
        BatchSize = 32,
    };

    /// <summary>Ten classes of noisy 1 x size x size images: class k has a bright vertical band in the k-th tenth of the width.</summary>
    private static IEnumerable<ImageRow28> SyntheticImages(int count, int size, int seed)
    {
        var random = new Random(seed);
        for (int i = 0; i < count; i++)
        {
            int label = i % 10;
            var pixels = new float[size * size];
            for (int y = 0; y < size; y++)
            {
                for (int x = 0; x < size; x++) pixels[y * size + x] = (float)random.NextDouble() * 0.3f + (x * 10 / size == label ? 0.7f : 0f);
            }
            yield return new ImageRow28 { Features = pixels, Label = label };
        }
    }

    private static void AssertClose(float[][] expected, float[][] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int r = 0; r < expected.Length; r++)
        {
            Assert.Equal(expected[r].Length, actual[r].Length);
            for (int c = 0; c < expected[r].Length; c++) Assert.True(Math.Abs(expected[r][c] - actual[r][c]) <= 1e-5, $"row {r} class {c}: {expected[r][c]} vs {actual[r][c]}");
        }
    }

    /// <summary>A row of an image-folder data set: the file's path relative to the folder and its class (the subfolder).</summary>
    public sealed class ImageFile
    {
        public string ImagePath = "";
        public string Label = "";
    }

    /// <summary>A 28 x 28 grayscale image with its dimensions declared.</summary>
    public sealed class ImageRow28
    {
        [VectorType(1, 28, 28)]
        public float[] Features = [];

        public float Label;
    }
}
