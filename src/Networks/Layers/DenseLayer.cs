using MLNet.DeepExtensions.Kernels;
using MLNet.DeepExtensions.Networks.Initializers;

namespace MLNet.DeepExtensions.Networks.Layers;

/// <summary>Fully connected layer: y = x·Wᵀ + b.</summary>
/// <remarks>
/// x is (batch, inputs), W is (units, inputs), b is (units), y is (batch, units): torch.nn.Linear's layout, Keras
/// Dense(units) semantics. Any input shape is read as a flat vector of its Size. Defaults follow Keras: Glorot
/// uniform weights and zero bias (PyTorch would use U(±1/√inputs) for both). The weight is regularized (L1/L2,
/// weight decay); the bias is not.
/// </remarks>
public sealed class DenseLayer : Layer
{
    private readonly Initializer _weightInitializer;
    private readonly Initializer _biasInitializer;
    private Parameter _weight = null!;
    private Parameter? _bias;
    private DeviceBuffer _output = null!;
    private DeviceBuffer _dInput = null!;
    private DeviceBuffer _input = null!; // cache: Backward needs x for dW = dyᵀ·x

    /// <summary>Creates a dense layer with <paramref name="units"/> outputs.</summary>
    public DenseLayer(int units, bool useBias = true, Initializer? weightInitializer = null, Initializer? biasInitializer = null, string? name = null)
        : base(name)
    {
        if (units <= 0) throw new ArgumentOutOfRangeException(nameof(units), $"A dense layer needs a positive number of units; got {units}.");
        Units = units;
        UseBias = useBias;
        _weightInitializer = weightInitializer ?? new GlorotUniformInitializer();
        _biasInitializer = biasInitializer ?? new ZerosInitializer();
    }

    /// <summary>Number of outputs.</summary>
    public int Units { get; }

    /// <summary>Whether b is added.</summary>
    public bool UseBias { get; }

    /// <inheritdoc/>
    public override string Kind => "dense";

    /// <summary>W, (units, inputs).</summary>
    public Parameter Weight => _weight;

    /// <summary>b, (units), or null without bias.</summary>
    public Parameter? Bias => _bias;

    /// <inheritdoc/>
    protected override TensorShape BuildCore(TensorShape inputShape, ParameterStore parameters)
    {
        int inputs = inputShape.Size;
        _weight = parameters.AddTrainable($"{Name}.weight", Units * inputs, _weightInitializer, inputs, Units, regularized: true);
        if (UseBias) _bias = parameters.AddTrainable($"{Name}.bias", Units, _biasInitializer, inputs, Units, regularized: false);
        return new TensorShape(Units);
    }

    /// <inheritdoc/>
    protected override void AllocateCore(int maxBatchSize)
    {
        _output = Workspace(maxBatchSize * Units);
        _dInput = Workspace(maxBatchSize * InputShape.Size);
    }

    /// <inheritdoc/>
    public override DeviceBuffer Forward(DeviceBuffer input, int batchSize, in ForwardContext context)
    {
        CheckBatch(batchSize);
        _input = input;
        Backend.DenseForward(input, _weight.Value, _bias?.Value, new Activation(ActivationKind.Identity), _output, _output, batchSize, Units, InputShape.Size);
        return _output;
    }

    /// <summary>
    /// Forward of this layer and of the <paramref name="activation"/> layer after it as one backend op (bias and
    /// activation fused into the product). Training keeps both caches as the two separate forwards would: this layer's
    /// output is the activation's input, so both backward passes run unchanged. Inference applies f in place.
    /// </summary>
    internal DeviceBuffer ForwardWithActivation(DeviceBuffer input, int batchSize, ActivationLayer activation, bool training)
    {
        CheckBatch(batchSize);
        _input = input;
        var output = training ? activation.AcceptFusedInput(_output, batchSize) : _output;
        Backend.DenseForward(input, _weight.Value, _bias?.Value, activation.Activation, _output, output, batchSize, Units, InputShape.Size);
        return output;
    }

    // dW += dyᵀ·x ; db += Σ_batch dy ; dx = dy·W
    /// <inheritdoc/>
    public override DeviceBuffer? Backward(DeviceBuffer dOutput, int batchSize, bool computeInputGradient)
    {
        CheckBatch(batchSize);
        int inputs = InputShape.Size;
        Backend.Gemm(true, false, Units, inputs, batchSize, 1f, dOutput, _input, 1f, _weight.RequiredGradient);
        if (_bias is not null) Backend.SumColumns(dOutput, batchSize, Units, _bias.RequiredGradient, 1f);
        if (!computeInputGradient) return null;
        Backend.Gemm(false, false, batchSize, inputs, Units, 1f, dOutput, _weight.Value, 0f, _dInput);
        return _dInput;
    }

    /// <inheritdoc/>
    public override string Describe() => $"Dense({Units}{(UseBias ? "" : ", no bias")})";
}
