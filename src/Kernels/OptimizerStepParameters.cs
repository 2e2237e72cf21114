namespace MLNet.DeepExtensions.Kernels;

/// <summary>Hyperparameters for one <see cref="ComputeBackend.OptimizerStep"/> call.</summary>
public readonly record struct OptimizerStepParameters
{
    /// <summary>Learning rate of this step (after any schedule).</summary>
    public float LearningRate { get; init; }
    /// <summary>Momentum μ (Momentum, Nesterov).</summary>
    public float Momentum { get; init; }
    /// <summary>β1 (Adam, AdamW).</summary>
    public float Beta1 { get; init; }
    /// <summary>β2 (Adam, AdamW).</summary>
    public float Beta2 { get; init; }
    /// <summary>ρ, the decay of the squared-gradient average (RmsProp, Adadelta).</summary>
    public float Rho { get; init; }
    /// <summary>ε added for numerical stability (placement per <see cref="OptimizerKind"/>).</summary>
    public float Epsilon { get; init; }
    /// <summary>Decoupled weight decay: w ← w·(1 − lr·WeightDecay) before the update.</summary>
    public float WeightDecay { get; init; }
    /// <summary>Coupled L1 penalty coefficient: adds L1·sign(w) to the gradient.</summary>
    public float L1 { get; init; }
    /// <summary>Coupled L2 penalty coefficient: adds L2·w to the gradient (the derivative of ½·L2·w²).</summary>
    public float L2 { get; init; }
    /// <summary>Adam's first-moment bias correction 1 − β1^t for step t (1-based).</summary>
    public float BiasCorrection1 { get; init; }
    /// <summary>Adam's second-moment bias correction 1 − β2^t for step t (1-based).</summary>
    public float BiasCorrection2 { get; init; }
}
