namespace MLNet.DeepExtensions.Networks.Layers;

/// <summary>A layer that masks padded steps with the sequence lengths an <see cref="EmbeddingLayer"/> before it computes.</summary>
internal interface ISequenceLengthsReader
{
    /// <summary>The embedding whose lengths this layer masks with (set while its chain builds); null: no masking.</summary>
    EmbeddingLayer? LengthsSource { get; set; }
}

/// <summary>
/// The internal plumbing that hands each row's sequence length from an <see cref="EmbeddingLayer"/> to the recurrent
/// layers after it: a chain calls <see cref="Connect"/> before it builds each layer and <see cref="Advance"/> after.
/// </summary>
/// <remarks>
/// The lengths follow the data while it keeps its step axis: through layers whose output is (steps, ·) with the
/// embedding's steps (dropout, stacked recurrent layers with sequence output, Bidirectional); a layer that drops the
/// axis (a recurrent layer returning its last state, Flatten, Dense) ends them, like Keras' mask propagation.
/// The buffer itself is the embedding's, valid from its forward to its next one, which covers the recurrent layers'
/// forward and backward of the same batch.
/// </remarks>
internal static class SequenceLengths
{
    /// <summary>Gives <paramref name="layer"/> the current source when it masks.</summary>
    public static void Connect(Layer layer, EmbeddingLayer? source)
    {
        if (layer is ISequenceLengthsReader reader) reader.LengthsSource = source;
    }

    /// <summary>The source after <paramref name="layer"/> (built): itself for an embedding, kept while the step axis is.</summary>
    public static EmbeddingLayer? Advance(Layer layer, EmbeddingLayer? source)
    {
        if (layer is EmbeddingLayer embedding) return embedding;
        if (source is null) return null;
        var shape = layer.OutputShape;
        return shape.Rank == 2 && shape.Dimensions[0] == source.OutputShape.Dimensions[0] ? source : null;
    }
}
