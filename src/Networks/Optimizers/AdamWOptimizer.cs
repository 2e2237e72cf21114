using MLNet.DeepExtensions.Kernels;

namespace MLNet.DeepExtensions.Networks.Optimizers;

/// <summary>
/// AdamW (torch.optim.AdamW; Loshchilov &amp; Hutter): Adam with decoupled weight decay w ← w·(1 − lr·decay) applied
/// before the Adam update, on regularized weights. Default decay 0.01 (PyTorch; Keras uses 0.004).
/// </summary>
public sealed class AdamWOptimizer : AdamOptimizer
{
    /// <summary>Creates the optimizer; <paramref name="weightDecay"/> must be non-negative.</summary>
    public AdamWOptimizer(float learningRate = 1e-3f, float weightDecay = 0.01f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f)
        : base(learningRate, beta1, beta2, epsilon)
    {
        if (!(weightDecay >= 0f) || !float.IsFinite(weightDecay)) throw new ArgumentOutOfRangeException(nameof(weightDecay), $"Weight decay must be non-negative and finite; got {weightDecay}.");
        WeightDecay = weightDecay;
    }

    /// <inheritdoc/>
    public override OptimizerKind Kind => OptimizerKind.AdamW;
}
