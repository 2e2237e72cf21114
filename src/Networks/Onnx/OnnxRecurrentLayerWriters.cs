using MLNet.DeepExtensions.Kernels;
using MLNet.DeepExtensions.Networks.Layers;

namespace MLNet.DeepExtensions.Networks.Onnx;

/// <summary>
/// Writes the sequence layers as ONNX nodes: <see cref="EmbeddingLayer"/> as Gather, <see cref="LstmLayer"/>,
/// <see cref="GruLayer"/> and <see cref="SimpleRnnLayer"/> as one LSTM, GRU or RNN node, and
/// <see cref="BidirectionalLayer"/> as the same node with direction "bidirectional".
/// </summary>
/// <remarks>
/// Layouts. Our rows are batch-major, (steps·features) per sample; the ONNX nodes run time-major (layout = 0, the
/// only layout ONNX Runtime's CPU kernels accept): [N, T, F] is transposed to X [T, N, F]. Y [T, dirs, N, H] goes
/// back to [N, T, dirs·H] (per step [forward | backward], our layout) and Y_h [dirs, N, H] to [N, dirs·H].
/// Weights. Ours use PyTorch's layouts, which are ONNX's W [G·H, F], R [G·H, H] per direction and B = [Wb | Rb], but
/// the gate blocks are ordered differently: LSTM ours i, f, g, o → ONNX i, o, f, c; GRU ours r, z, n → ONNX z, r, h
/// (with linear_before_reset = 1, PyTorch's r ⊙ (W_hn·h + b_hn)). The row blocks are reordered here.
/// Masking. A layer that masks with an Embedding's lengths (RecurrentLayer.LengthsSource: while the step axis is
/// kept after the embedding) gets them as sequence_lens (1 + the last position whose id ≠ −1, int32). ONNX writes
/// Y = 0 at padded steps, where ours carry the state (Keras masking), which is the direction's final state Y_h (the
/// backward layer's too: Bidirectional reverses only the valid prefix); a sequence output is therefore fixed up with
/// Where(t &lt; length, Y, Y_h), so a layer reading padded positions (Dense after a sequence) sees our values. A
/// following recurrent node with the same sequence_lens never reads them. ONNX Runtime (measured with 1.31.1) accepts sequence_lens = 0, an all-padding row,
/// and returns Y = 0 and Y_h = 0, the zero initial state, as our layers do; the parity tests include such a row.
/// </remarks>
internal static class OnnxRecurrentLayerWriters
{
    /// <summary>Symbolic name of a token-sequence input's length (<see cref="OnnxExportOptions.SequenceInput"/>).</summary>
    public const string SequenceSymbol = "L";

    /// <summary>
    /// Ids [N, L] → [N, <paramref name="steps"/>]: the first T ids (Slice), then −1 padding up to T (Pad); L may be 0.
    /// </summary>
    public static string FitSteps(OnnxGraphBuilder g, string ids, int steps)
    {
        string kept = g.Node("Slice", [ids, g.Int64Vector("sequence_start", 0), g.Int64Vector("sequence_end", steps), g.Int64Vector("sequence_axis", 1)], "sequence_kept");
        string length = g.Node("Shape", [kept], "sequence_length", OnnxAttribute.Int("start", 1));
        string missing = g.Node("Sub", [g.Int64Vector("sequence_steps", steps), length], "sequence_missing");
        // Pad's pads list every axis' start, then every axis' end: [0, 0, 0, T − l].
        string pads = g.Node("Concat", [g.Int64Vector("sequence_pad_starts", 0, 0, 0), missing], "sequence_pads", OnnxAttribute.Int("axis", 0));
        return g.Node("Pad", [kept, pads, g.ScalarFloat("padding_id", -1f)], "sequence_ids");
    }

    /// <summary>
    /// Gather on the table (vocabularySize, embeddingSize) with one zero row appended, so that the padding id −1 (ONNX
    /// Gather counts negative indices from the end) reads zeros. Ids [N, T] are floats holding integers: Cast to int64.
    /// Also computes the sequence lengths the recurrent layers masking with it read (<see cref="OnnxGraphBuilder.SequenceLengths"/>).
    /// </summary>
    public static OnnxLayerTensor Embedding(OnnxGraphBuilder g, EmbeddingLayer layer, OnnxLayerTensor x, OnnxParameterValues values)
    {
        int steps = layer.InputShape.Size, vocabulary = layer.VocabularySize, size = layer.EmbeddingSize;
        var ids = x.AsRows(g, $"{layer.Name}.input_rows");
        var table = new float[(vocabulary + 1) * size];
        values.Of(layer.Weight).CopyTo(table);
        string weight = g.AddInitializer(layer.Weight.Name, name => OnnxTensor.FromFloats(name, [vocabulary + 1, size], table));
        string indices = g.Node("Cast", [ids.Name], $"{layer.Name}.indices", OnnxAttribute.Int("to", (long)OnnxDataType.Int64));
        string output = g.Node("Gather", [weight, indices], $"{layer.Name}.output", OnnxAttribute.Int("axis", 0));
        // Only a recurrent layer that masks with them adds the length nodes (an Embedding → Flatten → Dense model has none).
        g.SequenceLengths[layer.Name] = new Lazy<string>(() => PaddedLengths(g, layer.Name, ids.Name, steps));
        return OnnxLayerTensor.Of(output, layer.OutputShape);
    }

    // lengths[n] = max over t of (t + 1)·[ids[n, t] ≠ −1], 0 for an all-padding row (ComputeBackend.PaddedSequenceLengths);
    // integers up to T are exact in float. int32, as sequence_lens wants.
    private static string PaddedLengths(OnnxGraphBuilder g, string layer, string ids, int steps)
    {
        string padding = g.Node("Equal", [ids, g.ScalarFloat($"{layer}.padding_id", -1f)], $"{layer}.is_padding");
        string valid = g.Node("Cast", [g.Node("Not", [padding], $"{layer}.is_valid")], $"{layer}.valid",
            OnnxAttribute.Int("to", (long)OnnxDataType.Float));
        var positions = Enumerable.Range(1, steps).Select(t => (float)t).ToArray();
        string ends = g.Node("Mul", [valid, g.AddInitializer($"{layer}.positions", name => OnnxTensor.FromFloats(name, [steps], positions))], $"{layer}.valid_ends");
        string last = g.Node("ReduceMax", [ends], $"{layer}.last_valid", OnnxAttribute.Ints("axes", 1), OnnxAttribute.Int("keepdims", 0));
        return g.Node("Cast", [last], $"{layer}.sequence_lengths", OnnxAttribute.Int("to", (long)OnnxDataType.Int32));
    }

    /// <summary>One recurrent layer as a forward LSTM, GRU or RNN node.</summary>
    public static OnnxLayerTensor Recurrent(OnnxGraphBuilder g, RecurrentLayer layer, OnnxLayerTensor x, OnnxParameterValues values) =>
        Node(g, layer.Name, [layer], "forward", x, values);

    /// <summary>A bidirectional layer as one node with direction "bidirectional": forward weights first, then backward.</summary>
    public static OnnxLayerTensor Bidirectional(OnnxGraphBuilder g, BidirectionalLayer layer, OnnxLayerTensor x, OnnxParameterValues values) =>
        Node(g, layer.Name, [layer.ForwardLayer, layer.BackwardLayer], "bidirectional", x, values);

    private static OnnxLayerTensor Node(OnnxGraphBuilder g, string name, RecurrentLayer[] directions, string direction, OnnxLayerTensor x, OnnxParameterValues values)
    {
        var first = directions[0];
        int steps = first.Steps, features = first.Features, hidden = first.HiddenSize, gates = first.GateCount, dirs = directions.Length;
        var (op, order) = first switch
        {
            LstmLayer => ("LSTM", new[] { 0, 3, 1, 2 }),   // ONNX i, o, f, c from ours i, f, g, o
            GruLayer => ("GRU", new[] { 1, 0, 2 }),        // ONNX z, r, h from ours r, z, n
            SimpleRnnLayer => ("RNN", new[] { 0 }),
            _ => throw new NotSupportedException($"Layer '{name}': recurrent layer type {first.GetType().Name} cannot be exported to ONNX."),
        };

        // The lengths of the embedding this layer masks with (RecurrentLayer.LengthsSource; Bidirectional hands its own to both layers).
        string? lengths = first.LengthsSource is { } source ? g.SequenceLengths[source.Name].Value : null;
        var sequences = x.As(g, new TensorShape(steps, features), $"{name}.input_sequences");
        string timeMajor = g.Node("Transpose", [sequences.Name], $"{name}.time_major", OnnxAttribute.Ints("perm", 1, 0, 2));

        int rows = gates * hidden;
        var w = new float[dirs * rows * features];
        var r = new float[dirs * rows * hidden];
        var b = new float[dirs * 2 * rows];
        for (int d = 0; d < dirs; d++)
        {
            var layer = directions[d];
            Reorder(values.Of(layer.InputWeight), w.AsSpan(d * rows * features, rows * features), order, hidden * features);
            Reorder(values.Of(layer.RecurrentWeight), r.AsSpan(d * rows * hidden, rows * hidden), order, hidden * hidden);
            Reorder(values.Of(layer.InputBias), b.AsSpan(d * 2 * rows, rows), order, hidden);
            Reorder(values.Of(layer.RecurrentBias), b.AsSpan(d * 2 * rows + rows, rows), order, hidden);
        }
        string[] inputs =
        [
            timeMajor,
            g.AddInitializer($"{name}.W", n => OnnxTensor.FromFloats(n, [dirs, rows, features], w)),
            g.AddInitializer($"{name}.R", n => OnnxTensor.FromFloats(n, [dirs, rows, hidden], r)),
            g.AddInitializer($"{name}.B", n => OnnxTensor.FromFloats(n, [dirs, 2 * rows], b)),
            .. lengths is null ? Array.Empty<string>() : [lengths],
        ];
        var attributes = new List<OnnxAttribute> { OnnxAttribute.Int("hidden_size", hidden), OnnxAttribute.String("direction", direction) };
        if (first is GruLayer) attributes.Add(OnnxAttribute.Int("linear_before_reset", 1));
        if (first is SimpleRnnLayer rnn)
        {
            string activation = rnn.Activation switch
            {
                ActivationKind.Tanh => "Tanh",
                ActivationKind.Relu => "Relu",
                _ => throw new NotSupportedException($"Layer '{name}': SimpleRNN activation {rnn.Activation} cannot be exported to ONNX (Tanh or Relu)."),
            };
            attributes.Add(OnnxAttribute.Strings("activations", Enumerable.Repeat(activation, dirs).ToArray()));
        }

        bool sequence = first.ReturnSequences;
        bool fixPadding = sequence && lengths is not null;
        var outputs = g.NodeWithOutputs(op, inputs, [sequence ? $"{name}.Y" : null, sequence && !fixPadding ? null : $"{name}.Y_h"], [.. attributes]);

        if (!sequence)
        {
            // Y_h [dirs, N, H] → [N, dirs·H].
            string last = dirs == 1
                ? g.Node("Squeeze", [outputs[1]!, g.Int64Vector($"{name}.direction_axis", 0)], $"{name}.output")
                : g.Node("Reshape", [g.Node("Transpose", [outputs[1]!], $"{name}.batch_major", OnnxAttribute.Ints("perm", 1, 0, 2)),
                    g.Int64Vector($"{name}.shape", 0, dirs * hidden)], $"{name}.output");
            return OnnxLayerTensor.Rows(last, dirs * hidden);
        }

        string y = outputs[0]!;
        if (fixPadding)
        {
            // Padded steps (t ≥ length) hold the direction's final state, as ours do: mask [T, 1, N, 1] broadcast over dirs and H.
            var stepIndices = Enumerable.Range(0, steps).ToArray();
            string range = g.AddInitializer($"{name}.steps", n => OnnxTensor.FromRaw(n, OnnxDataType.Int32, [steps, 1, 1, 1], OnnxTensor.LittleEndianBytes<int>(stepIndices)));
            string lengths4 = g.Node("Reshape", [lengths!, g.Int64Vector($"{name}.lengths_shape", 1, 1, -1, 1)], $"{name}.lengths");
            string valid = g.Node("Less", [range, lengths4], $"{name}.valid_steps");
            y = g.Node("Where", [valid, y, outputs[1]!], $"{name}.Y_carried");
        }
        // Y [T, dirs, N, H] → [N, T, dirs, H] → [N, T, dirs·H].
        string batchMajor = g.Node("Transpose", [y], $"{name}.batch_major", OnnxAttribute.Ints("perm", 2, 0, 1, 3));
        string output = g.Node("Reshape", [batchMajor, g.Int64Vector($"{name}.shape", 0, steps, dirs * hidden)], $"{name}.output");
        return OnnxLayerTensor.Of(output, new TensorShape(steps, dirs * hidden));
    }

    // destination block k (of blockSize values) = source block order[k].
    private static void Reorder(ReadOnlySpan<float> source, Span<float> destination, int[] order, int blockSize)
    {
        for (int k = 0; k < order.Length; k++) source.Slice(order[k] * blockSize, blockSize).CopyTo(destination.Slice(k * blockSize, blockSize));
    }
}
