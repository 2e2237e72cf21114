using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.DeepExtensions.Networks;
using MLNet.DeepExtensions.Networks.Onnx;
using MLNet.DeepExtensions.Networks.Training;
using MLNet.DeepExtensions.Tasks;

namespace MLNet.DeepExtensions;

/// <summary>
/// A trained deep network (perceptron, CNN, recurrent network) in an ML.NET pipeline. Transform adds the task's standard columns — multiclass:
/// Score (class probabilities in the label key's order) and PredictedLabel (a key like Label); binary: Score (logit),
/// Probability, PredictedLabel (Boolean); regression: Score — so Evaluate, CrossValidate and PredictionEngine work
/// unchanged.
/// </summary>
/// <remarks>
/// Save format: <c>ml.Model.Save</c> writes an equivalent chain of ML.NET's own transformers — an OnnxTransformer
/// holding the network as ONNX bytes inside the model zip (architecture in the ONNX metadata), then ML.NET's standard
/// prediction transformer of the task over the network's outputs. <c>ml.Model.Load</c> returns that chain; it needs
/// Microsoft.ML.OnnxTransformer, not this package. Scoring goes through the same chain, so a loaded model predicts exactly as the fitted one.
/// The transformer also owns the trained network on its compute backend (for <see cref="ExportOnnx(Stream)"/>);
/// dispose it to free that memory.
/// </remarks>
public abstract class DeepNetworkTransformer : ISingleFeaturePredictionTransformer<DeepNetworkInfo>, ICanSaveModel, IDisposable
{
    private readonly TaskHead _head;
    private readonly ITransformer _scoring;
    private readonly Sequential _network;
    private readonly IDisposable _backend;
    private readonly LabelKeyValues? _labels;
    private readonly IReadOnlyDictionary<string, string> _metadata;
    private readonly DataViewType _featureType;

    private protected DeepNetworkTransformer(DeepFitResult fit)
    {
        _head = fit.Head;
        FeatureColumnName = fit.FeatureColumnName;
        _network = fit.Network;
        _backend = fit.Backend;
        _scoring = fit.Scoring;
        _labels = fit.Labels;
        _metadata = fit.Metadata;
        _featureType = fit.FeatureType;
        History = fit.History;
        Network = fit.Info;
    }

    /// <summary>The task the network was trained for.</summary>
    public DeepTask Task => _head.Task;

    /// <summary>The feature column the network reads.</summary>
    public string FeatureColumnName { get; }

    /// <summary>Architecture, parameter count and backend of the trained network.</summary>
    public DeepNetworkInfo Network { get; }

    /// <summary>Per-epoch reports of training, and what early stopping did.</summary>
    public TrainingHistory History { get; }

    /// <summary>The trained network on its backend (tests compare its own predictions with the ONNX export's).</summary>
    internal Sequential TrainedNetwork => _network;

    /// <summary>The network (as a prediction transformer's model: lets PermutationFeatureImportance find the predictor).</summary>
    DeepNetworkInfo IPredictionTransformer<DeepNetworkInfo>.Model => Network;

    /// <summary>The feature column as in training: Vector&lt;Single, InputShape...&gt;, or a variable-length vector of the training key type for a token model.</summary>
    public DataViewType FeatureColumnType => _featureType;

    /// <inheritdoc/>
    public bool IsRowToRowMapper => _scoring.IsRowToRowMapper;

    /// <inheritdoc/>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        CheckFeatures(inputSchema);
        return _scoring.GetOutputSchema(inputSchema);
    }

    /// <inheritdoc/>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        CheckFeatures(input.Schema);
        return _scoring.Transform(input);
    }

    /// <inheritdoc/>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        CheckFeatures(inputSchema);
        return _scoring.GetRowToRowMapper(inputSchema);
    }

    /// <summary>Saves as the equivalent chain of ML.NET transformers (see the remarks).</summary>
    void ICanSaveModel.Save(ModelSaveContext ctx) => ((ICanSaveModel)_scoring).Save(ctx);

    /// <summary>
    /// Writes the trained network as an ONNX model (opset 17) with a batch dimension: input "<see cref="FeatureColumnName"/>"
    /// [N, F]; outputs as in Transform (multiclass: Score [N, K] probabilities, PredictedIndex, PredictedLabelValue;
    /// binary: Score, Probability, PredictedLabel; regression: Score). The architecture is in the metadata.
    /// </summary>
    public void ExportOnnx(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var bytes = OnnxExporter.Export(_network, ScoringChain.ExportOptions(_head, FeatureColumnName, forScoringChain: false, _labels, _metadata,
            tokenInput: _featureType is VectorDataViewType { ItemType: KeyDataViewType }));
        destination.Write(bytes);
    }

    /// <summary>Writes <see cref="ExportOnnx(Stream)"/> to the file <paramref name="path"/>.</summary>
    public void ExportOnnx(string path)
    {
        using var file = File.Create(path);
        ExportOnnx(file);
    }

    private void CheckFeatures(DataViewSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var column = schema.GetColumnOrNull(FeatureColumnName) ?? throw new ArgumentOutOfRangeException(nameof(schema),
            $"Feature column '{FeatureColumnName}' not found; available columns: {string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => c.Name))}.");
        if (_featureType is VectorDataViewType { ItemType: KeyDataViewType trainedKey })
        {
            // Ids beyond the trained key count have no embedding row: a column mapped by another MapValueToKey (another
            // vocabulary) would index past the table, and with the same count would silently mean other words.
            if (column.Type is not VectorDataViewType { ItemType: KeyDataViewType key } || !key.Equals(trainedKey))
            {
                throw new ArgumentOutOfRangeException(nameof(schema),
                    $"Schema mismatch for feature column '{FeatureColumnName}': expected a vector of {trainedKey} (the token keys the model was trained with), got {TrainingDataReader.Describe(column.Type)}; " +
                    "map the tokens with the MapValueToKey fitted with the model.");
            }
            return;
        }
        if (column.Type is not VectorDataViewType { ItemType: NumberDataViewType item, IsKnownSize: true } vector || item != NumberDataViewType.Single
            || vector.Size != Network.InputSize)
        {
            throw new ArgumentOutOfRangeException(nameof(schema),
                $"Schema mismatch for feature column '{FeatureColumnName}': expected Vector<Single, {Network.InputSize}> (as in training), got {TrainingDataReader.Describe(column.Type)}.");
        }
    }

    /// <summary>Frees the network's device memory.</summary>
    public void Dispose()
    {
        _network.Dispose();
        _backend.Dispose();
        (_scoring as IDisposable)?.Dispose();
    }
}
