using MLNet.DeepExtensions.Networks.Layers;

namespace MLNet.DeepExtensions.Networks.Onnx;

/// <summary>
/// Writes a built <see cref="Sequential"/> model as an ONNX model (IR version 8, opset 17) in inference mode: dropout
/// is the identity and batch normalization uses its running statistics. The protobuf is written directly (no ONNX or
/// protobuf package).
/// </summary>
/// <remarks>
/// Graph: the input (named <see cref="OnnxExportOptions.InputName"/>, float, shape [N, InputShape...] or
/// [InputShape...]; [N, L] or [1, L] for <see cref="OnnxExportOptions.SequenceInput"/>) gets a leading 1 without a batch dimension; each layer then reads the layout it needs, rows
/// [N, F] or images [N, C, H, W] (see <see cref="OnnxLayerTensor"/>), the last output is brought to rows [N, K], and
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
        return Graph(model, options).ToModel(options.GraphName, options.Metadata);
    }

    /// <summary>The graph <see cref="Export"/> encodes (tests inspect its nodes).</summary>
    internal static OnnxGraphBuilder Graph(Sequential model, OnnxExportOptions options)
    {
        if (!model.IsBuilt) throw new InvalidOperationException("The model is not built: call Build(backend, inputShape, seed) (or train it) before exporting it to ONNX.");
        int outputs = model.OutputShape.Size;
        Validate(options, outputs);
        if (options.SequenceInput && model.Layers[0] is not EmbeddingLayer)
        {
            throw new ArgumentException($"OnnxExportOptions.SequenceInput needs a model whose first layer is an EmbeddingLayer (token ids); the first layer '{model.Layers[0].Name}' is a {model.Layers[0].GetType().Name}.", nameof(options));
        }
        if (options.KeyInput && !options.SequenceInput)
        {
            throw new ArgumentException("OnnxExportOptions.KeyInput needs SequenceInput: key values arrive unpadded, one row's tokens of any length.", nameof(options));
        }

        var g = new OnnxGraphBuilder();
        string input = g.Reserve(options.InputName);
        foreach (string name in OnnxHeads.OutputNames(options)) g.Reserve(name);

        // A token-sequence input has a symbolic length L, cut or padded to T below; without a batch dimension it is
        // [1, L], not [L] (see OnnxExportOptions.SequenceInput), so it needs no leading 1.
        var sample = model.InputShape.Dimensions.Select(d => OnnxDimension.Fixed(d));
        OnnxDimension[] inputDims = options.SequenceInput
            ? [options.BatchDimension ? OnnxDimension.Symbolic(OnnxHeads.BatchSymbol) : OnnxDimension.Fixed(1), OnnxDimension.Symbolic(OnnxRecurrentLayerWriters.SequenceSymbol)]
            : options.BatchDimension ? sample.Prepend(OnnxDimension.Symbolic(OnnxHeads.BatchSymbol)).ToArray() : sample.ToArray();
        g.AddInput(new OnnxValueInfo(input, options.KeyInput ? OnnxDataType.UInt32 : OnnxDataType.Float, inputDims));

        // Without a batch dimension the sample gains a leading 1 (Unsqueeze, whose axes are an input since opset 13).
        string batched = options.BatchDimension || options.SequenceInput ? input : g.Node("Unsqueeze", [input, g.Int64Vector("batch_axis", 0)], "batch_of_one");
        if (options.KeyInput) batched = g.Node("Cast", [batched], "key_ids", OnnxAttribute.Int("to", (long)OnnxDataType.Float));
        if (options.SequenceInput) batched = OnnxRecurrentLayerWriters.FitSteps(g, batched, model.InputShape.Size);
        var x = OnnxLayerTensor.Of(batched, model.InputShape);
        var values = new OnnxParameterValues(model.Parameters);
        x = OnnxLayerWriters.WriteChain(g, model.Layers, x, values);
        OnnxHeads.Write(g, options, x.AsRows(g, "logits").Name, outputs);
        return g;
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
