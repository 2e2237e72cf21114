using System.Text;
using MLNet.DeepExtensions.Kernels;
using MLNet.DeepExtensions.Networks.Layers;

namespace MLNet.DeepExtensions.Networks;

/// <summary>
/// A stack of layers, each feeding the next (Keras Sequential, torch.nn.Sequential). All parameters live in one
/// <see cref="ParameterStore"/>. <see cref="Build"/> fixes the input shape and the backend, declares and initializes
/// the parameters; workspaces grow to the largest batch seen.
/// </summary>
public sealed class Sequential : IDisposable
{
    private readonly Layer[] _layers;
    private DeviceBuffer? _predictInput;

    /// <summary>Creates the model from its layers, first to last.</summary>
    public Sequential(params Layer[] layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Length == 0) throw new ArgumentException("A sequential model needs at least one layer; got none.", nameof(layers));
        for (int i = 0; i < layers.Length; i++)
        {
            if (layers[i] is null) throw new ArgumentNullException(nameof(layers), $"Layer {i} is null.");
        }
        if (layers.Distinct().Count() != layers.Length) throw new ArgumentException("The same layer instance appears twice in the model; create a new layer for each position.", nameof(layers));
        _layers = layers;
        NameLayers();
    }

    /// <summary>The layers, first to last.</summary>
    public IReadOnlyList<Layer> Layers => _layers;

    /// <summary>Parameters of every layer (after <see cref="Build"/>).</summary>
    public ParameterStore Parameters { get; } = new();

    /// <summary>Backend the model runs on (after <see cref="Build"/>).</summary>
    public ComputeBackend Backend { get; private set; } = null!;

    /// <summary>Shape of one input sample (after <see cref="Build"/>).</summary>
    public TensorShape InputShape { get; private set; } = null!;

    /// <summary>Shape of one output sample (after <see cref="Build"/>).</summary>
    public TensorShape OutputShape => _layers[^1].OutputShape;

    /// <summary>Seed used for initialization and for the per-step dropout seeds.</summary>
    public int Seed { get; private set; }

    /// <summary>True once built.</summary>
    public bool IsBuilt => InputShape is not null;

    /// <summary>Largest batch the workspaces currently hold.</summary>
    public int Capacity { get; private set; }

    /// <summary>Number of trainable scalars.</summary>
    public int ParameterCount => Parameters.TrainableCount;

    /// <summary>
    /// Builds every layer for samples of <paramref name="inputShape"/> on <paramref name="backend"/>, and initializes the
    /// parameters from <paramref name="seed"/> (the same seed gives the same weights on every backend).
    /// </summary>
    public void Build(ComputeBackend backend, TensorShape inputShape, int seed = 0, int initialBatchCapacity = 32)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(inputShape);
        if (IsBuilt) throw new InvalidOperationException($"The model is already built for input {InputShape}.");
        var shape = inputShape;
        foreach (var layer in _layers)
        {
            layer.Build(shape, Parameters);
            shape = layer.OutputShape;
        }
        Parameters.Allocate(backend, seed);
        Backend = backend;
        InputShape = inputShape;
        Seed = seed;
        EnsureCapacity(Math.Max(1, initialBatchCapacity));
    }

    /// <summary>Grows the layer workspaces to hold batches of <paramref name="batchSize"/> rows (no-op when they already do).</summary>
    public void EnsureCapacity(int batchSize)
    {
        RequireBuilt();
        if (batchSize <= Capacity) return;
        foreach (var layer in _layers) layer.Allocate(Backend, batchSize);
        Capacity = batchSize;
    }

    /// <summary>
    /// Runs the layers on <paramref name="batchSize"/> rows of <paramref name="input"/> (batch, InputShape.Size) and returns
    /// the output (batch, OutputShape.Size), valid until the next call. <paramref name="step"/> keys the dropout masks.
    /// </summary>
    public DeviceBuffer Forward(DeviceBuffer input, int batchSize, bool training, long step = 0)
    {
        RequireBuilt();
        ArgumentNullException.ThrowIfNull(input);
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), $"batchSize must be positive; got {batchSize}.");
        if (input.Length < (long)batchSize * InputShape.Size)
        {
            throw new ArgumentException($"Input buffer holds {input.Length} values; a batch of {batchSize} samples of shape {InputShape} needs {(long)batchSize * InputShape.Size}.", nameof(input));
        }
        EnsureCapacity(batchSize);
        var x = input;
        for (int i = 0; i < _layers.Length; i++)
        {
            // Dense → activation runs as one fused op (bias and f applied while the product is in cache).
            if (_layers[i] is DenseLayer dense && i + 1 < _layers.Length && _layers[i + 1] is ActivationLayer activation)
            {
                x = dense.ForwardWithActivation(x, batchSize, activation, training);
                i++;
                continue;
            }
            var context = new ForwardContext(training, StepSeed(step, i));
            x = _layers[i].Forward(x, batchSize, context);
        }
        return x;
    }

    /// <summary>
    /// Back-propagates dL/dOutput of the last <see cref="Forward"/> through every layer, accumulating parameter
    /// gradients; returns dL/dInput when <paramref name="computeInputGradient"/>, otherwise null.
    /// </summary>
    public DeviceBuffer? Backward(DeviceBuffer dOutput, int batchSize, bool computeInputGradient = false)
    {
        RequireBuilt();
        var d = dOutput;
        for (int i = _layers.Length - 1; i >= 0; i--)
        {
            bool needInput = i > 0 || computeInputGradient;
            d = _layers[i].Backward(d!, batchSize, needInput)!;
        }
        return computeInputGradient ? d : null;
    }

    /// <summary>
    /// Inference on host data: <paramref name="features"/> holds <paramref name="rows"/> samples of InputShape.Size values;
    /// returns rows × OutputShape.Size raw outputs (logits for classifiers), computed in batches of <paramref name="batchSize"/>.
    /// </summary>
    public float[] Predict(ReadOnlySpan<float> features, int rows, int batchSize = 1024)
    {
        RequireBuilt();
        int width = InputShape.Size;
        if (rows < 0) throw new ArgumentOutOfRangeException(nameof(rows), $"rows must be non-negative; got {rows}.");
        if (features.Length != (long)rows * width)
        {
            throw new ArgumentException($"Expected {rows} rows x {width} features = {(long)rows * width} values (model input shape {InputShape}); got {features.Length}.", nameof(features));
        }
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), $"batchSize must be positive; got {batchSize}.");
        int outputs = OutputShape.Size;
        var result = new float[(long)rows * outputs];
        int chunk = Math.Min(batchSize, Math.Max(rows, 1));
        EnsureCapacity(chunk);
        if (_predictInput is null || _predictInput.Length < chunk * width)
        {
            _predictInput?.Dispose();
            _predictInput = Backend.Allocate(chunk * width);
        }
        for (int start = 0; start < rows; start += chunk)
        {
            int n = Math.Min(chunk, rows - start);
            Backend.Upload(features.Slice(start * width, n * width), _predictInput);
            var output = Forward(_predictInput, n, training: false);
            Backend.Download(output, result.AsSpan(start * outputs, n * outputs));
        }
        return result;
    }

    /// <summary>Row-wise argmax of <see cref="Predict"/>: the predicted class of each sample.</summary>
    public int[] PredictClasses(ReadOnlySpan<float> features, int rows, int batchSize = 1024)
    {
        var outputs = Predict(features, rows, batchSize);
        int k = OutputShape.Size;
        var classes = new int[rows];
        for (int r = 0; r < rows; r++)
        {
            var row = outputs.AsSpan(r * k, k);
            int best = 0;
            for (int c = 1; c < k; c++) if (row[c] > row[best]) best = c;
            classes[r] = best;
        }
        return classes;
    }

    /// <summary>
    /// A Keras-style summary: one line per layer with output shape and parameter count (the layers inside a
    /// <see cref="ResidualBlock"/> indented below it), then the totals and the backend.
    /// </summary>
    public string Summary()
    {
        var rows = new List<(string Name, string Type, Layer Layer)>();
        foreach (var layer in _layers) AddSummaryRows(rows, layer, "", "");
        int nameWidth = Math.Max(16, rows.Max(r => r.Name.Length));
        var text = new StringBuilder();
        text.AppendLine($"{"layer".PadRight(nameWidth)} {"type",-28} {"output",-14} {"params",10}");
        foreach (var (name, type, layer) in rows)
        {
            string output = layer.IsBuilt ? layer.OutputShape.ToString() : "?";
            long count = Parameters.Parameters.Where(p => p.IsTrainable && p.Name.StartsWith(layer.Name + ".", StringComparison.Ordinal)).Sum(p => (long)p.Size);
            text.AppendLine($"{name.PadRight(nameWidth)} {type,-28} {output,-14} {count,10:N0}");
        }
        text.AppendLine($"trainable parameters: {Parameters.TrainableCount:N0}; state: {Parameters.StateCount:N0}");
        if (IsBuilt) text.AppendLine($"input {InputShape}, backend: {Backend.Description}");
        return text.ToString();
    }

    // A block gets a short type (its Describe lists every inner layer) and its inner layers follow, indented; the
    // shortcut's are marked as such.
    private static void AddSummaryRows(List<(string Name, string Type, Layer Layer)> rows, Layer layer, string indent, string mark)
    {
        if (layer is not ResidualBlock block)
        {
            rows.Add((indent + layer.Name, mark + layer.Describe(), layer));
            return;
        }
        rows.Add((indent + layer.Name, mark + (block.HasIdentityShortcut ? "Residual(identity shortcut)" : "Residual"), layer));
        foreach (var inner in block.Residual) AddSummaryRows(rows, inner, indent + "  ", "");
        foreach (var inner in block.Shortcut) AddSummaryRows(rows, inner, indent + "  ", "shortcut: ");
    }

    // Distinct per (seed, step, layer) and identical on every backend.
    private ulong StepSeed(long step, int layerIndex) =>
        CounterRandom.Hash(CounterRandom.Hash((ulong)(uint)Seed, step), layerIndex);

    private void NameLayers()
    {
        var used = new HashSet<string>(_layers.Where(l => l.Name.Length > 0).Select(l => l.Name));
        if (used.Count != _layers.Count(l => l.Name.Length > 0)) throw new ArgumentException("Two layers have the same name; layer names must be unique.");
        var counters = new Dictionary<string, int>();
        foreach (var layer in _layers.Where(l => l.Name.Length == 0))
        {
            string name;
            do
            {
                counters[layer.Kind] = counters.GetValueOrDefault(layer.Kind) + 1;
                name = $"{layer.Kind}_{counters[layer.Kind]}";
            } while (!used.Add(name));
            layer.Name = name;
        }
    }

    private void RequireBuilt()
    {
        if (!IsBuilt) throw new InvalidOperationException("The model is not built: call Build(backend, inputShape, seed) first.");
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var layer in _layers) layer.Dispose();
        _predictInput?.Dispose();
        Parameters.Dispose();
    }
}
