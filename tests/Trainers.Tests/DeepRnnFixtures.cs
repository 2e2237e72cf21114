using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.DeepExtensions.Trainers.Tests;

/// <summary>A digit as a sequence: the 64 pixels declared as 8 steps (rows) of 8 features (pixels).</summary>
public sealed class DigitSequenceRow
{
    [VectorType(8, 8)]
    public float[] Features = [];

    public float Label;
}

/// <summary>A short text and whether it is positive.</summary>
public sealed class ReviewRow
{
    public string Text = "";

    public bool Label;
}

/// <summary>One multiclass DeepRnn (LSTM) pipeline fitted on the digits as 8 steps of 8, shared by the tests that only read it.</summary>
public sealed class DigitSequencesFixture : IDisposable
{
    public DigitSequencesFixture()
    {
        Ml = new MLContext(seed: 0);
        var (train, test) = TestData.Digits(Ml);
        Train = AsSequences(Ml, train);
        Test = AsSequences(Ml, test);
        Options = new DeepRnnTrainer.Options { CellType = RnnCellType.Lstm, HiddenSize = 32, Epochs = 15, BatchSize = 32, LearningRate = 3e-3f, Seed = 3 };
        Model = Ml.Transforms.Conversion.MapValueToKey("Label").Append(Ml.MulticlassClassification.Trainers.DeepRnn(Options)).Fit(Train);
    }

    public MLContext Ml { get; }
    public IDataView Train { get; }
    public IDataView Test { get; }
    public DeepRnnTrainer.Options Options { get; }
    public TransformerChain<DeepRnnTransformer> Model { get; }
    public DeepRnnTransformer Deep => Model.LastTransformer;

    /// <summary>The digits rows with their features declared as 8 x 8 sequences.</summary>
    public static IDataView AsSequences(MLContext ml, IDataView digits) =>
        ml.Data.LoadFromEnumerable(ml.Data.CreateEnumerable<DigitRow>(digits, reuseRowObject: false)
            .Select(r => new DigitSequenceRow { Features = r.Features, Label = r.Label }).ToArray());

    public void Dispose() => Deep.Dispose();
}

/// <summary>
/// A tiny sentiment set and one binary token pipeline fitted on it: TokenizeIntoWords then MapValueToKey into a DeepRnn
/// with an Embedding. The label depends on which of two word groups a text holds, among filler words, at a random place.
/// </summary>
public sealed class ReviewsFixture : IDisposable
{
    private static readonly string[] Positive = ["great", "love", "excellent", "tasty", "fresh"];
    private static readonly string[] Negative = ["awful", "hate", "stale", "bland", "broken"];
    private static readonly string[] Filler = ["the", "a", "box", "coffee", "it", "was", "this", "my", "dog", "and", "tea", "very", "arrived", "bag"];

    public ReviewsFixture()
    {
        Ml = new MLContext(seed: 0);
        Train = Ml.Data.LoadFromEnumerable(Reviews(240, seed: 1));
        Test = Ml.Data.LoadFromEnumerable(Reviews(100, seed: 2));
        Options = new DeepRnnTrainer.Options
        {
            FeatureColumnName = "Tokens",
            CellType = RnnCellType.Gru,
            EmbeddingSize = 8,
            HiddenSize = 16,
            Epochs = 12,
            BatchSize = 16,
            LearningRate = 1e-2f,
            Seed = 1,
        };
        Model = Tokens(Ml).Append(Ml.BinaryClassification.Trainers.DeepRnn(Options)).Fit(Train);
    }

    public MLContext Ml { get; }
    public IDataView Train { get; }
    public IDataView Test { get; }
    public DeepRnnTrainer.Options Options { get; }
    public TransformerChain<DeepRnnTransformer> Model { get; }
    public DeepRnnTransformer Deep => Model.LastTransformer;

    /// <summary>Text "Features" to the key vector "Tokens" (the saved model then takes the text itself).</summary>
    public static EstimatorChain<Microsoft.ML.Transforms.ValueToKeyMappingTransformer> Tokens(MLContext ml, string textColumn = "Text") =>
        ml.Transforms.Text.TokenizeIntoWords("Tokens", textColumn).Append(ml.Transforms.Conversion.MapValueToKey("Tokens"));

    /// <summary>Texts of 2 to 11 words: one sentiment word (the label) among fillers.</summary>
    public static ReviewRow[] Reviews(int count, int seed)
    {
        var random = new Random(seed);
        var rows = new ReviewRow[count];
        for (int i = 0; i < count; i++)
        {
            bool positive = random.Next(2) == 1;
            var words = Enumerable.Range(0, random.Next(1, 11)).Select(_ => Filler[random.Next(Filler.Length)]).ToList();
            words.Insert(random.Next(words.Count + 1), (positive ? Positive : Negative)[random.Next(5)]);
            rows[i] = new ReviewRow { Text = string.Join(' ', words), Label = positive };
        }
        return rows;
    }

    public void Dispose() => Deep.Dispose();
}
