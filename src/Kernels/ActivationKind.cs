namespace MLNet.DeepExtensions;

/// <summary>Elementwise activation functions known to every backend.</summary>
public enum ActivationKind
{
    /// <summary>y = x.</summary>
    Identity,
    /// <summary>y = 1 / (1 + e^-x).</summary>
    Sigmoid,
    /// <summary>y = tanh(x).</summary>
    Tanh,
    /// <summary>y = max(0, x); derivative 0 at x = 0 (PyTorch's choice).</summary>
    Relu,
    /// <summary>y = x for x &gt; 0, alpha·x otherwise.</summary>
    LeakyRelu,
    /// <summary>y = x for x &gt; 0, alpha·(e^x − 1) otherwise.</summary>
    Elu,
    /// <summary>y = λ·x for x &gt; 0, λ·α·(e^x − 1) otherwise, λ = 1.0507009873554805, α = 1.6732632423543772.</summary>
    Selu,
    /// <summary>y = x·Φ(x) with the exact normal CDF Φ (erf form; PyTorch and Keras default, not the tanh approximation).</summary>
    Gelu,
    /// <summary>Swish / SiLU: y = x·σ(x).</summary>
    Swish,
    /// <summary>y = log(1 + e^x), computed as max(x, 0) + log(1 + e^-|x|).</summary>
    Softplus,
}
