using MLNet.DeepExtensions.Kernels;

namespace MLNet.DeepExtensions.Networks.Optimizers;

/// <summary>Adagrad (torch.optim.Adagrad): s ← s + g²; w ← w − lr·g/(√s + ε). Defaults lr 0.01, ε 1e-10 (PyTorch).</summary>
public sealed class AdagradOptimizer : Optimizer
{
    /// <summary>Creates the optimizer.</summary>
    public AdagradOptimizer(float learningRate = 0.01f, float epsilon = 1e-10f) : base(learningRate)
    {
        if (!(epsilon > 0f)) throw new ArgumentOutOfRangeException(nameof(epsilon), $"Epsilon must be positive; got {epsilon}.");
        Epsilon = epsilon;
    }

    /// <summary>ε, added after the square root.</summary>
    public float Epsilon { get; }

    /// <inheritdoc/>
    public override OptimizerKind Kind => OptimizerKind.Adagrad;

    /// <inheritdoc/>
    protected override OptimizerStepParameters RuleParameters(float learningRate, long step) =>
        new() { LearningRate = learningRate, Epsilon = Epsilon };
}
