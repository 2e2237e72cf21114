using System.Text;
using MLNet.DeepExtensions.Kernels;

namespace MLNet.DeepExtensions.Networks.Layers;

/// <summary>
/// An ordered chain of layers, each feeding the next: the one copy of the chain logic that <see cref="Sequential"/> and
/// both paths of a <see cref="ResidualBlock"/> delegate to (and later Bidirectional, encoders and decoders). It owns the
/// layers, their null and duplicate-instance checks, the automatic names, Build (threading the shape through),
/// the workspaces, Forward and Backward through the chain, the summary rows and Dispose.
/// </summary>
/// <remarks>
/// <para>Names: explicit names stay, the others become "{kind}_{n}" counted per kind and skipping names already taken
/// ("dense_1", "dense_2"); <see cref="AssignLocalNames"/> gives several chains one namespace (a block's two paths), and
/// <see cref="ApplyNames"/> prefixes them with the owner's name ("residual_1.conv2d_1").</para>
/// <para>Seeds: layer i of a chain run with seed s gets Hash(s, firstSeedIndex + i), the same on every backend; a chain
/// that shares its owner's seed with another (a block's shortcut) starts its indices after the first chain's.</para>
/// <para>An empty chain is the identity: Build returns the input shape, Forward the input, Backward dL/dOutput.</para>
/// </remarks>
internal sealed class LayerChain : IDisposable
{
    private readonly Layer[] _layers;
    private string[] _localNames;
    private bool _disposed;

    /// <summary>
    /// Creates the chain from <paramref name="layers"/>, first to last; a null layer fails naming
    /// <paramref name="parameterName"/> and, when given, the <paramref name="pathName"/> ("Layer 2 of the shortcut path is null.").
    /// </summary>
    /// <param name="layers">The layers, first to last; may be empty.</param>
    /// <param name="parameterName">The owner's constructor parameter the layers came from, for the exceptions.</param>
    /// <param name="pathName">Which path of the owner this chain is, for the messages; null for a chain that is the whole owner.</param>
    /// <param name="fuseDenseActivation">
    /// True to run a <see cref="DenseLayer"/> followed by an <see cref="ActivationLayer"/> as one fused op
    /// (<see cref="Sequential"/> does; a block's paths do not, which keeps their numerics as they were).
    /// </param>
    public LayerChain(IEnumerable<Layer> layers, string parameterName, string? pathName = null, bool fuseDenseActivation = false)
    {
        ArgumentNullException.ThrowIfNull(layers, parameterName);
        _layers = layers.ToArray();
        for (int i = 0; i < _layers.Length; i++)
        {
            if (_layers[i] is null)
            {
                throw new ArgumentNullException(parameterName, pathName is null ? $"Layer {i} is null." : $"Layer {i} of the {pathName} path is null.");
            }
        }
        _localNames = _layers.Select(l => l.Name).ToArray();
        FuseDenseActivation = fuseDenseActivation;
    }

    /// <summary>The layers, first to last.</summary>
    public IReadOnlyList<Layer> Layers => _layers;

    /// <summary>Number of layers.</summary>
    public int Count => _layers.Length;

    /// <summary>True when a dense layer and the activation after it run as one op.</summary>
    public bool FuseDenseActivation { get; }

    /// <summary>Shape of one output sample (after <see cref="Build"/>); the input shape for an empty chain.</summary>
    public TensorShape OutputShape { get; private set; } = null!;

    /// <summary>Largest batch the layer workspaces hold (after <see cref="Allocate"/>).</summary>
    public int Capacity { get; private set; }

    /// <summary>
    /// Fails when one layer instance appears twice in <paramref name="chains"/> (taken together), naming the
    /// <paramref name="container"/> ("the model") and pointing at <paramref name="parameterName"/>.
    /// </summary>
    public static void RequireDistinctInstances(string container, string parameterName, params LayerChain[] chains)
    {
        var all = chains.SelectMany(c => c._layers).ToArray();
        if (all.Distinct().Count() != all.Length)
        {
            throw new ArgumentException($"The same layer instance appears twice in {container}; create a new layer for each position.", parameterName);
        }
    }

    /// <summary>
    /// Gives the layers of <paramref name="chains"/>, taken together in order, their local names: explicit names stay
    /// (two equal ones fail with <paramref name="duplicateMessage"/> of the name), the others get "{kind}_{n}", skipping
    /// names already taken. <see cref="ApplyNames"/> then sets them.
    /// </summary>
    public static void AssignLocalNames(Func<string, string> duplicateMessage, params LayerChain[] chains)
    {
        var layers = chains.SelectMany(c => c._layers).ToArray();
        var explicitNames = layers.Where(l => l.Name.Length > 0).Select(l => l.Name).ToArray();
        var used = new HashSet<string>(explicitNames);
        if (used.Count != explicitNames.Length)
        {
            string duplicate = explicitNames.GroupBy(n => n).First(g => g.Count() > 1).Key;
            throw new ArgumentException(duplicateMessage(duplicate));
        }
        var counters = new Dictionary<string, int>();
        foreach (var chain in chains)
        {
            for (int i = 0; i < chain._layers.Length; i++)
            {
                var layer = chain._layers[i];
                if (layer.Name.Length > 0)
                {
                    chain._localNames[i] = layer.Name;
                    continue;
                }
                string name;
                do
                {
                    counters[layer.Kind] = counters.GetValueOrDefault(layer.Kind) + 1;
                    name = $"{layer.Kind}_{counters[layer.Kind]}";
                } while (!used.Add(name));
                chain._localNames[i] = name;
            }
        }
    }

    /// <summary>
    /// Names each layer "{prefix}.{local name}", or its local name when <paramref name="prefix"/> is empty; a container
    /// renames its own inner layers in turn. The local names come from <see cref="AssignLocalNames"/>, called once first.
    /// </summary>
    public void ApplyNames(string prefix)
    {
        for (int i = 0; i < _layers.Length; i++) _layers[i].Name = prefix.Length == 0 ? _localNames[i] : $"{prefix}.{_localNames[i]}";
    }

    /// <summary>Builds each layer on the previous one's output shape, declaring its parameters in order; returns the chain's output shape.</summary>
    public TensorShape Build(TensorShape inputShape, ParameterStore parameters)
    {
        var shape = inputShape;
        EmbeddingLayer? lengths = null; // the recurrent layers after an embedding mask with its sequence lengths
        foreach (var layer in _layers)
        {
            SequenceLengths.Connect(layer, lengths);
            layer.Build(shape, parameters);
            lengths = SequenceLengths.Advance(layer, lengths);
            shape = layer.OutputShape;
        }
        OutputShape = shape;
        return shape;
    }

    /// <summary>(Re)allocates every layer's workspaces for batches of up to <paramref name="maxBatchSize"/> rows.</summary>
    public void Allocate(ComputeBackend backend, int maxBatchSize)
    {
        foreach (var layer in _layers) layer.Allocate(backend, maxBatchSize);
        Capacity = maxBatchSize;
    }

    /// <summary>Grows the workspaces to <paramref name="batchSize"/> rows; a no-op when they already hold that many.</summary>
    public void EnsureCapacity(ComputeBackend backend, int batchSize)
    {
        if (batchSize > Capacity) Allocate(backend, batchSize);
    }

    /// <summary>
    /// Runs the layers on <paramref name="batchSize"/> rows of <paramref name="input"/>; layer i gets the seed
    /// Hash(<paramref name="context"/>.Seed, <paramref name="firstSeedIndex"/> + i). Returns the last layer's output
    /// (the input itself for an empty chain), valid until that layer's next call.
    /// </summary>
    public DeviceBuffer Forward(DeviceBuffer input, int batchSize, in ForwardContext context, int firstSeedIndex = 0)
    {
        var x = input;
        for (int i = 0; i < _layers.Length; i++)
        {
            // Dense → activation runs as one fused op (bias and f applied while the product is in cache).
            if (FuseDenseActivation && _layers[i] is DenseLayer dense && i + 1 < _layers.Length && _layers[i + 1] is ActivationLayer activation)
            {
                x = dense.ForwardWithActivation(x, batchSize, activation, context.Training);
                i++;
                continue;
            }
            x = _layers[i].Forward(x, batchSize, new ForwardContext(context.Training, CounterRandom.Hash(context.Seed, firstSeedIndex + i)));
        }
        return x;
    }

    /// <summary>
    /// Back-propagates dL/dOutput of the last <see cref="Forward"/> from the last layer to the first, accumulating
    /// parameter gradients; the first layer computes dL/dInput only when <paramref name="computeInputGradient"/>, which
    /// is returned (dL/dOutput itself for an empty chain); otherwise returns null.
    /// </summary>
    public DeviceBuffer? Backward(DeviceBuffer dOutput, int batchSize, bool computeInputGradient)
    {
        var d = dOutput;
        for (int i = _layers.Length - 1; i >= 0; i--) d = _layers[i].Backward(d!, batchSize, i > 0 || computeInputGradient);
        return computeInputGradient ? d : null;
    }

    /// <summary>
    /// Appends a Keras-style table: a header, then one row per layer with its output shape and trainable parameter
    /// count in <paramref name="parameters"/>, a container's inner layers indented below it.
    /// </summary>
    public void AppendSummary(StringBuilder text, ParameterStore parameters)
    {
        var rows = new List<(string Name, string Type, Layer Layer)>();
        AddSummaryRows(rows, "", "");
        int nameWidth = Math.Max(16, rows.Max(r => r.Name.Length));
        text.AppendLine($"{"layer".PadRight(nameWidth)} {"type",-28} {"output",-14} {"params",10}");
        foreach (var (name, type, layer) in rows)
        {
            string output = layer.IsBuilt ? layer.OutputShape.ToString() : "?";
            long count = parameters.Parameters.Where(p => p.IsTrainable && p.Name.StartsWith(layer.Name + ".", StringComparison.Ordinal)).Sum(p => (long)p.Size);
            text.AppendLine($"{name.PadRight(nameWidth)} {type,-28} {output,-14} {count,10:N0}");
        }
    }

    // A container gets its short summary type and its inner chains follow, indented, each row with the chain's mark
    // ("shortcut: ").
    private void AddSummaryRows(List<(string Name, string Type, Layer Layer)> rows, string indent, string mark)
    {
        foreach (var layer in _layers)
        {
            rows.Add((indent + layer.Name, mark + layer.SummaryType, layer));
            foreach (var (chain, innerMark) in layer.InnerChains) chain.AddSummaryRows(rows, indent + "  ", innerMark);
        }
    }

    /// <summary>Disposes each layer once, even when the chain is disposed again.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var layer in _layers) layer.Dispose();
    }
}
