namespace MLNet.DeepExtensions.Kernels.Elementwise;

/// <summary>
/// Scalar activation formulas shared by every backend (PLACEHOLDER on branch ilgpu: the shared helper is written on
/// branch managed; this file is replaced by theirs on merge). Only MathF calls and arithmetic, so ILGPU kernels can call it.
/// </summary>
internal static class ActivationMath
{
    private const float SeluLambda = 1.0507009873554805f;
    private const float SeluAlpha = 1.6732632423543772f;

    /// <summary>f(x) for <paramref name="kind"/> with parameter <paramref name="alpha"/>.</summary>
    public static float Apply(ActivationKind kind, float alpha, float x) => kind switch
    {
        ActivationKind.Sigmoid => Sigmoid(x),
        ActivationKind.Tanh => MathF.Tanh(x),
        ActivationKind.Relu => x > 0f ? x : 0f,
        ActivationKind.LeakyRelu => x > 0f ? x : alpha * x,
        ActivationKind.Elu => x > 0f ? x : alpha * (MathF.Exp(x) - 1f),
        ActivationKind.Selu => x > 0f ? SeluLambda * x : SeluLambda * SeluAlpha * (MathF.Exp(x) - 1f),
        ActivationKind.Gelu => x * NormalCdf(x),
        ActivationKind.Swish => x * Sigmoid(x),
        ActivationKind.Softplus => MathF.Max(x, 0f) + MathF.Log(1f + MathF.Exp(-MathF.Abs(x))),
        _ => x,
    };

    /// <summary>f'(x) given x and y = f(x).</summary>
    public static float Derivative(ActivationKind kind, float alpha, float x, float y) => kind switch
    {
        ActivationKind.Sigmoid => y * (1f - y),
        ActivationKind.Tanh => 1f - y * y,
        ActivationKind.Relu => x > 0f ? 1f : 0f,
        ActivationKind.LeakyRelu => x > 0f ? 1f : alpha,
        ActivationKind.Elu => x > 0f ? 1f : alpha * MathF.Exp(x),
        ActivationKind.Selu => x > 0f ? SeluLambda : SeluLambda * SeluAlpha * MathF.Exp(x),
        ActivationKind.Gelu => NormalCdf(x) + x * 0.3989422804014327f * MathF.Exp(-0.5f * x * x),
        ActivationKind.Swish => Sigmoid(x) * (1f + x * (1f - Sigmoid(x))),
        ActivationKind.Softplus => Sigmoid(x),
        _ => 1f,
    };

    /// <summary>Numerically stable logistic function.</summary>
    public static float Sigmoid(float x)
    {
        if (x >= 0f) return 1f / (1f + MathF.Exp(-x));
        float e = MathF.Exp(x);
        return e / (1f + e);
    }

    /// <summary>Φ(x) = ½(1 + erf(x/√2)).</summary>
    public static float NormalCdf(float x) => 0.5f * (1f + Erf(x * 0.70710678118654752f));

    /// <summary>erf by Abramowitz–Stegun 7.1.26 (absolute error below 1.5e-7).</summary>
    public static float Erf(float x)
    {
        float sign = x < 0f ? -1f : 1f;
        float a = MathF.Abs(x);
        float t = 1f / (1f + 0.3275911f * a);
        float poly = ((((1.061405429f * t - 1.453152027f) * t + 1.421413741f) * t - 0.284496736f) * t + 0.254829592f) * t;
        return sign * (1f - poly * MathF.Exp(-a * a));
    }
}
