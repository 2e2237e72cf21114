namespace MLNet.DeepExtensions.Kernels;

/// <summary>Elementwise regression losses computed by <see cref="ComputeBackend.RegressionLoss"/>.</summary>
public enum RegressionLossKind
{
    /// <summary>(p − t)², gradient 2(p − t).</summary>
    MeanSquaredError,
    /// <summary>|p − t|, gradient sign(p − t) (0 where p = t).</summary>
    MeanAbsoluteError,
    /// <summary>½d² for |d| ≤ δ, δ(|d| − ½δ) otherwise, d = p − t; gradient d or δ·sign(d).</summary>
    Huber,
}
