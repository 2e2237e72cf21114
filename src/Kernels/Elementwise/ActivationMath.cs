namespace MLNet.DeepExtensions.Kernels.Elementwise;

/// <summary>
/// Scalar float32 formulas of every <see cref="ActivationKind"/>, forward and derivative side by side, shared by the
/// managed CPU backend and the ILGPU kernels (so both compute the same function the same way).
/// </summary>
/// <remarks>
/// ILGPU compiles these: keep them to arithmetic, branches and <c>MathF.Exp/Tanh/Log/Sqrt</c>; no arrays, no
/// exceptions, no managed-only calls.
/// </remarks>
internal static class ActivationMath
{
    /// <summary>SELU's λ (Klambauer et al. 2017; PyTorch's constant).</summary>
    public const float SeluLambda = 1.0507009873554805f;

    /// <summary>SELU's α.</summary>
    public const float SeluAlpha = 1.6732632423543772f;

    private const float InverseSqrt2 = 0.70710678118654752f;
    private const float InverseSqrt2Pi = 0.39894228040143268f;

    /// <summary>f(x) for <paramref name="kind"/>; <paramref name="alpha"/> is leaky ReLU's slope or ELU's alpha.</summary>
    public static float Apply(ActivationKind kind, float alpha, float x) => kind switch
    {
        ActivationKind.Sigmoid => Sigmoid(x),
        ActivationKind.Tanh => MathF.Tanh(x),
        ActivationKind.Relu => Relu(x),
        ActivationKind.LeakyRelu => LeakyRelu(alpha, x),
        ActivationKind.Elu => Elu(alpha, x),
        ActivationKind.Selu => Selu(x),
        ActivationKind.Gelu => Gelu(x),
        ActivationKind.Swish => Swish(x),
        ActivationKind.Softplus => Softplus(x),
        _ => x,
    };

    /// <summary>f'(x) for <paramref name="kind"/>, given the input <paramref name="x"/> and the output y = f(x).</summary>
    public static float Derivative(ActivationKind kind, float alpha, float x, float y) => kind switch
    {
        ActivationKind.Sigmoid => SigmoidDerivative(y),
        ActivationKind.Tanh => TanhDerivative(y),
        ActivationKind.Relu => ReluDerivative(x),
        ActivationKind.LeakyRelu => LeakyReluDerivative(alpha, x),
        ActivationKind.Elu => EluDerivative(alpha, x),
        ActivationKind.Selu => SeluDerivative(x),
        ActivationKind.Gelu => GeluDerivative(x),
        ActivationKind.Swish => SwishDerivative(x),
        ActivationKind.Softplus => Sigmoid(x),
        _ => 1f,
    };

    /// <summary>σ(x) = 1/(1 + e^−x), evaluated so that e^|x| never overflows into inf/inf.</summary>
    public static float Sigmoid(float x)
    {
        if (x >= 0f) return 1f / (1f + MathF.Exp(-x));
        float e = MathF.Exp(x);
        return e / (1f + e);
    }

    /// <summary>σ'(x) = y·(1 − y) from the output y.</summary>
    public static float SigmoidDerivative(float y) => y * (1f - y);

    /// <summary>tanh'(x) = 1 − y² from the output y.</summary>
    public static float TanhDerivative(float y) => 1f - y * y;

    /// <summary>max(0, x).</summary>
    public static float Relu(float x) => x > 0f ? x : 0f;

    /// <summary>1 for x &gt; 0, else 0 (PyTorch: 0 at x = 0).</summary>
    public static float ReluDerivative(float x) => x > 0f ? 1f : 0f;

    /// <summary>x for x &gt; 0, alpha·x otherwise.</summary>
    public static float LeakyRelu(float alpha, float x) => x > 0f ? x : alpha * x;

    /// <summary>1 for x &gt; 0, alpha otherwise (alpha at x = 0, PyTorch's choice).</summary>
    public static float LeakyReluDerivative(float alpha, float x) => x > 0f ? 1f : alpha;

    /// <summary>x for x &gt; 0, alpha·(e^x − 1) otherwise.</summary>
    public static float Elu(float alpha, float x) => x > 0f ? x : alpha * (MathF.Exp(x) - 1f);

    /// <summary>1 for x &gt; 0, alpha·e^x otherwise (from x, not y + alpha, which loses digits for small alpha).</summary>
    public static float EluDerivative(float alpha, float x) => x > 0f ? 1f : alpha * MathF.Exp(x);

    /// <summary>λ·x for x &gt; 0, λ·α·(e^x − 1) otherwise.</summary>
    public static float Selu(float x) => x > 0f ? SeluLambda * x : SeluLambda * SeluAlpha * (MathF.Exp(x) - 1f);

    /// <summary>λ for x &gt; 0, λ·α·e^x otherwise.</summary>
    public static float SeluDerivative(float x) => x > 0f ? SeluLambda : SeluLambda * SeluAlpha * MathF.Exp(x);

    /// <summary>x·Φ(x) with Φ(x) = ½(1 + erf(x/√2)), the exact (erf) GELU of PyTorch and Keras.</summary>
    public static float Gelu(float x) => 0.5f * x * (1f + ErrorFunction.Evaluate(x * InverseSqrt2));

    /// <summary>Φ(x) + x·φ(x), φ the standard normal density.</summary>
    public static float GeluDerivative(float x) =>
        0.5f * (1f + ErrorFunction.Evaluate(x * InverseSqrt2)) + x * InverseSqrt2Pi * MathF.Exp(-0.5f * x * x);

    /// <summary>Swish / SiLU: x·σ(x).</summary>
    public static float Swish(float x) => x * Sigmoid(x);

    /// <summary>σ(x)·(1 + x·(1 − σ(x))).</summary>
    public static float SwishDerivative(float x)
    {
        float s = Sigmoid(x);
        return s * (1f + x * (1f - s));
    }

    /// <summary>log(1 + e^x) as max(x, 0) + log(1 + e^−|x|): no overflow for large x.</summary>
    public static float Softplus(float x) => (x > 0f ? x : 0f) + MathF.Log(1f + MathF.Exp(x > 0f ? -x : x));
}
