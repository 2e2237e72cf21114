using MLNet.DeepExtensions.Kernels;

namespace MLNet.DeepExtensions.Networks.Optimizers;

/// <summary>
/// RMSProp (torch.optim.RMSprop, not centered, no momentum): s ← ρs + (1−ρ)g²; w ← w − lr·g/(√s + ε).
/// Defaults lr 0.01, ρ 0.99, ε 1e-8 (PyTorch; Keras uses lr 0.001, ρ 0.9, ε 1e-7 inside the root).
/// </summary>
public sealed class RmsPropOptimizer : Optimizer
{
    /// <summary>Creates the optimizer.</summary>
    public RmsPropOptimizer(float learningRate = 0.01f, float rho = 0.99f, float epsilon = 1e-8f) : base(learningRate)
    {
        if (!(rho >= 0f && rho < 1f)) throw new ArgumentOutOfRangeException(nameof(rho), $"Rho must be in [0, 1); got {rho}.");
        if (!(epsilon > 0f)) throw new ArgumentOutOfRangeException(nameof(epsilon), $"Epsilon must be positive; got {epsilon}.");
        Rho = rho;
        Epsilon = epsilon;
    }

    /// <summary>ρ (PyTorch's alpha), decay of the squared-gradient average.</summary>
    public float Rho { get; }

    /// <summary>ε, added after the square root.</summary>
    public float Epsilon { get; }

    /// <inheritdoc/>
    public override OptimizerKind Kind => OptimizerKind.RmsProp;

    /// <inheritdoc/>
    protected override OptimizerStepParameters RuleParameters(float learningRate, long step) =>
        new() { LearningRate = learningRate, Rho = Rho, Epsilon = Epsilon };
}
