namespace MLNet.DeepExtensions.Networks.Onnx;

/// <summary>
/// Collects an ONNX graph (nodes, initializers, inputs, outputs) with unique value names, and encodes it as a
/// ModelProto: ir_version 8, default-domain opset 17.
/// </summary>
/// <remarks>
/// Opset 17 (ONNX 1.12) is the newest that Debian's python3-onnx checker knows; it has LayerNormalization, and still
/// takes ReduceMax's axes as an attribute (opset 18 moved them to an input). IR version 8 is what ONNX 1.12 writes for
/// that opset and what every ONNX Runtime since 1.10 reads.
/// </remarks>
internal sealed class OnnxGraphBuilder
{
    /// <summary>ModelProto.ir_version written.</summary>
    public const long IrVersion = 8;

    /// <summary>Version of the default ("") operator set imported.</summary>
    public const long OpsetVersion = 17;

    /// <summary>ModelProto.producer_name written.</summary>
    public const string ProducerName = "MLNet.DeepExtensions";

    // ModelProto, GraphProto, OperatorSetIdProto and StringStringEntryProto field numbers (onnx.proto).
    private const int ModelIrVersionField = 1, ModelProducerNameField = 2, ModelProducerVersionField = 3, ModelGraphField = 7,
        ModelOpsetImportField = 8, ModelMetadataPropsField = 14;
    private const int GraphNodeField = 1, GraphNameField = 2, GraphInitializerField = 5, GraphInputField = 11, GraphOutputField = 12;
    private const int OpsetDomainField = 1, OpsetVersionField = 2;
    private const int EntryKeyField = 1, EntryValueField = 2;

    private readonly List<OnnxNode> _nodes = new();
    private readonly List<OnnxTensor> _initializers = new();
    private readonly List<OnnxValueInfo> _inputs = new();
    private readonly List<OnnxValueInfo> _outputs = new();
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _nodeCounts = new(StringComparer.Ordinal);

    /// <summary>The nodes added so far, in graph order.</summary>
    public IReadOnlyList<OnnxNode> Nodes => _nodes;

    /// <summary>Claims <paramref name="name"/> exactly (graph inputs and outputs); throws when it is taken.</summary>
    public string Reserve(string name)
    {
        if (!_names.Add(name)) throw new InvalidOperationException($"The ONNX value name '{name}' is used twice.");
        return name;
    }

    /// <summary>A name not used yet, <paramref name="hint"/> itself when free, otherwise with a numeric suffix.</summary>
    public string UniqueName(string hint)
    {
        if (_names.Add(hint)) return hint;
        for (int i = 1; ; i++)
        {
            string candidate = $"{hint}_{i}";
            if (_names.Add(candidate)) return candidate;
        }
    }

    /// <summary>Declares a graph input.</summary>
    public void AddInput(OnnxValueInfo input) => _inputs.Add(input);

    /// <summary>Declares a graph output (its name must be the output of a node, or an input).</summary>
    public void AddOutput(OnnxValueInfo output) => _outputs.Add(output);

    /// <summary>Adds an initializer named after <paramref name="hint"/> (made unique) and returns its name.</summary>
    public string AddInitializer(string hint, Func<string, OnnxTensor> create)
    {
        var tensor = create(UniqueName(hint));
        _initializers.Add(tensor);
        return tensor.Name;
    }

    /// <summary>A scalar float constant.</summary>
    public string ScalarFloat(string hint, float value) => AddInitializer(hint, name => OnnxTensor.FromFloats(name, [], [value]));

    /// <summary>A one-dimensional int64 constant (shapes and axes, which opset 13+ takes as inputs).</summary>
    public string Int64Vector(string hint, params long[] values) => AddInitializer(hint, name => OnnxTensor.FromInt64s(name, [values.Length], values));

    /// <summary>Adds a node of <paramref name="opType"/> whose output gets a fresh name from <paramref name="outputHint"/>; returns that name.</summary>
    public string Node(string opType, string[] inputs, string outputHint, params OnnxAttribute[] attributes) =>
        NodeInto(opType, inputs, UniqueName(outputHint), attributes);

    /// <summary>Adds a node of <paramref name="opType"/> writing the already reserved <paramref name="output"/>; returns it.</summary>
    public string NodeInto(string opType, string[] inputs, string output, params OnnxAttribute[] attributes)
    {
        int count = _nodeCounts.GetValueOrDefault(opType) + 1;
        _nodeCounts[opType] = count;
        _nodes.Add(new OnnxNode($"{opType}_{count}", opType, inputs, [output], attributes));
        return output;
    }

    /// <summary>
    /// Adds a node with several outputs (RNN, GRU, LSTM: Y, Y_h, Y_c); a null hint omits that optional output (written
    /// as ""). Returns the output names, null where omitted.
    /// </summary>
    public string?[] NodeWithOutputs(string opType, string[] inputs, string?[] outputHints, params OnnxAttribute[] attributes)
    {
        string?[] outputs = outputHints.Select(hint => hint is null ? null : UniqueName(hint)).ToArray();
        int count = _nodeCounts.GetValueOrDefault(opType) + 1;
        _nodeCounts[opType] = count;
        _nodes.Add(new OnnxNode($"{opType}_{count}", opType, inputs, outputs.Select(o => o ?? "").ToArray(), attributes));
        return outputs;
    }

    /// <summary>
    /// Embedding layer name → the int32 [N] sequence lengths computed from its ids (nodes added on first use), passed
    /// as sequence_lens to the recurrent nodes that mask with that embedding's lengths.
    /// </summary>
    public Dictionary<string, Lazy<string>> SequenceLengths { get; } = new(StringComparer.Ordinal);

    /// <summary>Encodes the ModelProto.</summary>
    public byte[] ToModel(string graphName, IReadOnlyDictionary<string, string>? metadata)
    {
        var graph = new ProtobufWriter();
        foreach (var node in _nodes) graph.WriteMessage(GraphNodeField, Encode(node.WriteTo));
        graph.WriteString(GraphNameField, graphName);
        foreach (var tensor in _initializers) graph.WriteMessage(GraphInitializerField, Encode(tensor.WriteTo));
        foreach (var input in _inputs) graph.WriteMessage(GraphInputField, Encode(input.WriteTo));
        foreach (var output in _outputs) graph.WriteMessage(GraphOutputField, Encode(output.WriteTo));

        var model = new ProtobufWriter();
        model.WriteInt64(ModelIrVersionField, IrVersion);
        model.WriteString(ModelProducerNameField, ProducerName);
        string? version = typeof(OnnxGraphBuilder).Assembly.GetName().Version?.ToString();
        if (version is not null) model.WriteString(ModelProducerVersionField, version);
        model.WriteMessage(ModelGraphField, graph);
        var opset = new ProtobufWriter();
        opset.WriteString(OpsetDomainField, "");
        opset.WriteInt64(OpsetVersionField, OpsetVersion);
        model.WriteMessage(ModelOpsetImportField, opset);
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
        {
            var entry = new ProtobufWriter();
            entry.WriteString(EntryKeyField, key);
            entry.WriteString(EntryValueField, value ?? "");
            model.WriteMessage(ModelMetadataPropsField, entry);
        }
        return model.ToArray();
    }

    private static ProtobufWriter Encode(Action<ProtobufWriter> write)
    {
        var writer = new ProtobufWriter();
        write(writer);
        return writer;
    }
}
