using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLNet.DeepExtensions.Networks;
using MLNet.DeepExtensions.Networks.Layers;

namespace MLNet.DeepExtensions;

/// <summary>
/// Trains a recurrent network (SimpleRNN, LSTM or GRU; stacked, optionally bidirectional) on sequences inside an ML.NET
/// pipeline, for multiclass or binary classification or regression. Created by
/// <c>ml.MulticlassClassification.Trainers.DeepRnn</c>, <c>ml.BinaryClassification.Trainers.DeepRnn</c> or
/// <c>ml.Regression.Trainers.DeepRnn</c>.
/// </summary>
/// <remarks>
/// <para>Trainer characteristics:</para>
/// <list type="table">
/// <item><term>Tasks</term><description>multiclass (key label), binary (Boolean label), regression (Single label)</description></item>
/// <item><term>Features: numbers</term><description>a known-size vector of Single read as [steps, features] (<see cref="Options.SequenceShape"/>, or the column's two dimensions); standardized per feature over all steps inside the model (<see cref="DeepTrainerOptions.NormalizeFeatures"/> Auto)</description></item>
/// <item><term>Features: tokens</term><description>a vector of keys, variable length (<c>TokenizeIntoWords</c> then <c>MapValueToKey</c>), with <see cref="Options.EmbeddingSize"/> set: an Embedding of key count + 1 rows, rows padded to <see cref="Options.MaxSequenceLength"/> and masked</description></item>
/// <item><term>Hardware</term><description>a GPU through ILGPU (CUDA/OpenCL) or the managed SIMD CPU backend</description></item>
/// <item><term>ONNX</term><description>yes: <see cref="DeepNetworkTransformer.ExportOnnx(Stream)"/> (LSTM, GRU, RNN, Gather nodes), and saved models embed ONNX</description></item>
/// </list>
/// <para>Network: [Standardization] or Embedding → <see cref="Options.NumberOfLayers"/> recurrent layers of
/// <see cref="Options.HiddenSize"/> units (each wrapped in Bidirectional when set; all but the last return their whole
/// sequence) [→ Dropout] → for each of <see cref="Options.DenseLayers"/>: Dense → activation [→ Dropout] → a Dense output
/// layer with one unit per class (multiclass, softmax cross-entropy) or one unit (binary: sigmoid cross-entropy; regression:
/// mean squared error). Gradients are clipped at a global norm of 1 by default (see <see cref="Options"/>).</para>
/// </remarks>
public sealed partial class DeepRnnTrainer : DeepTrainerBase<DeepRnnTransformer>
{
    private readonly Options _options;

    internal DeepRnnTrainer(IHostEnvironment environment, DeepTask task, Options options) : base(environment, "DeepRnn", task, options)
    {
        _options = options;
    }

    /// <summary>
    /// Trains on <paramref name="trainData"/> and, when given, reports metrics and early-stops on <paramref name="validationData"/>.
    /// </summary>
    public override DeepRnnTransformer Fit(IDataView trainData, IDataView? validationData)
    {
        ArgumentNullException.ThrowIfNull(trainData);
        CheckFeatureKind(trainData.Schema, _options, "Training data");
        if (validationData is not null) CheckFeatureKind(validationData.Schema, _options, "Validation data");
        var tokens = _options.ReadsTokens ? new TokenSequences(_options.MaxSequenceLength) : null;
        var fit = DeepNetworkFit.Fit(Host, "DeepRnn", Head, _options, trainData, validationData,
            schema => tokens is null ? SequenceShapeOf(schema, _options) : new TensorShape(1), // tokens: the steps come from the rows
            outputs => BuildLayers(outputs, tokens is null ? 0 : TrainingDataReader.KeyCountOf(trainData.Schema[_options.FeatureColumnName])),
            tokens);
        return new DeepRnnTransformer(fit);
    }

    /// <summary>
    /// A float column needs EmbeddingSize = 0 and a key column needs it positive: the error names the option and the column's type.
    /// </summary>
    internal static void CheckFeatureKind(DataViewSchema schema, Options o, string dataName)
    {
        var column = schema.GetColumnOrNull(o.FeatureColumnName);
        if (column is null) return; // the shared schema check names the missing column
        var type = column.Value.Type;
        bool keys = type is VectorDataViewType { ItemType: KeyDataViewType };
        if (keys && !o.ReadsTokens) throw KeysWithoutEmbedding($"{dataName}: feature column '{o.FeatureColumnName}' is {TrainingDataReader.Describe(type)}", o);
        if (!keys && o.ReadsTokens)
        {
            throw new ArgumentOutOfRangeException(nameof(Options.EmbeddingSize),
                $"{dataName}: DeepRnnTrainer.Options.EmbeddingSize = {o.EmbeddingSize} reads token keys, but feature column '{o.FeatureColumnName}' is {TrainingDataReader.Describe(type)}; " +
                "expected a vector of keys (TokenizeIntoWords then MapValueToKey), or set EmbeddingSize to 0 for a float sequence.");
        }
    }

    /// <summary>
    /// The error for a column of token keys given to a model without an Embedding; <paramref name="found"/> names the
    /// column and its type. Also raised by GetOutputSchema, which an estimator chain calls before Fit.
    /// </summary>
    internal static ArgumentOutOfRangeException KeysWithoutEmbedding(string found, Options o) => new(nameof(Options.EmbeddingSize),
        $"{found}, a vector of token keys, but DeepRnnTrainer.Options.EmbeddingSize is 0; " +
        "set EmbeddingSize (e.g. 64) to read it through an Embedding (the simple DeepRnn overloads read float sequences only: use the Options overload), " +
        "or give a known-size vector of Single with SequenceShape.");

    /// <summary>
    /// The (steps, features) of one float sequence: the column's two declared dimensions, else <see cref="Options.SequenceShape"/>;
    /// a disagreement, a wrong size, or neither is an error naming both.
    /// </summary>
    internal static TensorShape SequenceShapeOf(DataViewSchema schema, Options o)
    {
        var vector = (VectorDataViewType)schema[o.FeatureColumnName].Type; // CheckSchema ran first: a known-size vector of Single
        var dims = vector.Dimensions;
        string? option = o.SequenceShape is null ? null : string.Join("x", o.SequenceShape);
        if (dims.Length == 2)
        {
            if (o.SequenceShape is not null && !o.SequenceShape.AsSpan().SequenceEqual(dims.AsSpan()))
            {
                throw new ArgumentOutOfRangeException(nameof(Options.SequenceShape),
                    $"Feature column '{o.FeatureColumnName}' declares sequences of {dims[0]}x{dims[1]} (steps x features, from its type {TrainingDataReader.Describe(vector)}), " +
                    $"but DeepRnnTrainer.Options.SequenceShape is {option}; set SequenceShape to null or to the column's shape.");
            }
            return new TensorShape(dims[0], dims[1]);
        }
        if (o.SequenceShape is null)
        {
            throw new ArgumentOutOfRangeException(nameof(Options.SequenceShape),
                $"Feature column '{o.FeatureColumnName}' is {TrainingDataReader.Describe(vector)}, which does not declare a sequence shape; " +
                $"set DeepRnnTrainer.Options.SequenceShape to [steps, features] (e.g. [28, 28] for 784 pixels read row by row, or [{vector.Size}, 1] for one value per step).");
        }
        long size = (long)o.SequenceShape[0] * o.SequenceShape[1];
        if (size != vector.Size)
        {
            throw new ArgumentOutOfRangeException(nameof(Options.SequenceShape),
                $"DeepRnnTrainer.Options.SequenceShape {option} (steps x features) holds {size} values, but feature column '{o.FeatureColumnName}' has {vector.Size} ({TrainingDataReader.Describe(vector)}).");
        }
        return new TensorShape(o.SequenceShape[0], o.SequenceShape[1]);
    }

    /// <param name="outputs">Units of the output layer.</param>
    /// <param name="keyCount">The feature key type's count for token keys (the Embedding has keyCount + 1 rows), 0 for floats.</param>
    private List<Layer> BuildLayers(int outputs, int keyCount)
    {
        var o = _options;
        var layers = new List<Layer>();
        if (keyCount > 0) layers.Add(new EmbeddingLayer(keyCount + 1, o.EmbeddingSize));
        for (int i = 0; i < o.NumberOfLayers; i++)
        {
            bool sequences = i < o.NumberOfLayers - 1; // every layer but the last hands its whole sequence on
            layers.Add(o.Bidirectional ? new BidirectionalLayer(Cell(sequences), Cell(sequences)) : Cell(sequences));
        }
        if (o.DropoutRate > 0f) layers.Add(new DropoutLayer(o.DropoutRate));
        foreach (int units in o.DenseLayers ?? [])
        {
            layers.Add(new DenseLayer(units));
            layers.Add(new ActivationLayer(o.Activation));
            if (o.DropoutRate > 0f) layers.Add(new DropoutLayer(o.DropoutRate));
        }
        layers.Add(new DenseLayer(outputs));
        return layers;
    }

    private RecurrentLayer Cell(bool returnSequences) => _options.CellType switch
    {
        RnnCellType.SimpleRnn => new SimpleRnnLayer(_options.HiddenSize, returnSequences: returnSequences),
        RnnCellType.Gru => new GruLayer(_options.HiddenSize, returnSequences),
        _ => new LstmLayer(_options.HiddenSize, returnSequences),
    };
}
