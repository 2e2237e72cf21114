using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.DeepExtensions.Tasks;

namespace MLNet.DeepExtensions;

/// <summary>
/// GetOutputSchema of every deep trainer: checks the feature and label columns of a <see cref="SchemaShape"/> (the
/// label by the task head's rule, the same rule and message as at Fit), then declares the task's standard output columns.
/// </summary>
internal static class DeepOutputSchema
{
    public static SchemaShape Of(SchemaShape inputSchema, TaskHead head, DeepTrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        CheckShape(inputSchema, head, options);
        // ML.NET keeps SchemaShape.Column's constructor internal; its SDCA trainer of the same task declares exactly the
        // standard output columns (Score, PredictedLabel, Probability) for the same inputs.
        var ml = new MLContext();
        if (options is not DeepRnnTrainer.Options { ReadsTokens: true })
        {
            return head.StandardOutputs(ml, options.LabelColumnName, options.FeatureColumnName).GetOutputSchema(inputSchema);
        }
        // SDCA takes only a known-size vector of Single: for token keys it reads a stand-in column (the keys' counts),
        // dropped again, so the schema keeps the key column as it was.
        const string standIn = "DeepRnn.TokenCounts";
        return ml.Transforms.Conversion.MapKeyToVector(standIn, options.FeatureColumnName, outputCountVector: true)
            .Append(head.StandardOutputs(ml, options.LabelColumnName, standIn))
            .Append(ml.Transforms.DropColumns(standIn))
            .GetOutputSchema(inputSchema);
    }

    private static void CheckShape(SchemaShape schema, TaskHead head, DeepTrainerOptions o)
    {
        if (!TryFind(schema, o.FeatureColumnName, out var features))
        {
            throw new ArgumentOutOfRangeException(nameof(schema), $"Feature column '{o.FeatureColumnName}' not found; available columns: {string.Join(", ", schema.Select(c => c.Name))}.");
        }
        bool tokenKeys = o is DeepRnnTrainer.Options { ReadsTokens: true }; // DeepRnn with an Embedding reads a vector of keys, any length
        if (o is DeepRnnTrainer.Options { ReadsTokens: false } rnn && features.IsKey && features.Kind != SchemaShape.Column.VectorKind.Scalar)
        {
            string size = features.Kind == SchemaShape.Column.VectorKind.VariableVector ? " (variable size)" : "";
            throw DeepRnnTrainer.KeysWithoutEmbedding($"Feature column '{o.FeatureColumnName}' is Vector<Key<{features.ItemType.RawType.Name}>>{size}", rnn);
        }
        bool accepted = tokenKeys
            ? features.Kind != SchemaShape.Column.VectorKind.Scalar && features.IsKey && features.ItemType.RawType == typeof(uint)
            : features.Kind == SchemaShape.Column.VectorKind.Vector && features.ItemType == NumberDataViewType.Single;
        if (!accepted)
        {
            string found = features.Kind == SchemaShape.Column.VectorKind.VariableVector ? $"Vector<{features.ItemType}> (variable size)"
                : features.Kind == SchemaShape.Column.VectorKind.Scalar ? features.ItemType.ToString()! : $"Vector<{features.ItemType}>";
            throw new ArgumentOutOfRangeException(nameof(schema), $"Schema mismatch for feature column '{o.FeatureColumnName}': expected {(tokenKeys ? "a vector of Key<UInt32>" : "known-size vector of Single")}, got {found}.");
        }
        if (!TryFind(schema, o.LabelColumnName, out var label))
        {
            throw new ArgumentOutOfRangeException(nameof(schema), $"Label column '{o.LabelColumnName}' not found; available columns: {string.Join(", ", schema.Select(c => c.Name))}.");
        }
        head.CheckLabel(label, o.LabelColumnName);
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
