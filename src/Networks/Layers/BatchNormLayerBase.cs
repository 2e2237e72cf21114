using MLNet.DeepExtensions.Kernels;
using MLNet.DeepExtensions.Networks.Initializers;

namespace MLNet.DeepExtensions.Networks.Layers;

/// <summary>
/// What the batch normalizations share: <see cref="Momentum"/> and <see cref="Epsilon"/> (PyTorch's conventions),
/// γ and β (trainable, starting at 1 and 0, not regularized) and the running mean and variance (state, starting at 0
/// and 1), one of each per normalized feature or channel, and the workspaces both forward modes and the backward use.
/// Each layer owns its input check, its forward and its backward: <see cref="BatchNormLayer"/> and <see cref="BatchNorm2DLayer"/>.
/// </summary>
public abstract class BatchNormLayerBase : Layer
{
    /// <summary>Validates and stores the configuration; only the two layers of this assembly derive from it.</summary>
    private protected BatchNormLayerBase(float momentum, float epsilon, string? name) : base(name)
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

    private protected Parameter Gamma { get; private set; } = null!;
    private protected Parameter Beta { get; private set; } = null!;
    private protected Parameter RunningMean { get; private set; } = null!;
    private protected Parameter RunningVariance { get; private set; } = null!;

    private protected DeviceBuffer Output { get; private set; } = null!;
    private protected DeviceBuffer DInput { get; private set; } = null!;
    // The batch's statistics: the training cache that Backward reads with the input.
    private protected DeviceBuffer Mean { get; private set; } = null!;
    private protected DeviceBuffer InverseStd { get; private set; } = null!;
    // Constants for the backward of inference mode, which composes inference-mode normalizations.
    private protected DeviceBuffer Zeros { get; private set; } = null!;
    private protected DeviceBuffer Ones { get; private set; } = null!;

    /// <summary>Declares "{Name}.gamma", "{Name}.beta", "{Name}.running_mean" and "{Name}.running_variance", <paramref name="count"/> values each.</summary>
    private protected void AddParameters(ParameterStore parameters, int count)
    {
        Gamma = parameters.AddTrainable($"{Name}.gamma", count, new ConstantInitializer(1f), count, count, regularized: false);
        Beta = parameters.AddTrainable($"{Name}.beta", count, new ZerosInitializer(), count, count, regularized: false);
        RunningMean = parameters.AddState($"{Name}.running_mean", count, 0f);
        RunningVariance = parameters.AddState($"{Name}.running_variance", count, 1f);
    }

    /// <summary>Allocates the output and input gradient for <paramref name="maxBatchSize"/> samples, and the per-feature buffers.</summary>
    private protected void AllocateWorkspaces(int maxBatchSize, int count)
    {
        Output = Workspace(maxBatchSize * InputShape.Size);
        DInput = Workspace(maxBatchSize * InputShape.Size);
        Mean = Workspace(count);
        InverseStd = Workspace(count);
        Zeros = Workspace(count);
        Ones = Workspace(count);
        Backend.Fill(Ones, 1f, count);
    }
}
