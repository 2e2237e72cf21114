using MLNet.DeepExtensions.Kernels;

namespace MLNet.DeepExtensions.Networks.Losses;

/// <summary>
/// Huber loss with threshold δ (torch.nn.HuberLoss(delta), Keras Huber(delta)): ½d² for |d| ≤ δ, δ(|d| − ½δ) beyond,
/// d = p − t; quadratic near the target, linear (outlier-robust) far from it.
/// </summary>
public sealed class HuberLoss : RegressionLoss
{
    /// <summary>Creates the loss; <paramref name="delta"/> must be positive (default 1).</summary>
    public HuberLoss(float delta = 1f)
    {
        if (!(delta > 0f) || !float.IsFinite(delta)) throw new ArgumentOutOfRangeException(nameof(delta), $"Huber delta must be positive and finite; got {delta}.");
        HuberDelta = delta;
    }

    /// <summary>Where the loss turns from quadratic to linear.</summary>
    public float HuberDelta { get; }

    /// <inheritdoc/>
    public override string Name => "huber";

    /// <inheritdoc/>
    protected override RegressionLossKind LossKind => RegressionLossKind.Huber;

    /// <inheritdoc/>
    protected override float Delta => HuberDelta;
}
