using MLNet.DeepExtensions.Kernels;
using MLNet.DeepExtensions.Networks.Layers;

namespace MLNet.DeepExtensions.Networks.Onnx;

/// <summary>
/// Writes each layer as ONNX nodes. Each writer asks for the input layout it needs (<see cref="OnnxLayerTensor"/>):
/// dense, norm and maxout layers read rows [N, features], image layers (<see cref="OnnxImageLayerWriters"/>) read
/// [N, C, H, W], sequence layers (<see cref="OnnxRecurrentLayerWriters"/>) read [N, T, F], and elementwise and
/// identity layers keep the layout they get.
/// </summary>
internal static class OnnxLayerWriters
{
    // SELU constants of ActivationMath (PyTorch's), written explicitly: ONNX's Selu defaults are rounded differently.
    private const float SeluLambda = 1.0507009873554805f;
    private const float SeluAlpha = 1.6732632423543772f;
    private const float InverseSqrt2 = 0.70710678118654752f;

    /// <summary>The layer types <see cref="Write"/> knows, as the unsupported-layer message lists them.</summary>
    private const string KnownLayers =
        "DenseLayer, ActivationLayer, MaxoutLayer, BatchNormLayer, LayerNormLayer, DropoutLayer, FlattenLayer, " +
        "Conv2DLayer, Conv2DTransposeLayer, MaxPool2DLayer, AvgPool2DLayer, GlobalAvgPoolLayer, BatchNorm2DLayer, ResidualBlock, " +
        "StandardizationLayer, RandomHorizontalFlipLayer, RandomCropLayer, GaussianNoiseLayer, " +
        "EmbeddingLayer, LstmLayer, GruLayer, SimpleRnnLayer and BidirectionalLayer";

    /// <summary>Adds the nodes of <paramref name="layer"/> applied to <paramref name="x"/> (InputShape.Size values per sample); returns its output.</summary>
    public static OnnxLayerTensor Write(OnnxGraphBuilder g, Layer layer, OnnxLayerTensor x, OnnxParameterValues values)
    {
        string rows = $"{layer.Name}.input_rows";
        return layer switch
        {
            DenseLayer dense => Dense(g, dense, x.AsRows(g, rows), values),
            ActivationLayer activation => x with { Name = Activation(g, activation.Activation, x.Name, activation.Name) },
            MaxoutLayer maxout => Maxout(g, maxout, x.AsRows(g, rows)),
            BatchNormLayer batchNorm => BatchNorm(g, batchNorm, x.AsRows(g, rows), values),
            LayerNormLayer layerNorm => LayerNorm(g, layerNorm, x.AsRows(g, rows), values),
            Conv2DLayer conv => OnnxImageLayerWriters.Conv(g, conv, x, values),
            Conv2DTransposeLayer convTranspose => OnnxImageLayerWriters.ConvTranspose(g, convTranspose, x, values),
            MaxPool2DLayer maxPool => OnnxImageLayerWriters.MaxPool(g, maxPool, x),
            AvgPool2DLayer avgPool => OnnxImageLayerWriters.AvgPool(g, avgPool, x),
            GlobalAvgPoolLayer globalAvgPool => OnnxImageLayerWriters.GlobalAvgPool(g, globalAvgPool, x),
            BatchNorm2DLayer batchNorm2D => OnnxImageLayerWriters.BatchNorm2D(g, batchNorm2D, x, values),
            ResidualBlock block => Residual(g, block, x, values),
            StandardizationLayer standardization => Standardization(g, standardization, x, values),
            EmbeddingLayer embedding => OnnxRecurrentLayerWriters.Embedding(g, embedding, x, values),
            RecurrentLayer recurrent => OnnxRecurrentLayerWriters.Recurrent(g, recurrent, x, values),
            BidirectionalLayer bidirectional => OnnxRecurrentLayerWriters.Bidirectional(g, bidirectional, x, values),
            // Identity at inference (dropout, flip, crop, noise); Flatten moves no data, so the next layer that needs rows flattens.
            DropoutLayer or RandomFlipCropLayer or GaussianNoiseLayer or FlattenLayer => x,
            _ => throw new NotSupportedException(
                $"Layer '{layer.Name}' of type {layer.GetType().Name} cannot be exported to ONNX: the exporter knows {KnownLayers}."),
        };
    }

    /// <summary>Adds the nodes of a chain of layers (a model, a block's path), each applied to the previous one's output; an empty chain returns <paramref name="x"/>.</summary>
    public static OnnxLayerTensor WriteChain(OnnxGraphBuilder g, IEnumerable<Layer> layers, OnnxLayerTensor x, OnnxParameterValues values)
    {
        foreach (var layer in layers) x = Write(g, layer, x, values);
        return x;
    }

    // y = F(x) + S(x): both paths start from x, an identity shortcut is x itself. Add needs one layout: the paths'
    // own when they agree (image blocks stay [N, C, H, W]), otherwise both are brought to the block's output shape.
    private static OnnxLayerTensor Residual(OnnxGraphBuilder g, ResidualBlock block, OnnxLayerTensor x, OnnxParameterValues values)
    {
        var main = WriteChain(g, block.Residual, x, values);
        var skip = WriteChain(g, block.Shortcut, x, values);
        if (!main.SampleDimensions.SequenceEqual(skip.SampleDimensions))
        {
            main = main.As(g, block.OutputShape, $"{block.Name}.residual_output");
            skip = skip.As(g, block.OutputShape, $"{block.Name}.shortcut_output");
        }
        return main with { Name = g.Node("Add", [main.Name, skip.Name], $"{block.Name}.output") };
    }

    // y = x·scale + shift with constants of the sample's own shape, broadcast over N: the layout is kept.
    private static OnnxLayerTensor Standardization(OnnxGraphBuilder g, StandardizationLayer layer, OnnxLayerTensor x, OnnxParameterValues values)
    {
        long[] dims = x.SampleDimensions.Select(d => (long)d).ToArray();
        string scale = g.AddInitializer(layer.Scale.Name, name => OnnxTensor.FromFloats(name, dims, values.Of(layer.Scale)));
        string shift = g.AddInitializer(layer.Shift.Name, name => OnnxTensor.FromFloats(name, dims, values.Of(layer.Shift)));
        string scaled = g.Node("Mul", [x.Name, scale], $"{layer.Name}.scaled");
        return x with { Name = g.Node("Add", [scaled, shift], $"{layer.Name}.output") };
    }

    // y = x·Wᵀ + b is Gemm with transB = 1 on W's (units, inputs) layout; without bias Gemm's C input is omitted (optional since opset 11).
    private static OnnxLayerTensor Dense(OnnxGraphBuilder g, DenseLayer layer, OnnxLayerTensor x, OnnxParameterValues values)
    {
        long inputs = layer.InputShape.Size;
        string weight = g.AddInitializer(layer.Weight.Name, name => OnnxTensor.FromFloats(name, [layer.Units, inputs], values.Of(layer.Weight)));
        var bias = layer.Bias;
        string[] operands = bias is null
            ? [x.Name, weight]
            : [x.Name, weight, g.AddInitializer(bias.Name, name => OnnxTensor.FromFloats(name, [layer.Units], values.Of(bias)))];
        return OnnxLayerTensor.Rows(g.Node("Gemm", operands, $"{layer.Name}.output", OnnxAttribute.Int("transB", 1)), layer.Units);
    }

    private static string Activation(OnnxGraphBuilder g, Activation activation, string x, string name)
    {
        string output = $"{name}.output";
        switch (activation.Kind)
        {
            case ActivationKind.Identity: return x;
            case ActivationKind.Sigmoid: return g.Node("Sigmoid", [x], output);
            case ActivationKind.Tanh: return g.Node("Tanh", [x], output);
            case ActivationKind.Relu: return g.Node("Relu", [x], output);
            case ActivationKind.LeakyRelu: return g.Node("LeakyRelu", [x], output, OnnxAttribute.Float("alpha", activation.Alpha));
            case ActivationKind.Elu: return g.Node("Elu", [x], output, OnnxAttribute.Float("alpha", activation.Alpha));
            case ActivationKind.Selu:
                return g.Node("Selu", [x], output, OnnxAttribute.Float("alpha", SeluAlpha), OnnxAttribute.Float("gamma", SeluLambda));
            case ActivationKind.Softplus: return g.Node("Softplus", [x], output);
            case ActivationKind.Swish:
                // Opset 17 has no Swish/SiLU: x·σ(x).
                return g.Node("Mul", [x, g.Node("Sigmoid", [x], $"{name}.sigmoid")], output);
            case ActivationKind.Gelu:
            {
                // Gelu is an operator only from opset 20: the exact form 0.5·x·(1 + erf(x/√2)).
                string erf = g.Node("Erf", [g.Node("Mul", [x, g.ScalarFloat($"{name}.inverse_sqrt2", InverseSqrt2)], $"{name}.scaled")], $"{name}.erf");
                string onePlus = g.Node("Add", [erf, g.ScalarFloat($"{name}.one", 1f)], $"{name}.one_plus_erf");
                string halfX = g.Node("Mul", [x, g.ScalarFloat($"{name}.half", 0.5f)], $"{name}.half_x");
                return g.Node("Mul", [halfX, onePlus], output);
            }
            default:
                throw new NotSupportedException($"Activation layer '{name}': activation {activation.Kind} cannot be exported to ONNX.");
        }
    }

    // [N, units·pieces] → [N, units, pieces] (shape 0 copies N) → max over the pieces axis. Opset 17's ReduceMax takes axes as an attribute.
    private static OnnxLayerTensor Maxout(OnnxGraphBuilder g, MaxoutLayer layer, OnnxLayerTensor x)
    {
        int units = layer.OutputShape.Size;
        string shape = g.Int64Vector($"{layer.Name}.shape", 0, units, layer.Pieces);
        string grouped = g.Node("Reshape", [x.Name, shape], $"{layer.Name}.grouped");
        return OnnxLayerTensor.Rows(
            g.Node("ReduceMax", [grouped], $"{layer.Name}.output", OnnxAttribute.Ints("axes", 2), OnnxAttribute.Int("keepdims", 0)), units);
    }

    // Inference mode: the running statistics (ParameterStore state). BatchNormalization takes [N, C] with C = features.
    private static OnnxLayerTensor BatchNorm(OnnxGraphBuilder g, BatchNormLayer layer, OnnxLayerTensor x, OnnxParameterValues values)
    {
        string[] operands = [x.Name, .. BatchNormOperands(g, layer.Name, layer.InputShape.Size, values)];
        return x with { Name = g.Node("BatchNormalization", operands, $"{layer.Name}.output", OnnxAttribute.Float("epsilon", layer.Epsilon)) };
    }

    /// <summary>BatchNormalization's scale, B, input_mean and input_var: <paramref name="layer"/>'s γ, β and running statistics, <paramref name="count"/> each.</summary>
    internal static string[] BatchNormOperands(OnnxGraphBuilder g, string layer, long count, OnnxParameterValues values)
    {
        string Tensor(string suffix) => g.AddInitializer($"{layer}.{suffix}", name => OnnxTensor.FromFloats(name, [count], values.Of($"{layer}.{suffix}")));
        return [Tensor("gamma"), Tensor("beta"), Tensor("running_mean"), Tensor("running_variance")];
    }

    // Normalizes each row over its features (last axis); LayerNormalization is in the default domain from opset 17.
    private static OnnxLayerTensor LayerNorm(OnnxGraphBuilder g, LayerNormLayer layer, OnnxLayerTensor x, OnnxParameterValues values)
    {
        long f = layer.InputShape.Size;
        string Tensor(string suffix) => g.AddInitializer($"{layer.Name}.{suffix}", name => OnnxTensor.FromFloats(name, [f], values.Of($"{layer.Name}.{suffix}")));
        return x with
        {
            Name = g.Node("LayerNormalization", [x.Name, Tensor("gamma"), Tensor("beta")], $"{layer.Name}.output",
                OnnxAttribute.Int("axis", -1), OnnxAttribute.Float("epsilon", layer.Epsilon)),
        };
    }
}
