using MLNet.DeepExtensions.Kernels;

namespace MLNet.DeepExtensions.Networks.Layers;

/// <summary>
/// Elementwise activation y = f(x), any input shape (Keras Activation / torch.nn.ReLU, Tanh, GELU, ...). Leaky
/// ReLU's slope defaults to 0.01 (PyTorch; Keras uses 0.3) and ELU's alpha to 1; GELU is the exact erf form.
/// </summary>
public sealed class ActivationLayer : Layer
{
    private DeviceBuffer _output = null!;
    private DeviceBuffer _dInput = null!;
    private DeviceBuffer _input = null!; // cache: f'(x) needs x (and y, kept in _output)

    /// <summary>Creates the layer for <paramref name="activation"/>.</summary>
    public ActivationLayer(Activation activation, string? name = null) : base(name)
    {
        if (!Enum.IsDefined(activation.Kind)) throw new ArgumentOutOfRangeException(nameof(activation), $"Unknown activation kind {(int)activation.Kind}.");
        Activation = activation;
    }

    /// <summary>Creates the layer for <paramref name="kind"/> with its default parameter.</summary>
    public ActivationLayer(ActivationKind kind, string? name = null) : this(Activation.Default(kind), name)
    {
    }

    /// <summary>The function applied.</summary>
    public Activation Activation { get; }

    /// <inheritdoc/>
    public override string Kind => Activation.Kind.ToString().ToLowerInvariant();

    /// <inheritdoc/>
    protected override TensorShape BuildCore(TensorShape inputShape, ParameterStore parameters) => inputShape;

    /// <inheritdoc/>
    protected override void AllocateCore(int maxBatchSize)
    {
        _output = Workspace(maxBatchSize * InputShape.Size);
        _dInput = Workspace(maxBatchSize * InputShape.Size);
    }

    /// <inheritdoc/>
    public override DeviceBuffer Forward(DeviceBuffer input, int batchSize, in ForwardContext context)
    {
        CheckBatch(batchSize);
        _input = input;
        Backend.ActivationForward(Activation, input, _output, batchSize * InputShape.Size);
        return _output;
    }

    /// <summary>
    /// For a forward fused into the preceding <see cref="DenseLayer"/>: takes <paramref name="input"/> (the dense
    /// output, x) as this layer's cache and returns the buffer the fused op writes f(x) into, as <see cref="Forward"/> would.
    /// </summary>
    internal DeviceBuffer AcceptFusedInput(DeviceBuffer input, int batchSize)
    {
        CheckBatch(batchSize);
        _input = input;
        return _output;
    }

    // dx = dy · f'(x)
    /// <inheritdoc/>
    public override DeviceBuffer? Backward(DeviceBuffer dOutput, int batchSize, bool computeInputGradient)
    {
        CheckBatch(batchSize);
        if (!computeInputGradient) return null;
        Backend.ActivationBackward(Activation, _input, _output, dOutput, _dInput, batchSize * InputShape.Size);
        return _dInput;
    }

    /// <inheritdoc/>
    public override string Describe() => Activation.Kind is ActivationKind.LeakyRelu or ActivationKind.Elu
        ? $"{Activation.Kind}({Activation.Alpha})"
        : Activation.Kind.ToString();
}
