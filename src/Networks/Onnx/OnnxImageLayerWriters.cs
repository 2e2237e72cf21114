using MLNet.DeepExtensions.Networks.Layers;

namespace MLNet.DeepExtensions.Networks.Onnx;

/// <summary>
/// Writes the image layers as ONNX nodes on [N, C, H, W] tensors. Our convolutions, poolings and batch norm use
/// PyTorch's conventions, which are ONNX's: cross-correlation, weight (Cout, Cin, kH, kW) and (Cin, Cout, kH, kW)
/// transposed, symmetric padding, floor-mode output sizes (ceil_mode = 0, the ONNX default), per-channel statistics.
/// </summary>
internal static class OnnxImageLayerWriters
{
    /// <summary>Conv with kernel_shape, strides, pads and dilations from <paramref name="layer"/>; the bias input is omitted without bias.</summary>
    public static OnnxLayerTensor Conv(OnnxGraphBuilder g, Conv2DLayer layer, OnnxLayerTensor x, OnnxParameterValues values) =>
        ConvolutionNode(g, "Conv", layer, [layer.Filters, layer.InputShape.Dimensions[0]], x, values);

    /// <summary>
    /// ConvTranspose with kernel_shape, strides, pads, dilations and output_padding from <paramref name="layer"/>: ONNX
    /// computes torch's output size (H − 1)·stride − 2·pad + dilation·(k − 1) + outputPadding + 1 when output_shape is absent.
    /// </summary>
    public static OnnxLayerTensor ConvTranspose(OnnxGraphBuilder g, Conv2DTransposeLayer layer, OnnxLayerTensor x, OnnxParameterValues values) =>
        ConvolutionNode(g, "ConvTranspose", layer, [layer.InputShape.Dimensions[0], layer.Filters], x, values,
            OnnxAttribute.Ints("output_padding", layer.OutputPadding, layer.OutputPadding));

    // Both convolutions: images in, the weight as [channelsA, channelsB, kH, kW] (Conv: out, in; ConvTranspose: in, out,
    // as each layer stores it), the bias when present, and the attributes they share.
    private static OnnxLayerTensor ConvolutionNode(OnnxGraphBuilder g, string op, Conv2DLayerBase layer, int[] weightChannels,
        OnnxLayerTensor x, OnnxParameterValues values, params OnnxAttribute[] extra)
    {
        var input = x.AsImages(g, layer.InputShape, $"{layer.Name}.input_images");
        string weight = g.AddInitializer(layer.Weight.Name,
            name => OnnxTensor.FromFloats(name, [.. weightChannels, layer.KernelHeight, layer.KernelWidth], values.Of(layer.Weight)));
        var bias = layer.Bias;
        string[] operands = bias is null
            ? [input.Name, weight]
            : [input.Name, weight, g.AddInitializer(bias.Name, name => OnnxTensor.FromFloats(name, [layer.Filters], values.Of(bias)))];
        OnnxAttribute[] attributes =
        [
            OnnxAttribute.Ints("kernel_shape", layer.KernelHeight, layer.KernelWidth),
            OnnxAttribute.Ints("strides", layer.Stride, layer.Stride),
            Pads(layer.PadHeight, layer.PadWidth),
            OnnxAttribute.Ints("dilations", layer.Dilation, layer.Dilation),
            .. extra,
        ];
        string output = g.Node(op, operands, $"{layer.Name}.output", attributes);
        return OnnxLayerTensor.Of(output, layer.OutputShape);
    }

    // Inference mode: the running statistics. BatchNormalization normalizes axis 1 of [N, C, H, W], one set per channel.
    /// <summary>BatchNormalization of images with <paramref name="layer"/>'s per-channel γ, β and running statistics.</summary>
    public static OnnxLayerTensor BatchNorm2D(OnnxGraphBuilder g, BatchNorm2DLayer layer, OnnxLayerTensor x, OnnxParameterValues values)
    {
        var input = x.AsImages(g, layer.InputShape, $"{layer.Name}.input_images");
        string[] operands = [input.Name, .. OnnxLayerWriters.BatchNormOperands(g, layer.Name, layer.InputShape.Dimensions[0], values)];
        string output = g.Node("BatchNormalization", operands, $"{layer.Name}.output", OnnxAttribute.Float("epsilon", layer.Epsilon));
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
