namespace MLNet.DeepExtensions;

/// <summary>
/// Parameter update rules of <see cref="Kernels.ComputeBackend.OptimizerStep"/>. All follow PyTorch's formulas (so a
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
