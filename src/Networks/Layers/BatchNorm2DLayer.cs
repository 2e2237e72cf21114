using MLNet.DeepExtensions.Kernels;
using MLNet.DeepExtensions.Networks.Initializers;

namespace MLNet.DeepExtensions.Networks.Layers;

/// <summary>
/// Batch normalization of images, one γ, β and set of statistics per channel (torch.nn.BatchNorm2d; Keras
/// BatchNormalization(axis=1) on channels-first data): y = γ·(x − μ_B)/√(σ²_B + ε) + β, with μ_B and σ²_B taken over
/// the batch and every spatial position of the channel in training, and the running statistics in inference.
/// </summary>
/// <remarks>
/// Input and output samples are (channels, height, width). Follows PyTorch's conventions, as
/// <see cref="BatchNormLayer"/> does: running = (1 − momentum)·running + momentum·batch with momentum 0.1 (Keras'
/// momentum 0.99 is the mirror image: 1 − 0.01), the running variance is fed the unbiased batch variance over the
/// n = batch·height·width values (·n/(n − 1)) while the normalization uses the biased one, ε = 1e-5. γ starts at 1,
/// β at 0; neither is regularized. Running mean starts at 0 and running variance at 1.
/// </remarks>
public sealed class BatchNorm2DLayer : Layer
{
    private Parameter _gamma = null!, _beta = null!, _runningMean = null!, _runningVariance = null!;
    private DeviceBuffer _output = null!, _dInput = null!, _mean = null!, _inverseStd = null!;
    private DeviceBuffer _input = null!; // cache: x, with _mean and _inverseStd of the batch
    private bool _lastWasTraining;
    private DeviceBuffer _zeros = null!, _ones = null!; // for the backward of inference mode

    /// <summary>Creates the layer.</summary>
    /// <param name="momentum">Weight of the current batch in the running statistics, in [0, 1] (PyTorch convention).</param>
    /// <param name="epsilon">Added to the variance before the square root; positive.</param>
    /// <param name="name">Layer name; null lets the model name it.</param>
    public BatchNorm2DLayer(float momentum = 0.1f, float epsilon = 1e-5f, string? name = null) : base(name)
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
    public override string Kind => "batch_norm2d";

    private int Channels => InputShape.Dimensions[0];

    private int Spatial => InputShape.Dimensions[1] * InputShape.Dimensions[2];

    /// <inheritdoc/>
    protected override TensorShape BuildCore(TensorShape inputShape, ParameterStore parameters)
    {
        if (inputShape.Rank != 3)
        {
            throw new ArgumentException(
                $"BatchNorm2D layer '{Name}' needs an input shape (channels, height, width); got {inputShape} of rank {inputShape.Rank}.",
                nameof(inputShape));
        }
        int c = inputShape.Dimensions[0];
        _gamma = parameters.AddTrainable($"{Name}.gamma", c, new ConstantInitializer(1f), c, c, regularized: false);
        _beta = parameters.AddTrainable($"{Name}.beta", c, new ZerosInitializer(), c, c, regularized: false);
        _runningMean = parameters.AddState($"{Name}.running_mean", c, 0f);
        _runningVariance = parameters.AddState($"{Name}.running_variance", c, 1f);
        return inputShape;
    }

    /// <inheritdoc/>
    protected override void AllocateCore(int maxBatchSize)
    {
        int size = InputShape.Size;
        _output = Workspace(maxBatchSize * size);
        _dInput = Workspace(maxBatchSize * size);
        _mean = Workspace(Channels);
        _inverseStd = Workspace(Channels);
        _zeros = Workspace(Channels);
        _ones = Workspace(Channels);
        Backend.Fill(_ones, 1f, Channels);
    }

    /// <inheritdoc/>
    public override DeviceBuffer Forward(DeviceBuffer input, int batchSize, in ForwardContext context)
    {
        CheckBatch(batchSize);
        _input = input;
        _lastWasTraining = context.Training;
        if (context.Training)
        {
            Backend.BatchNorm2DForwardTraining(input, _gamma.Value, _beta.Value, _output, _mean, _inverseStd,
                _runningMean.Value, _runningVariance.Value, batchSize, Channels, Spatial, Momentum, Epsilon);
        }
        else
        {
            Backend.BatchNorm2DForwardInference(input, _gamma.Value, _beta.Value, _runningMean.Value, _runningVariance.Value,
                _output, batchSize, Channels, Spatial, Epsilon);
        }
        return _output;
    }

    // dγ += Σ dy·x̂ ; dβ += Σ dy ; dx = γ·inverseStd/n·(n·dy − Σdy − x̂·Σdy·x̂), sums over batch and positions, n = N·H·W
    /// <inheritdoc/>
    public override DeviceBuffer? Backward(DeviceBuffer dOutput, int batchSize, bool computeInputGradient)
    {
        CheckBatch(batchSize);
        if (!_lastWasTraining) return BackwardThroughRunningStatistics(dOutput, batchSize, computeInputGradient);
        // The kernel always writes dInput: it shares its sums with dγ and dβ.
        Backend.BatchNorm2DBackward(_input, _gamma.Value, _mean, _inverseStd, dOutput, _dInput,
            _gamma.RequiredGradient, _beta.RequiredGradient, batchSize, Channels, Spatial);
        return computeInputGradient ? _dInput : null;
    }

    // In inference mode the statistics are constants (fine-tuning with frozen batch norm, input saliency):
    // x̂ = (x − running mean)·inverseStd with inverseStd = 1/√(running var + ε); dγ += Σ dy·x̂; dβ += Σ dy; dx = dy·γ·inverseStd.
    // dγ and dβ are exactly what the training backward accumulates when handed the running mean and that inverseStd
    // (only its dInput differs), and dx is an inference-mode normalization with β = 0 and mean = 0, so no extra kernel is needed.
    private DeviceBuffer? BackwardThroughRunningStatistics(DeviceBuffer dOutput, int batchSize, bool computeInputGradient)
    {
        // inverseStd[c] = 1·(1 − 0)/√(running var + ε) + 0: a one-row, channels-wide inference normalization of ones.
        Backend.BatchNormForwardInference(_ones, _ones, _zeros, _zeros, _runningVariance.Value, _inverseStd, 1, Channels, Epsilon);
        Backend.BatchNorm2DBackward(_input, _gamma.Value, _runningMean.Value, _inverseStd, dOutput, _dInput,
            _gamma.RequiredGradient, _beta.RequiredGradient, batchSize, Channels, Spatial);
        if (!computeInputGradient) return null;
        Backend.BatchNorm2DForwardInference(dOutput, _gamma.Value, _zeros, _zeros, _runningVariance.Value, _dInput,
            batchSize, Channels, Spatial, Epsilon);
        return _dInput;
    }

    /// <inheritdoc/>
    public override string Describe() => $"BatchNorm2D(momentum {Momentum}, eps {Epsilon})";
}
