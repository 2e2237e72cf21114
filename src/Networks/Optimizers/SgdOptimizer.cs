using MLNet.DeepExtensions.Kernels;

namespace MLNet.DeepExtensions.Networks.Optimizers;

/// <summary>
/// Stochastic gradient descent, optionally with momentum or Nesterov momentum (torch.optim.SGD without dampening):
/// v ← μ·v + g; w ← w − lr·v (or w − lr·(g + μ·v) with Nesterov).
/// </summary>
public sealed class SgdOptimizer : Optimizer
{
    /// <summary>Creates the optimizer; <paramref name="momentum"/> in [0, 1), Nesterov needs a positive momentum.</summary>
    public SgdOptimizer(float learningRate = 0.01f, float momentum = 0f, bool nesterov = false) : base(learningRate)
    {
        if (!(momentum >= 0f && momentum < 1f)) throw new ArgumentOutOfRangeException(nameof(momentum), $"Momentum must be in [0, 1); got {momentum}.");
        if (nesterov && momentum == 0f) throw new ArgumentException("Nesterov momentum needs momentum > 0; got momentum = 0.", nameof(nesterov));
        Momentum = momentum;
        Nesterov = nesterov;
    }

    /// <summary>μ.</summary>
    public float Momentum { get; }

    /// <summary>Whether the Nesterov look-ahead is used.</summary>
    public bool Nesterov { get; }

    /// <inheritdoc/>
    public override OptimizerKind Kind => Nesterov ? OptimizerKind.Nesterov : Momentum > 0f ? OptimizerKind.Momentum : OptimizerKind.Sgd;

    /// <inheritdoc/>
    protected override OptimizerStepParameters RuleParameters(float learningRate, long step) =>
        new() { LearningRate = learningRate, Momentum = Momentum };
}
