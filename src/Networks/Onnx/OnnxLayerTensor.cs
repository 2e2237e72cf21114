namespace MLNet.DeepExtensions.Networks.Onnx;

/// <summary>
/// The tensor passed from one layer's ONNX nodes to the next: its value name and its ONNX shape after the leading
/// batch axis N (<see cref="SampleDimensions"/>).
/// </summary>
/// <remarks>
/// Our layers agree on the data, not on the ONNX shape: row-major (C, H, W) samples are the same floats as rows of
/// C·H·W features. So the ONNX shape is tracked and changed only where a writer needs another one: dense-like
/// layers ask for rows [N, F] (<see cref="AsRows"/>), image layers for [N, C, H, W] (<see cref="AsImages"/>), and
/// elementwise or identity layers take whatever they get. Consecutive image layers thus need no reshapes between them.
/// </remarks>
internal sealed record OnnxLayerTensor(string Name, IReadOnlyList<int> SampleDimensions)
{
    /// <summary>Rows [N, <paramref name="features"/>].</summary>
    public static OnnxLayerTensor Rows(string name, int features) => new(name, [features]);

    /// <summary>A tensor of shape [N, ..<paramref name="shape"/>].</summary>
    public static OnnxLayerTensor Of(string name, TensorShape shape) => new(name, shape.Dimensions);

    /// <summary>This tensor as rows [N, F]; adds a Flatten (axis 1) when it has more than one sample dimension.</summary>
    public OnnxLayerTensor AsRows(OnnxGraphBuilder g, string hint)
    {
        if (SampleDimensions.Count == 1) return this;
        int features = SampleDimensions.Aggregate(1, (product, d) => product * d);
        return Rows(g.Node("Flatten", [Name], hint, OnnxAttribute.Int("axis", 1)), features);
    }

    /// <summary>This tensor as [N, C, H, W] for a (C, H, W) <paramref name="shape"/>; adds a Reshape when its shape differs.</summary>
    public OnnxLayerTensor AsImages(OnnxGraphBuilder g, TensorShape shape, string hint)
    {
        if (shape.Rank != 3) throw new InvalidOperationException($"ONNX image layers need a (channels, height, width) shape; got {shape}.");
        return As(g, shape, hint);
    }

    /// <summary>This tensor as [N, ..<paramref name="shape"/>]: rows for a rank-1 shape, otherwise a Reshape (0 keeps N) when the shape differs.</summary>
    public OnnxLayerTensor As(OnnxGraphBuilder g, TensorShape shape, string hint)
    {
        if (shape.Rank == 1) return AsRows(g, hint);
        if (SampleDimensions.SequenceEqual(shape.Dimensions)) return this;
        long[] dims = [0, .. shape.Dimensions.Select(d => (long)d)];
        return Of(g.Node("Reshape", [Name, g.Int64Vector($"{hint}.shape", dims)], hint), shape);
    }
}
