using MLNet.DeepExtensions.Kernels;

namespace MLNet.DeepExtensions.Networks.Optimizers;

/// <summary>
/// Adadelta (torch.optim.Adadelta): s ← ρs + (1−ρ)g²; Δ ← √(u + ε)/√(s + ε)·g; u ← ρu + (1−ρ)Δ²; w ← w − lr·Δ.
/// Defaults lr 1.0, ρ 0.9, ε 1e-6 (PyTorch; Keras uses lr 0.001, ρ 0.95, ε 1e-7).
/// </summary>
public sealed class AdadeltaOptimizer : Optimizer
{
    /// <summary>Creates the optimizer.</summary>
    public AdadeltaOptimizer(float learningRate = 1f, float rho = 0.9f, float epsilon = 1e-6f) : base(learningRate)
    {
        if (!(rho >= 0f && rho < 1f)) throw new ArgumentOutOfRangeException(nameof(rho), $"Rho must be in [0, 1); got {rho}.");
        if (!(epsilon > 0f)) throw new ArgumentOutOfRangeException(nameof(epsilon), $"Epsilon must be positive; got {epsilon}.");
        Rho = rho;
        Epsilon = epsilon;
    }

    /// <summary>ρ, decay of both running averages.</summary>
    public float Rho { get; }

    /// <summary>ε, inside both square roots.</summary>
    public float Epsilon { get; }

    /// <inheritdoc/>
    public override OptimizerKind Kind => OptimizerKind.Adadelta;

    /// <inheritdoc/>
    protected override OptimizerStepParameters RuleParameters(float learningRate, long step) =>
        new() { LearningRate = learningRate, Rho = Rho, Epsilon = Epsilon };
}
