namespace MLNet.DeepExtensions.Kernels.Elementwise;

/// <summary>
/// One activation as a type: a generic loop or kernel over <c>TActivation : struct, IActivationFunction</c> is
/// specialized per activation by the JIT (and by ILGPU), so the per-element switch disappears.
/// </summary>
internal interface IActivationFunction
{
    /// <summary>f(x); <paramref name="alpha"/> is the activation's parameter.</summary>
    static abstract float Apply(float alpha, float x);

    /// <summary>f'(x) given the input x and the output y = f(x).</summary>
    static abstract float Derivative(float alpha, float x, float y);
}

/// <summary>Sigmoid; see <see cref="ActivationMath.Sigmoid"/>.</summary>
internal readonly struct SigmoidFunction : IActivationFunction
{
    public static float Apply(float alpha, float x) => ActivationMath.Sigmoid(x);
    public static float Derivative(float alpha, float x, float y) => ActivationMath.SigmoidDerivative(y);
}

/// <summary>Tanh; derivative from the output.</summary>
internal readonly struct TanhFunction : IActivationFunction
{
    public static float Apply(float alpha, float x) => MathF.Tanh(x);
    public static float Derivative(float alpha, float x, float y) => ActivationMath.TanhDerivative(y);
}

/// <summary>ELU with parameter alpha.</summary>
internal readonly struct EluFunction : IActivationFunction
{
    public static float Apply(float alpha, float x) => ActivationMath.Elu(alpha, x);
    public static float Derivative(float alpha, float x, float y) => ActivationMath.EluDerivative(alpha, x);
}

/// <summary>SELU (fixed λ, α).</summary>
internal readonly struct SeluFunction : IActivationFunction
{
    public static float Apply(float alpha, float x) => ActivationMath.Selu(x);
    public static float Derivative(float alpha, float x, float y) => ActivationMath.SeluDerivative(x);
}

/// <summary>Exact (erf) GELU.</summary>
internal readonly struct GeluFunction : IActivationFunction
{
    public static float Apply(float alpha, float x) => ActivationMath.Gelu(x);
    public static float Derivative(float alpha, float x, float y) => ActivationMath.GeluDerivative(x);
}

/// <summary>Swish / SiLU.</summary>
internal readonly struct SwishFunction : IActivationFunction
{
    public static float Apply(float alpha, float x) => ActivationMath.Swish(x);
    public static float Derivative(float alpha, float x, float y) => ActivationMath.SwishDerivative(x);
}

/// <summary>Softplus.</summary>
internal readonly struct SoftplusFunction : IActivationFunction
{
    public static float Apply(float alpha, float x) => ActivationMath.Softplus(x);
    public static float Derivative(float alpha, float x, float y) => ActivationMath.Sigmoid(x);
}

/// <summary>Identity.</summary>
internal readonly struct IdentityFunction : IActivationFunction
{
    public static float Apply(float alpha, float x) => x;
    public static float Derivative(float alpha, float x, float y) => 1f;
}

/// <summary>ReLU (derivative 0 at x = 0).</summary>
internal readonly struct ReluFunction : IActivationFunction
{
    public static float Apply(float alpha, float x) => ActivationMath.Relu(x);
    public static float Derivative(float alpha, float x, float y) => ActivationMath.ReluDerivative(x);
}

/// <summary>Leaky ReLU with slope alpha for x ≤ 0.</summary>
internal readonly struct LeakyReluFunction : IActivationFunction
{
    public static float Apply(float alpha, float x) => ActivationMath.LeakyRelu(alpha, x);
    public static float Derivative(float alpha, float x, float y) => ActivationMath.LeakyReluDerivative(alpha, x);
}
