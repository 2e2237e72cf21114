namespace MLNet.DeepExtensions.Kernels.Elementwise;

/// <summary>Scalar helpers shared by every backend; ILGPU kernels call them too.</summary>
public static class ScalarMath
{
    /// <summary>
    /// sign(x) ∈ {−1, 0, 1}, and NaN for NaN. MathF.Sign throws ArithmeticException on NaN, which would turn a diverged
    /// run into an obscure exception instead of a NaN loss that the trainer reports with its epoch and batch.
    /// </summary>
    public static float Sign(float x) => x > 0f ? 1f : x < 0f ? -1f : x == 0f ? 0f : x;

    /// <summary>Double-precision <see cref="Sign(float)"/>.</summary>
    public static double Sign(double x) => x > 0 ? 1 : x < 0 ? -1 : x == 0 ? 0 : x;
}
