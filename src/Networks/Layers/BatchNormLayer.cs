using MLNet.DeepExtensions.Kernels;

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
public sealed class BatchNormLayer : BatchNormLayerBase
{
    private DeviceBuffer _input = null!; // cache: x, with Mean and InverseStd of the batch
    private bool _lastWasTraining;
    private DeviceBuffer _normalized = null!; // for the backward of inference mode

    /// <summary>Creates the layer.</summary>
    public BatchNormLayer(float momentum = 0.1f, float epsilon = 1e-5f, string? name = null) : base(momentum, epsilon, name)
    {
    }

    /// <inheritdoc/>
    public override string Kind => "batch_norm";

    private int Features => InputShape.Size;

    /// <inheritdoc/>
    protected override TensorShape BuildCore(TensorShape inputShape, ParameterStore parameters)
    {
        AddParameters(parameters, inputShape.Size);
        return inputShape;
    }

    /// <inheritdoc/>
    protected override void AllocateCore(int maxBatchSize)
    {
        AllocateWorkspaces(maxBatchSize, Features);
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
            Backend.BatchNormForwardTraining(input, Gamma.Value, Beta.Value, Output, Mean, InverseStd,
                RunningMean.Value, RunningVariance.Value, batchSize, Features, Momentum, Epsilon);
        }
        else
        {
            Backend.BatchNormForwardInference(input, Gamma.Value, Beta.Value, RunningMean.Value, RunningVariance.Value,
                Output, batchSize, Features, Epsilon);
        }
        return Output;
    }

    // dγ += Σ dy·x̂ ; dβ += Σ dy ; dx = γ·inverseStd/N·(N·dy − Σdy − x̂·Σdy·x̂)
    /// <inheritdoc/>
    public override DeviceBuffer? Backward(DeviceBuffer dOutput, int batchSize, bool computeInputGradient)
    {
        CheckBatch(batchSize);
        if (!_lastWasTraining) return BackwardThroughRunningStatistics(dOutput, batchSize, computeInputGradient);
        // The kernel always writes dInput: it shares its sums with dγ and dβ.
        Backend.BatchNormBackward(_input, Gamma.Value, Mean, InverseStd, dOutput, DInput,
            Gamma.RequiredGradient, Beta.RequiredGradient, batchSize, Features);
        return computeInputGradient ? DInput : null;
    }

    // In inference mode the statistics are constants (fine-tuning with frozen batch norm, input saliency):
    // x̂ = (x − running mean)/√(running var + ε); dγ += Σ dy·x̂; dβ += Σ dy; dx = dy·γ/√(running var + ε).
    // Each is an inference-mode normalization with γ = 1 or β = 0 or mean = 0, so no extra kernel is needed.
    private DeviceBuffer? BackwardThroughRunningStatistics(DeviceBuffer dOutput, int batchSize, bool computeInputGradient)
    {
        int n = batchSize * Features;
        Backend.BatchNormForwardInference(_input, Ones, Zeros, RunningMean.Value, RunningVariance.Value, _normalized, batchSize, Features, Epsilon);
        Backend.Multiply(_normalized, dOutput, _normalized, n);
        Backend.SumColumns(_normalized, batchSize, Features, Gamma.RequiredGradient, 1f);
        Backend.SumColumns(dOutput, batchSize, Features, Beta.RequiredGradient, 1f);
        if (!computeInputGradient) return null;
        Backend.BatchNormForwardInference(dOutput, Gamma.Value, Zeros, Zeros, RunningVariance.Value, DInput, batchSize, Features, Epsilon);
        return DInput;
    }

    /// <inheritdoc/>
    public override string Describe() => $"BatchNorm(momentum {Momentum}, eps {Epsilon})";
}
