using MLNet.DeepExtensions.Networks.Layers;

namespace MLNet.DeepExtensions.Networks.Onnx;

/// <summary>
/// Writes the image layers as ONNX nodes on [N, C, H, W] tensors. Our convolutions and poolings use PyTorch's
/// conventions, which are ONNX's: cross-correlation, weight (Cout, Cin, kH, kW), symmetric padding and floor-mode
/// output sizes (ceil_mode = 0, the ONNX default).
/// </summary>
internal static class OnnxImageLayerWriters
{
    /// <summary>Conv with kernel_shape, strides, pads and dilations from <paramref name="layer"/>; the bias input is omitted without bias.</summary>
    public static OnnxLayerTensor Conv(OnnxGraphBuilder g, Conv2DLayer layer, OnnxLayerTensor x, OnnxParameterValues values)
    {
        var input = x.AsImages(g, layer.InputShape, $"{layer.Name}.input_images");
        int channels = layer.InputShape.Dimensions[0];
        string weight = g.AddInitializer(layer.Weight.Name,
            name => OnnxTensor.FromFloats(name, [layer.Filters, channels, layer.KernelHeight, layer.KernelWidth], values.Of(layer.Weight)));
        var bias = layer.Bias;
        string[] operands = bias is null
            ? [input.Name, weight]
            : [input.Name, weight, g.AddInitializer(bias.Name, name => OnnxTensor.FromFloats(name, [layer.Filters], values.Of(bias)))];
        string output = g.Node("Conv", operands, $"{layer.Name}.output",
            OnnxAttribute.Ints("kernel_shape", layer.KernelHeight, layer.KernelWidth),
            OnnxAttribute.Ints("strides", layer.Stride, layer.Stride),
            Pads(layer.PadHeight, layer.PadWidth),
            OnnxAttribute.Ints("dilations", layer.Dilation, layer.Dilation));
        return OnnxLayerTensor.Of(output, layer.OutputShape);
    }

    // ONNX's MaxPool ignores padded positions, as PyTorch's −∞ padding: padding never wins.
    /// <summary>MaxPool with <paramref name="layer"/>'s window, stride and padding.</summary>
    public static OnnxLayerTensor MaxPool(OnnxGraphBuilder g, MaxPool2DLayer layer, OnnxLayerTensor x) => Pool(g, "MaxPool", layer, x);

    // count_include_pad = 1 divides by PoolSize² even where the window overlaps the padding (our and PyTorch's default).
    // ONNX Runtime then divides by the window clipped to the padded input, which floor mode never clips: PoolSize² too.
    /// <summary>AveragePool with <paramref name="layer"/>'s window, stride and padding, padding counted in the mean.</summary>
    public static OnnxLayerTensor AvgPool(OnnxGraphBuilder g, AvgPool2DLayer layer, OnnxLayerTensor x) =>
        Pool(g, "AveragePool", layer, x, OnnxAttribute.Int("count_include_pad", 1));

    /// <summary>GlobalAveragePool: [N, C, H, W] → [N, C, 1, 1], C values per sample as the layer's (C) output.</summary>
    public static OnnxLayerTensor GlobalAvgPool(OnnxGraphBuilder g, GlobalAvgPoolLayer layer, OnnxLayerTensor x)
    {
        var input = x.AsImages(g, layer.InputShape, $"{layer.Name}.input_images");
        return new OnnxLayerTensor(g.Node("GlobalAveragePool", [input.Name], $"{layer.Name}.output"), [layer.OutputShape.Size, 1, 1]);
    }

    private static OnnxLayerTensor Pool(OnnxGraphBuilder g, string opType, Pool2DLayer layer, OnnxLayerTensor x, params OnnxAttribute[] extra)
    {
        var input = x.AsImages(g, layer.InputShape, $"{layer.Name}.input_images");
        OnnxAttribute[] attributes =
        [
            OnnxAttribute.Ints("kernel_shape", layer.PoolSize, layer.PoolSize),
            OnnxAttribute.Ints("strides", layer.Stride, layer.Stride),
            Pads(layer.Padding, layer.Padding),
            .. extra,
        ];
        return OnnxLayerTensor.Of(g.Node(opType, [input.Name], $"{layer.Name}.output", attributes), layer.OutputShape);
    }

    // ONNX pads list every axis' start, then every axis' end: [top, left, bottom, right].
    private static OnnxAttribute Pads(int height, int width) => OnnxAttribute.Ints("pads", height, width, height, width);
}
