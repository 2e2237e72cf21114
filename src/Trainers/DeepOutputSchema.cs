using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.DeepExtensions;

/// <summary>
/// GetOutputSchema of every deep trainer: checks the feature and label columns of a <see cref="SchemaShape"/> for the
/// task, then declares the task's conventional output columns.
/// </summary>
internal static class DeepOutputSchema
{
    public static SchemaShape Of(SchemaShape inputSchema, DeepTask task, DeepTrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        CheckShape(inputSchema, task, options);
        // ML.NET keeps SchemaShape.Column's constructor internal; its SDCA trainer of the same task declares exactly the
        // conventional output columns (Score, PredictedLabel, Probability) for the same inputs.
        var ml = new MLContext();
        IEstimator<ITransformer> same = task switch
        {
            DeepTask.MulticlassClassification => ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(options.LabelColumnName, options.FeatureColumnName),
            DeepTask.BinaryClassification => ml.BinaryClassification.Trainers.SdcaLogisticRegression(options.LabelColumnName, options.FeatureColumnName),
            _ => ml.Regression.Trainers.Sdca(options.LabelColumnName, options.FeatureColumnName),
        };
        return same.GetOutputSchema(inputSchema);
    }

    private static void CheckShape(SchemaShape schema, DeepTask task, DeepTrainerOptions o)
    {
        if (!TryFind(schema, o.FeatureColumnName, out var features))
        {
            throw new ArgumentOutOfRangeException(nameof(schema), $"Feature column '{o.FeatureColumnName}' not found; available columns: {string.Join(", ", schema.Select(c => c.Name))}.");
        }
        if (features.Kind != SchemaShape.Column.VectorKind.Vector || features.ItemType != NumberDataViewType.Single)
        {
            string found = features.Kind == SchemaShape.Column.VectorKind.VariableVector ? $"Vector<{features.ItemType}> (variable size)"
                : features.Kind == SchemaShape.Column.VectorKind.Scalar ? features.ItemType.ToString()! : $"Vector<{features.ItemType}>";
            throw new ArgumentOutOfRangeException(nameof(schema), $"Schema mismatch for feature column '{o.FeatureColumnName}': expected known-size vector of Single, got {found}.");
        }
        if (!TryFind(schema, o.LabelColumnName, out var label))
        {
            throw new ArgumentOutOfRangeException(nameof(schema), $"Label column '{o.LabelColumnName}' not found; available columns: {string.Join(", ", schema.Select(c => c.Name))}.");
        }
        bool ok = task switch
        {
            DeepTask.MulticlassClassification => label.IsKey,
            DeepTask.BinaryClassification => label.ItemType == BooleanDataViewType.Instance && label.Kind == SchemaShape.Column.VectorKind.Scalar,
            _ => label.ItemType == NumberDataViewType.Single && label.Kind == SchemaShape.Column.VectorKind.Scalar,
        };
        if (!ok)
        {
            string expected = task switch
            {
                DeepTask.MulticlassClassification => $"a key type (multiclass classification); convert it with ml.Transforms.Conversion.MapValueToKey(\"{o.LabelColumnName}\")",
                DeepTask.BinaryClassification => "Boolean (binary classification)",
                _ => "Single (regression)",
            };
            throw new ArgumentOutOfRangeException(nameof(schema), $"Schema mismatch for label column '{o.LabelColumnName}': expected {expected}, got {(label.IsKey ? "Key<" + label.ItemType + ">" : label.ItemType.ToString())}.");
        }
    }

    private static bool TryFind(SchemaShape schema, string name, out SchemaShape.Column column)
    {
        foreach (var c in schema)
        {
            if (c.Name == name)
            {
                column = c;
                return true;
            }
        }
        column = default;
        return false;
    }
}
