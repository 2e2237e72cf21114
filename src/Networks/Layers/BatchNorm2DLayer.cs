using MLNet.DeepExtensions.Kernels;

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
public sealed class BatchNorm2DLayer : BatchNormLayerBase
{
    private DeviceBuffer _input = null!; // cache: x, with Mean and InverseStd of the batch
    private bool _lastWasTraining;

    /// <summary>Creates the layer.</summary>
    /// <param name="momentum">Weight of the current batch in the running statistics, in [0, 1] (PyTorch convention).</param>
    /// <param name="epsilon">Added to the variance before the square root; positive.</param>
    /// <param name="name">Layer name; null lets the model name it.</param>
    public BatchNorm2DLayer(float momentum = 0.1f, float epsilon = 1e-5f, string? name = null) : base(momentum, epsilon, name)
    {
    }

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
        AddParameters(parameters, inputShape.Dimensions[0]);
        return inputShape;
    }

    /// <inheritdoc/>
    protected override void AllocateCore(int maxBatchSize) => AllocateWorkspaces(maxBatchSize, Channels);

    /// <inheritdoc/>
    public override DeviceBuffer Forward(DeviceBuffer input, int batchSize, in ForwardContext context)
    {
        CheckBatch(batchSize);
        _input = input;
        _lastWasTraining = context.Training;
        if (context.Training)
        {
            Backend.BatchNorm2DForwardTraining(input, Gamma.Value, Beta.Value, Output, Mean, InverseStd,
                RunningMean.Value, RunningVariance.Value, batchSize, Channels, Spatial, Momentum, Epsilon);
        }
        else
        {
            Backend.BatchNorm2DForwardInference(input, Gamma.Value, Beta.Value, RunningMean.Value, RunningVariance.Value,
                Output, batchSize, Channels, Spatial, Epsilon);
        }
        return Output;
    }

    // dγ += Σ dy·x̂ ; dβ += Σ dy ; dx = γ·inverseStd/n·(n·dy − Σdy − x̂·Σdy·x̂), sums over batch and positions, n = N·H·W
    /// <inheritdoc/>
    public override DeviceBuffer? Backward(DeviceBuffer dOutput, int batchSize, bool computeInputGradient)
    {
        CheckBatch(batchSize);
        if (!_lastWasTraining) return BackwardThroughRunningStatistics(dOutput, batchSize, computeInputGradient);
        // The kernel always writes dInput: it shares its sums with dγ and dβ.
        Backend.BatchNorm2DBackward(_input, Gamma.Value, Mean, InverseStd, dOutput, DInput,
            Gamma.RequiredGradient, Beta.RequiredGradient, batchSize, Channels, Spatial);
        return computeInputGradient ? DInput : null;
    }

    // In inference mode the statistics are constants (fine-tuning with frozen batch norm, input saliency):
    // x̂ = (x − running mean)·inverseStd with inverseStd = 1/√(running var + ε); dγ += Σ dy·x̂; dβ += Σ dy; dx = dy·γ·inverseStd.
    // dγ and dβ are exactly what the training backward accumulates when handed the running mean and that inverseStd
    // (only its dInput differs), and dx is an inference-mode normalization with β = 0 and mean = 0, so no extra kernel is needed.
    private DeviceBuffer? BackwardThroughRunningStatistics(DeviceBuffer dOutput, int batchSize, bool computeInputGradient)
    {
        // inverseStd[c] = 1·(1 − 0)/√(running var + ε) + 0: a one-row, channels-wide inference normalization of ones.
        Backend.BatchNormForwardInference(Ones, Ones, Zeros, Zeros, RunningVariance.Value, InverseStd, 1, Channels, Epsilon);
        Backend.BatchNorm2DBackward(_input, Gamma.Value, RunningMean.Value, InverseStd, dOutput, DInput,
            Gamma.RequiredGradient, Beta.RequiredGradient, batchSize, Channels, Spatial);
        if (!computeInputGradient) return null;
        Backend.BatchNorm2DForwardInference(dOutput, Gamma.Value, Zeros, Zeros, RunningVariance.Value, DInput,
            batchSize, Channels, Spatial, Epsilon);
        return DInput;
    }

    /// <inheritdoc/>
    public override string Describe() => $"BatchNorm2D(momentum {Momentum}, eps {Epsilon})";
}
