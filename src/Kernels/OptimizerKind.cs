namespace MLNet.DeepExtensions.Kernels;

/// <summary>
/// Parameter update rules of <see cref="ComputeBackend.OptimizerStep"/>. All follow PyTorch's formulas (so a
/// run can be compared with TorchSharp). With g' = g + L2·w + L1·sign(w) (coupled regularization, sign(0) = 0)
/// and, first, w ← w·(1 − lr·WeightDecay) (decoupled decay):
/// </summary>
public enum OptimizerKind
{
    /// <summary>w ← w − lr·g'.</summary>
    Sgd,
    /// <summary>v ← μ·v + g'; w ← w − lr·v (state1 = v; PyTorch SGD with momentum, no dampening).</summary>
    Momentum,
    /// <summary>v ← μ·v + g'; w ← w − lr·(g' + μ·v) (state1 = v; PyTorch SGD with nesterov=True).</summary>
    Nesterov,
    /// <summary>s ← s + g'²; w ← w − lr·g' / (√s + ε) (state1 = s).</summary>
    Adagrad,
    /// <summary>s ← ρs + (1−ρ)g'²; Δ ← √(u + ε)/√(s + ε)·g'; u ← ρu + (1−ρ)Δ²; w ← w − lr·Δ (state1 = s, state2 = u).</summary>
    Adadelta,
    /// <summary>s ← ρs + (1−ρ)g'²; w ← w − lr·g' / (√s + ε) (state1 = s; PyTorch RMSprop, ρ is its alpha).</summary>
    RmsProp,
    /// <summary>m ← β1·m + (1−β1)g'; v ← β2·v + (1−β2)g'²; w ← w − lr·(m/c1) / (√(v/c2) + ε), c = bias corrections (state1 = m, state2 = v).</summary>
    Adam,
    /// <summary>Adam after the decoupled decay w ← w·(1 − lr·WeightDecay) (the decay applies to every kind; AdamW is Adam with it on by default).</summary>
    AdamW,
}

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
