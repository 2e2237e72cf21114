using MLNet.DeepExtensions.Kernels;

namespace MLNet.DeepExtensions.Networks.Layers;

/// <summary>What a forward pass needs to know besides its input.</summary>
/// <param name="Training">True during training: dropout drops and batch norm uses batch statistics.</param>
/// <param name="Seed">Seed of this step for this layer (dropout masks); <see cref="Sequential"/> derives it from the model seed, the step and the layer index.</param>
public readonly record struct ForwardContext(bool Training, ulong Seed);

/// <summary>
/// A network layer. Configuration comes from the constructor; <see cref="Build"/> runs once, when the input shape is
/// known, and declares the parameters; <see cref="Allocate"/> sizes the per-batch workspaces. Then
/// <see cref="Forward"/> and <see cref="Backward"/> run per batch, with the same batch size between a forward
/// and its backward.
/// </summary>
/// <remarks>
/// Backward accumulates into the parameter gradients (the model zeroes them once per batch), so shared weights and
/// residual connections sum correctly. The input gradient it returns is overwritten each call. A layer keeps exactly
/// what its backward needs from the last forward (its cache) in fields; buffers it returns stay valid until its
/// next call.
/// </remarks>
public abstract class Layer : IDisposable
{
    private readonly List<DeviceBuffer> _workspaces = new();
    private ComputeBackend? _backend;
    private string _name;

    /// <summary>Creates a layer; <paramref name="name"/> null lets the model name it ("dense_1").</summary>
    protected Layer(string? name) => _name = name ?? "";

    /// <summary>Unique name within the model, used in parameter names and summaries.</summary>
    public string Name
    {
        get => _name;
        internal set
        {
            _name = value;
            OnNameChanged();
        }
    }

    /// <summary>Called after the model (re)names the layer: a container renames its inner layers ("residual_1.conv2d_1").</summary>
    private protected virtual void OnNameChanged()
    {
    }

    /// <summary>The type column of a model summary: <see cref="Describe"/>, or a short form for a container whose inner layers get rows of their own.</summary>
    internal virtual string SummaryType => Describe();

    /// <summary>The chains of a container layer, each with the mark its summary rows get ("shortcut: "); none for a primitive layer.</summary>
    internal virtual IEnumerable<(LayerChain Chain, string Mark)> InnerChains => [];

    /// <summary>Short lower-case kind used for automatic names ("dense").</summary>
    public abstract string Kind { get; }

    /// <summary>Shape of one input sample (after <see cref="Build"/>).</summary>
    public TensorShape InputShape { get; private set; } = null!;

    /// <summary>Shape of one output sample (after <see cref="Build"/>).</summary>
    public TensorShape OutputShape { get; private set; } = null!;

    /// <summary>True once built.</summary>
    public bool IsBuilt => OutputShape is not null;

    /// <summary>Largest batch the workspaces hold.</summary>
    public int Capacity { get; private set; }

    /// <summary>The backend the layer runs on (after <see cref="Allocate"/>).</summary>
    protected ComputeBackend Backend => _backend ?? throw new InvalidOperationException($"Layer '{Name}' is not allocated yet: build the model first.");

    /// <summary>Declares parameters for <paramref name="inputShape"/> and fixes the output shape. Runs once.</summary>
    public void Build(TensorShape inputShape, ParameterStore parameters)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        if (IsBuilt) throw new InvalidOperationException($"Layer '{Name}' is already built for input {InputShape}.");
        InputShape = inputShape;
        OutputShape = BuildCore(inputShape, parameters);
    }

    /// <summary>Layer-specific build: check the input shape, declare parameters, return the output shape.</summary>
    protected abstract TensorShape BuildCore(TensorShape inputShape, ParameterStore parameters);

    /// <summary>(Re)allocates workspaces for batches of up to <paramref name="maxBatchSize"/> rows on <paramref name="backend"/>.</summary>
    public void Allocate(ComputeBackend backend, int maxBatchSize)
    {
        ArgumentNullException.ThrowIfNull(backend);
        if (!IsBuilt) throw new InvalidOperationException($"Layer '{Name}' must be built before it is allocated.");
        if (maxBatchSize <= 0) throw new ArgumentOutOfRangeException(nameof(maxBatchSize), $"maxBatchSize must be positive; got {maxBatchSize}.");
        FreeWorkspaces();
        _backend = backend;
        Capacity = maxBatchSize;
        AllocateCore(maxBatchSize);
    }

    /// <summary>Allocates the layer's workspaces through <see cref="Workspace"/>.</summary>
    protected abstract void AllocateCore(int maxBatchSize);

    /// <summary>A zeroed device buffer owned (and freed) by this layer.</summary>
    protected DeviceBuffer Workspace(int length)
    {
        var buffer = Backend.Allocate(length);
        _workspaces.Add(buffer);
        return buffer;
    }

    /// <summary>Computes the output of <paramref name="batchSize"/> rows of <paramref name="input"/> (batch, InputShape.Size).</summary>
    public abstract DeviceBuffer Forward(DeviceBuffer input, int batchSize, in ForwardContext context);

    /// <summary>
    /// Given dL/dOutput of the last forward, accumulates dL/dParameters and, when <paramref name="computeInputGradient"/>,
    /// returns dL/dInput (batch, InputShape.Size); otherwise returns null (the first layer skips that work).
    /// </summary>
    public abstract DeviceBuffer? Backward(DeviceBuffer dOutput, int batchSize, bool computeInputGradient);

    /// <summary>One-line description for model summaries: "Dense(128, glorot_uniform)".</summary>
    public virtual string Describe() => GetType().Name.Replace("Layer", "", StringComparison.Ordinal);

    /// <summary>
    /// The (channels, height, width) of an image input; any other rank fails naming <paramref name="layer"/> (the layer's
    /// description) and <see cref="Name"/>.
    /// </summary>
    private protected (int Channels, int Height, int Width) ImageInput(TensorShape inputShape, string layer)
    {
        if (inputShape.Rank != 3)
        {
            throw new ArgumentException(
                $"{layer} layer '{Name}' needs an input shape (channels, height, width); got {inputShape}.", nameof(inputShape));
        }
        return (inputShape.Dimensions[0], inputShape.Dimensions[1], inputShape.Dimensions[2]);
    }

    /// <summary>Checks a batch size against the workspaces.</summary>
    protected void CheckBatch(int batchSize)
    {
        if (batchSize <= 0 || batchSize > Capacity)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), $"Layer '{Name}': batch size must be in [1, {Capacity}]; got {batchSize}.");
        }
    }

    private void FreeWorkspaces()
    {
        foreach (var buffer in _workspaces) buffer.Dispose();
        _workspaces.Clear();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Frees the workspaces; a container also disposes its inner layers.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing) FreeWorkspaces();
    }
}
