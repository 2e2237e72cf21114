using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.DeepExtensions.Networks.Onnx;

namespace MLNet.DeepExtensions;

/// <summary>
/// Builds the chain of ML.NET's own saveable transformers that scores like a trained network: an OnnxTransformer
/// running the exported network (ONNX bytes embedded, so a saved model stands alone), then, for multiclass, the
/// predicted label value turned back into a key with the label's own key values.
/// </summary>
/// <remarks>
/// Why this route: ML.NET 5.0.1 keeps its prediction-transformer base classes and loader registration internal,
/// so an add-on cannot register a loader of its own; a chain of ML.NET transformers round-trips through
/// <c>ml.Model.Save</c>/<c>Load</c> in any process that references Microsoft.ML.OnnxTransformer.
/// The ONNX graph has no batch dimension (input [F], outputs [K] or scalars), which OnnxTransformer maps to plain
/// vector and scalar columns.
/// </remarks>
internal static class ScoringChain
{
    private const string LabelValueColumn = "PredictedLabelValue";

    public static ITransformer Build(MLContext ml, DeepMlpTask task, string featureColumn, byte[] onnx, LabelKeyValues? labels, DataViewSchema inputSchema)
    {
        string[] outputs = task switch
        {
            DeepMlpTask.MulticlassClassification => ["Score", LabelValueColumn],
            DeepMlpTask.BinaryClassification => ["Score", "Probability", "PredictedLabel"],
            _ => ["Score"],
        };
        IEstimator<ITransformer> estimator = ml.Transforms.ApplyOnnxModel(outputs, [featureColumn], new MemoryStream(onnx));
        if (task == DeepMlpTask.MulticlassClassification)
        {
            estimator = estimator
                .Append(ml.Transforms.Conversion.MapValueToKey("PredictedLabel", LabelValueColumn, keyData: labels!.ToDataView(ml)))
                .Append(ml.Transforms.DropColumns(LabelValueColumn));
        }
        // Fitting only reads the schema: no row is scored here.
        return estimator.Fit(new EmptyDataView(inputSchema));
    }

    /// <summary>Exporter options of the chain's network for <paramref name="task"/>.</summary>
    public static OnnxExportOptions ExportOptions(DeepMlpTask task, string featureColumn, bool batchDimension, LabelKeyValues? labels, IReadOnlyDictionary<string, string> metadata) => new()
    {
        InputName = featureColumn,
        BatchDimension = batchDimension,
        Head = task switch
        {
            DeepMlpTask.MulticlassClassification => OnnxOutputHead.Multiclass,
            DeepMlpTask.BinaryClassification => OnnxOutputHead.Binary,
            _ => OnnxOutputHead.Regression,
        },
        LabelValues = labels?.Values,
        Metadata = metadata,
    };
}
