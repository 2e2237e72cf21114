using MLNet.DeepExtensions.Kernels.Elementwise;

namespace MLNet.DeepExtensions.Kernels.Tests.Elementwise;

/// <summary>
/// The shared float formulas (which the ILGPU kernels call through <see cref="ActivationMath.Apply"/> and
/// <see cref="ActivationMath.Derivative"/>) against the double reference formulas, on a grid that includes 0 and
/// large |x|. The managed backend reaches some kinds through TensorPrimitives instead, so these are tested directly.
/// </summary>
public sealed class ActivationMathTests
{
    [Theory]
    [InlineData(ActivationKind.Identity)]
    [InlineData(ActivationKind.Sigmoid)]
    [InlineData(ActivationKind.Tanh)]
    [InlineData(ActivationKind.Relu)]
    [InlineData(ActivationKind.LeakyRelu)]
    [InlineData(ActivationKind.Elu)]
    [InlineData(ActivationKind.Selu)]
    [InlineData(ActivationKind.Gelu)]
    [InlineData(ActivationKind.Swish)]
    [InlineData(ActivationKind.Softplus)]
    public void FloatFormulasMatchTheDoubleReference(ActivationKind kind)
    {
        float alpha = Activation.Default(kind).Alpha;
        for (int i = -2000; i <= 2000; i++)
        {
            float x = i * 0.01f;
            if (i == 2000) x = 100f;
            if (i == -2000) x = -100f;
            float y = ActivationMath.Apply(kind, alpha, x);
            double yRef = ReferenceActivations.Apply(kind, alpha, x);
            AssertNear(kind, "f", x, yRef, y);
            // The derivative from the float y (as a backend would have it), against the double formula fed the double y.
            AssertNear(kind, "f'", x, ReferenceActivations.Derivative(kind, alpha, x, yRef), ActivationMath.Derivative(kind, alpha, x, y));
        }
    }

    private static void AssertNear(ActivationKind kind, string what, float x, double expected, float actual)
    {
        double tolerance = 1e-6 + 1e-5 * Math.Abs(expected);
        Assert.True(Math.Abs(actual - expected) <= tolerance, $"{kind} {what}({x:R}): expected {expected:R}, actual {actual:R}");
    }
}
