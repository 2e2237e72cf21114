using MLNet.DeepExtensions.Kernels;
using MLNet.DeepExtensions.Networks.Initializers;

namespace MLNet.DeepExtensions.Networks.Layers;

/// <summary>
/// Batch normalization over features (torch.nn.BatchNorm1d on (batch, features); Keras BatchNormalization):
/// y = γ·(x − μ_B)/√(σ²_B + ε) + β in training, with the running statistics in inference.
/// </summary>
/// <remarks>
/// Follows PyTorch's conventions: running = (1 − momentum)·running + momentum·batch with momentum 0.1 (Keras'
/// momentum 0.99 is the mirror image: 1 − 0.01), the running variance is fed the unbiased batch variance, ε = 1e-5.
/// γ starts at 1, β at 0; neither is regularized. Running mean starts at 0 and running variance at 1.
/// </remarks>
public sealed class BatchNormLayer : Layer
{
    private Parameter _gamma = null!, _beta = null!, _runningMean = null!, _runningVariance = null!;
    private DeviceBuffer _output = null!, _dInput = null!, _mean = null!, _inverseStd = null!;
    private DeviceBuffer _input = null!; // cache: x, with _mean and _inverseStd of the batch
    private bool _lastWasTraining;
    private DeviceBuffer _zeros = null!, _ones = null!, _normalized = null!; // for the backward of inference mode

    /// <summary>Creates the layer.</summary>
    public BatchNormLayer(float momentum = 0.1f, float epsilon = 1e-5f, string? name = null) : base(name)
    {
        if (!(momentum >= 0f && momentum <= 1f)) throw new ArgumentOutOfRangeException(nameof(momentum), $"Batch norm momentum must be in [0, 1]; got {momentum}.");
        if (!(epsilon > 0f)) throw new ArgumentOutOfRangeException(nameof(epsilon), $"Batch norm epsilon must be positive; got {epsilon}.");
        Momentum = momentum;
        Epsilon = epsilon;
    }

    /// <summary>Weight of the current batch in the running statistics (PyTorch convention).</summary>
    public float Momentum { get; }

    /// <summary>Added to the variance before the square root.</summary>
    public float Epsilon { get; }

    /// <inheritdoc/>
    public override string Kind => "batch_norm";

    private int Features => InputShape.Size;

    /// <inheritdoc/>
    protected override TensorShape BuildCore(TensorShape inputShape, ParameterStore parameters)
    {
        int f = inputShape.Size;
        _gamma = parameters.AddTrainable($"{Name}.gamma", f, new ConstantInitializer(1f), f, f, regularized: false);
        _beta = parameters.AddTrainable($"{Name}.beta", f, new ZerosInitializer(), f, f, regularized: false);
        _runningMean = parameters.AddState($"{Name}.running_mean", f, 0f);
        _runningVariance = parameters.AddState($"{Name}.running_variance", f, 1f);
        return inputShape;
    }

    /// <inheritdoc/>
    protected override void AllocateCore(int maxBatchSize)
    {
        _output = Workspace(maxBatchSize * Features);
        _dInput = Workspace(maxBatchSize * Features);
        _mean = Workspace(Features);
        _inverseStd = Workspace(Features);
        _zeros = Workspace(Features);
        _ones = Workspace(Features);
        Backend.Fill(_ones, 1f, Features);
        _normalized = Workspace(maxBatchSize * Features);
    }

    /// <inheritdoc/>
    public override DeviceBuffer Forward(DeviceBuffer input, int batchSize, in ForwardContext context)
    {
        CheckBatch(batchSize);
        _input = input;
        _lastWasTraining = context.Training;
        if (context.Training)
        {
            Backend.BatchNormForwardTraining(input, _gamma.Value, _beta.Value, _output, _mean, _inverseStd,
                _runningMean.Value, _runningVariance.Value, batchSize, Features, Momentum, Epsilon);
        }
        else
        {
            Backend.BatchNormForwardInference(input, _gamma.Value, _beta.Value, _runningMean.Value, _runningVariance.Value,
                _output, batchSize, Features, Epsilon);
        }
        return _output;
    }

    // dγ += Σ dy·x̂ ; dβ += Σ dy ; dx = γ·inverseStd/N·(N·dy − Σdy − x̂·Σdy·x̂)
    /// <inheritdoc/>
    public override DeviceBuffer? Backward(DeviceBuffer dOutput, int batchSize, bool computeInputGradient)
    {
        CheckBatch(batchSize);
        if (!_lastWasTraining) return BackwardThroughRunningStatistics(dOutput, batchSize, computeInputGradient);
        // The kernel always writes dInput: it shares its sums with dγ and dβ.
        Backend.BatchNormBackward(_input, _gamma.Value, _mean, _inverseStd, dOutput, _dInput,
            _gamma.RequiredGradient, _beta.RequiredGradient, batchSize, Features);
        return computeInputGradient ? _dInput : null;
    }

    // In inference mode the statistics are constants (fine-tuning with frozen batch norm, input saliency):
    // x̂ = (x − running mean)/√(running var + ε); dγ += Σ dy·x̂; dβ += Σ dy; dx = dy·γ/√(running var + ε).
    // Each is an inference-mode normalization with γ = 1 or β = 0 or mean = 0, so no extra kernel is needed.
    private DeviceBuffer? BackwardThroughRunningStatistics(DeviceBuffer dOutput, int batchSize, bool computeInputGradient)
    {
        int n = batchSize * Features;
        Backend.BatchNormForwardInference(_input, _ones, _zeros, _runningMean.Value, _runningVariance.Value, _normalized, batchSize, Features, Epsilon);
        Backend.Multiply(_normalized, dOutput, _normalized, n);
        Backend.SumColumns(_normalized, batchSize, Features, _gamma.RequiredGradient, 1f);
        Backend.SumColumns(dOutput, batchSize, Features, _beta.RequiredGradient, 1f);
        if (!computeInputGradient) return null;
        Backend.BatchNormForwardInference(dOutput, _gamma.Value, _zeros, _zeros, _runningVariance.Value, _dInput, batchSize, Features, Epsilon);
        return _dInput;
    }

    /// <inheritdoc/>
    public override string Describe() => $"BatchNorm(momentum {Momentum}, eps {Epsilon})";
}
