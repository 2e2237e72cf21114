namespace MLNet.DeepExtensions.Networks.Onnx;

/// <summary>What the exported graph computes after the network's raw outputs (logits).</summary>
public enum OnnxOutputHead
{
    /// <summary>Output "Score" = the raw network outputs.</summary>
    Raw,

    /// <summary>
    /// Output "Score" = softmax of the logits (class probabilities), "PredictedIndex" = argmax as uint32, and, when
    /// <see cref="OnnxExportOptions.LabelValues"/> is set, "PredictedLabelValue" = LabelValues[argmax].
    /// </summary>
    Multiclass,

    /// <summary>One logit: output "Score" = the logit, "Probability" = sigmoid(logit), "PredictedLabel" = logit &gt; 0 (bool).</summary>
    Binary,

    /// <summary>One output: "Score" = the network output.</summary>
    Regression,
}

/// <summary>How <see cref="OnnxExporter"/> writes a model.</summary>
public sealed class OnnxExportOptions
{
    /// <summary>Name of the graph input (ML.NET's OnnxTransformer binds it to the column of that name). Default "Features".</summary>
    public string InputName { get; init; } = "Features";

    /// <summary>
    /// True: input [N, F] and outputs with a leading batch dimension N (for ONNX Runtime users). False: input [F] and
    /// outputs without a batch dimension ([K], or scalars), which ML.NET's OnnxTransformer maps to plain vector and
    /// scalar columns. Default true.
    /// </summary>
    public bool BatchDimension { get; init; } = true;

    /// <summary>
    /// For a token-sequence model (its first layer an <see cref="Layers.EmbeddingLayer"/> reading T ids): true makes the
    /// input's length symbolic, "L": [N, L] with a batch dimension and [1, L] without one (one row's ids, unpadded, as
    /// ML.NET's scoring chain has them in a variable-length vector column). The graph keeps the first T ids and pads
    /// shorter rows with the padding id −1, so a row's sequence length is min(L, T) (L may be 0). False: the input is
    /// [N, T] or [T], padded with −1 by the caller. Default false.
    /// </summary>
    /// <remarks>
    /// Why [1, L] and not [L]: ML.NET's OnnxTransformer (measured with 5.0.1 and 6.0.0) reads a leading unknown
    /// dimension as its batch of 1 and fills one later unknown dimension from the vector's length, so it feeds a
    /// variable-length vector column to [1, L] but not to [L].
    /// </remarks>
    public bool SequenceInput { get; init; }

    /// <summary>
    /// With <see cref="SequenceInput"/>: the input's elements are uint32 key values, the type ML.NET's OnnxTransformer
    /// passes for a key column (a vector of keys from MapValueToKey: 0 for a value the mapping had not seen, 1..V
    /// otherwise, which are the model's ids). The graph casts them to the float ids the embedding reads. ML.NET's own
    /// ConvertType cannot turn keys into Single, so the scoring chain feeds the key column itself. Default false (float ids).
    /// </summary>
    public bool KeyInput { get; init; }

    /// <summary>The outputs after the network. Default <see cref="OnnxOutputHead.Raw"/>.</summary>
    public OnnxOutputHead Head { get; init; } = OnnxOutputHead.Raw;

    /// <summary>
    /// Multiclass only: the label's values in class-index order, as a string[] or a one-dimensional array of a numeric
    /// type (float, double, sbyte, byte, short, ushort, int, uint, long, ulong) or bool; adds "PredictedLabelValue".
    /// </summary>
    public Array? LabelValues { get; init; }

    /// <summary>Entries written to the model's metadata_props (e.g. the architecture summary). Default none.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>Graph name. Default "network".</summary>
    public string GraphName { get; init; } = "network";
}
