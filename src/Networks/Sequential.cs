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
    // Naming, build, workspaces, forward, backward, summary rows and disposal of the layers.
    private readonly LayerChain _chain;
    private DeviceBuffer? _predictInput;

    /// <summary>Creates the model from its layers, first to last.</summary>
    public Sequential(params Layer[] layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Length == 0) throw new ArgumentException("A sequential model needs at least one layer; got none.", nameof(layers));
        _chain = new LayerChain(layers, nameof(layers), fuseDenseActivation: true);
        LayerChain.RequireDistinctInstances("the model", nameof(layers), _chain);
        LayerChain.AssignLocalNames(_ => "Two layers have the same name; layer names must be unique.", _chain);
        _chain.ApplyNames("");
    }

    /// <summary>The layers, first to last.</summary>
    public IReadOnlyList<Layer> Layers => _chain.Layers;

    /// <summary>Parameters of every layer (after <see cref="Build"/>).</summary>
    public ParameterStore Parameters { get; } = new();

    /// <summary>Backend the model runs on (after <see cref="Build"/>).</summary>
    public ComputeBackend Backend { get; private set; } = null!;

    /// <summary>Shape of one input sample (after <see cref="Build"/>).</summary>
    public TensorShape InputShape { get; private set; } = null!;

    /// <summary>Shape of one output sample (after <see cref="Build"/>).</summary>
    public TensorShape OutputShape => _chain.OutputShape;

    /// <summary>Seed used for initialization and for the per-step dropout seeds.</summary>
    public int Seed { get; private set; }

    /// <summary>True once built.</summary>
    public bool IsBuilt => InputShape is not null;

    /// <summary>Largest batch the workspaces currently hold.</summary>
    public int Capacity => _chain.Capacity;

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
        _chain.Build(inputShape, Parameters);
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
        _chain.EnsureCapacity(Backend, batchSize);
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
        // Layer i gets Hash(Hash(seed, step), i): distinct per (seed, step, layer) and identical on every backend.
        var context = new ForwardContext(training, CounterRandom.Hash((ulong)(uint)Seed, step));
        return _chain.Forward(input, batchSize, context);
    }

    /// <summary>
    /// Back-propagates dL/dOutput of the last <see cref="Forward"/> through every layer, accumulating parameter
    /// gradients; returns dL/dInput when <paramref name="computeInputGradient"/>, otherwise null.
    /// </summary>
    public DeviceBuffer? Backward(DeviceBuffer dOutput, int batchSize, bool computeInputGradient = false)
    {
        RequireBuilt();
        return _chain.Backward(dOutput, batchSize, computeInputGradient);
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
        var text = new StringBuilder();
        _chain.AppendSummary(text, Parameters);
        text.AppendLine($"trainable parameters: {Parameters.TrainableCount:N0}; state: {Parameters.StateCount:N0}");
        if (IsBuilt) text.AppendLine($"input {InputShape}, backend: {Backend.Description}");
        return text.ToString();
    }

    private void RequireBuilt()
    {
        if (!IsBuilt) throw new InvalidOperationException("The model is not built: call Build(backend, inputShape, seed) first.");
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _chain.Dispose();
        _predictInput?.Dispose();
        Parameters.Dispose();
    }
}
