using MLNet.DeepExtensions.Networks.Layers;

namespace MLNet.DeepExtensions.Networks.Onnx;

/// <summary>
/// Writes a built <see cref="Sequential"/> model as an ONNX model (IR version 8, opset 17) in inference mode: dropout
/// is the identity and batch normalization uses its running statistics. The protobuf is written directly (no ONNX or
/// protobuf package).
/// </summary>
/// <remarks>
/// Graph: the input (named <see cref="OnnxExportOptions.InputName"/>, float, shape [N, InputShape...] or
/// [InputShape...]) is brought to rows [N, F] (N = 1 without a batch dimension), each layer maps rows to rows, and
/// the head of <see cref="OnnxExportOptions.Head"/> names the outputs. The raw head's "Score" is the flattened output
/// sample ([N, OutputShape.Size] or [OutputShape.Size]), as <see cref="Sequential.Predict"/> returns it.
/// </remarks>
public static class OnnxExporter
{
    /// <summary>The ONNX model bytes of <paramref name="model"/> with the head and names of <paramref name="options"/>.</summary>
    /// <exception cref="InvalidOperationException">The model is not built.</exception>
    /// <exception cref="NotSupportedException">A layer has no ONNX mapping.</exception>
    /// <exception cref="ArgumentException">The head does not fit the model's outputs, or the label values are invalid.</exception>
    public static byte[] Export(Sequential model, OnnxExportOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        if (!model.IsBuilt) throw new InvalidOperationException("The model is not built: call Build(backend, inputShape, seed) (or train it) before exporting it to ONNX.");
        int outputs = model.OutputShape.Size;
        Validate(options, outputs);

        var g = new OnnxGraphBuilder();
        string input = g.Reserve(options.InputName);
        foreach (string name in OnnxHeads.OutputNames(options)) g.Reserve(name);

        var sample = model.InputShape.Dimensions.Select(d => OnnxDimension.Fixed(d));
        var inputDims = options.BatchDimension ? sample.Prepend(OnnxDimension.Symbolic(OnnxHeads.BatchSymbol)) : sample;
        g.AddInput(new OnnxValueInfo(input, OnnxDataType.Float, inputDims.ToArray()));

        string x = ToRows(g, input, model.InputShape, options.BatchDimension);
        var values = new OnnxParameterValues(model.Parameters);
        foreach (var layer in model.Layers) x = OnnxLayerWriters.Write(g, layer, x, values);
        OnnxHeads.Write(g, options, x, outputs);
        return g.ToModel(options.GraphName, options.Metadata);
    }

    // Layers work on rows [N, F]. [N, F] is already there; [N, d1, d2, ...] is reshaped (0 keeps N); without a batch
    // dimension [F] gains a leading 1 (Unsqueeze, whose axes are an input since opset 13) and [d1, d2, ...] becomes [1, F].
    private static string ToRows(OnnxGraphBuilder g, string input, TensorShape shape, bool batch)
    {
        if (batch && shape.Rank == 1) return input;
        if (!batch && shape.Rank == 1) return g.Node("Unsqueeze", [input, g.Int64Vector("batch_axis", 0)], "rows");
        return g.Node("Reshape", [input, g.Int64Vector("rows_shape", batch ? 0 : 1, shape.Size)], "rows");
    }

    private static void Validate(OnnxExportOptions options, int outputs)
    {
        if (string.IsNullOrEmpty(options.InputName)) throw new ArgumentException("OnnxExportOptions.InputName must not be empty.", nameof(options));
        if (options.GraphName is null) throw new ArgumentException("OnnxExportOptions.GraphName must not be null.", nameof(options));
        if (!Enum.IsDefined(options.Head)) throw new ArgumentOutOfRangeException(nameof(options), $"Unknown ONNX output head {(int)options.Head}.");
        if (OnnxHeads.OutputNames(options).Contains(options.InputName, StringComparer.Ordinal))
        {
            throw new ArgumentException($"OnnxExportOptions.InputName '{options.InputName}' is also the name of an output of the {options.Head} head; choose another input name.", nameof(options));
        }
        if (options.Head is OnnxOutputHead.Binary or OnnxOutputHead.Regression && outputs != 1)
        {
            throw new ArgumentException($"The {options.Head} head needs a model with exactly 1 output; this model has {outputs}.", nameof(options));
        }
        if (options.LabelValues is { } labelValues)
        {
            if (options.Head != OnnxOutputHead.Multiclass)
            {
                throw new ArgumentException($"LabelValues apply only to the Multiclass head; the head is {options.Head}.", nameof(options));
            }
            OnnxLabelValues.ElementType(labelValues);
            if (labelValues.Length != outputs)
            {
                throw new ArgumentException($"LabelValues has {labelValues.Length} values but the model has {outputs} outputs (classes); give one label value per class.", nameof(options));
            }
        }
    }
}
