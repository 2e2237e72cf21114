using MLNet.DeepExtensions.Kernels;

namespace MLNet.DeepExtensions.Networks.Optimizers;

/// <summary>
/// Adam (torch.optim.Adam): m ← β1·m + (1−β1)g; v ← β2·v + (1−β2)g²; w ← w − lr·m̂/(√v̂ + ε) with bias-corrected
/// m̂, v̂. ε is added after the bias correction (PyTorch, TorchSharp); Keras adds its ε (1e-7) before it.
/// Defaults lr 1e-3, β1 0.9, β2 0.999, ε 1e-8. <see cref="Optimizer.L2Regularization"/> is PyTorch Adam's coupled weight_decay.
/// </summary>
public class AdamOptimizer : Optimizer
{
    /// <summary>Creates the optimizer.</summary>
    public AdamOptimizer(float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f) : base(learningRate)
    {
        if (!(beta1 >= 0f && beta1 < 1f)) throw new ArgumentOutOfRangeException(nameof(beta1), $"Beta1 must be in [0, 1); got {beta1}.");
        if (!(beta2 >= 0f && beta2 < 1f)) throw new ArgumentOutOfRangeException(nameof(beta2), $"Beta2 must be in [0, 1); got {beta2}.");
        if (!(epsilon > 0f)) throw new ArgumentOutOfRangeException(nameof(epsilon), $"Epsilon must be positive; got {epsilon}.");
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
    }

    /// <summary>β1, decay of the gradient average.</summary>
    public float Beta1 { get; }

    /// <summary>β2, decay of the squared-gradient average.</summary>
    public float Beta2 { get; }

    /// <summary>ε, added to √v̂.</summary>
    public float Epsilon { get; }

    /// <inheritdoc/>
    public override OptimizerKind Kind => OptimizerKind.Adam;

    /// <inheritdoc/>
    protected override OptimizerStepParameters RuleParameters(float learningRate, long step) => new()
    {
        LearningRate = learningRate,
        Beta1 = Beta1,
        Beta2 = Beta2,
        Epsilon = Epsilon,
        // computed in double: 1 − β2^t loses digits in float for small t
        BiasCorrection1 = (float)(1.0 - Math.Pow(Beta1, step)),
        BiasCorrection2 = (float)(1.0 - Math.Pow(Beta2, step)),
    };
}
