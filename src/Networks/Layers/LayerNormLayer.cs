using MLNet.DeepExtensions.Kernels;
using MLNet.DeepExtensions.Networks.Initializers;

namespace MLNet.DeepExtensions.Networks.Layers;

/// <summary>
/// Layer normalization over each sample's features (torch.nn.LayerNorm(features), Keras LayerNormalization):
/// y = γ·(x − μ_row)/√(σ²_row + ε) + β, the same in training and inference. γ starts at 1, β at 0; ε = 1e-5 (PyTorch;
/// Keras uses 1e-3).
/// </summary>
public sealed class LayerNormLayer : Layer
{
    private Parameter _gamma = null!, _beta = null!;
    private DeviceBuffer _output = null!, _dInput = null!, _mean = null!, _inverseStd = null!;
    private DeviceBuffer _input = null!; // cache: x, with per-row _mean and _inverseStd

    /// <summary>Creates the layer.</summary>
    public LayerNormLayer(float epsilon = 1e-5f, string? name = null) : base(name)
    {
        if (!(epsilon > 0f)) throw new ArgumentOutOfRangeException(nameof(epsilon), $"Layer norm epsilon must be positive; got {epsilon}.");
        Epsilon = epsilon;
    }

    /// <summary>Added to the variance before the square root.</summary>
    public float Epsilon { get; }

    /// <inheritdoc/>
    public override string Kind => "layer_norm";

    private int Features => InputShape.Size;

    /// <inheritdoc/>
    protected override TensorShape BuildCore(TensorShape inputShape, ParameterStore parameters)
    {
        int f = inputShape.Size;
        _gamma = parameters.AddTrainable($"{Name}.gamma", f, new ConstantInitializer(1f), f, f, regularized: false);
        _beta = parameters.AddTrainable($"{Name}.beta", f, new ZerosInitializer(), f, f, regularized: false);
        return inputShape;
    }

    /// <inheritdoc/>
    protected override void AllocateCore(int maxBatchSize)
    {
        _output = Workspace(maxBatchSize * Features);
        _dInput = Workspace(maxBatchSize * Features);
        _mean = Workspace(maxBatchSize);
        _inverseStd = Workspace(maxBatchSize);
    }

    /// <inheritdoc/>
    public override DeviceBuffer Forward(DeviceBuffer input, int batchSize, in ForwardContext context)
    {
        CheckBatch(batchSize);
        _input = input;
        Backend.LayerNormForward(input, _gamma.Value, _beta.Value, _output, _mean, _inverseStd, batchSize, Features, Epsilon);
        return _output;
    }

    // g = dy·γ ; dx = inverseStd/F·(F·g − Σg − x̂·Σg·x̂) ; dγ += Σ dy·x̂ ; dβ += Σ dy
    /// <inheritdoc/>
    public override DeviceBuffer? Backward(DeviceBuffer dOutput, int batchSize, bool computeInputGradient)
    {
        CheckBatch(batchSize);
        Backend.LayerNormBackward(_input, _gamma.Value, _mean, _inverseStd, dOutput, _dInput,
            _gamma.RequiredGradient, _beta.RequiredGradient, batchSize, Features);
        return computeInputGradient ? _dInput : null;
    }

    /// <inheritdoc/>
    public override string Describe() => $"LayerNorm(eps {Epsilon})";
}
