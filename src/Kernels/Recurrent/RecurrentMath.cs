using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MLNet.DeepExtensions.Kernels.Recurrent;

/// <summary>
/// Sigmoid and tanh over float spans for the recurrent gates, in float only (TensorPrimitives widens to double for
/// its sigmoid and tanh, which made the gate math cost half the recurrent GEMM): e^x by Cody–Waite range reduction
/// (x = n·ln2 + r, ln2 in two parts) and a degree-6 polynomial (Cephes' expf coefficients), 2^n put into the exponent
/// bits. σ(x) = 1/(1 + e^−x); tanh(x) = 1 − 2/(e^2x + 1) for |x| ≥ 0.625, and an odd polynomial below (Cephes' tanhf),
/// where the subtraction would cancel. Measured against double on a dense grid (RecurrentMathTests): σ within 2 ulps
/// of 1 absolute, tanh within 4·10⁻⁷ relative and 3 ulps of 1 absolute, both exactly ±1/0 in saturation; NaN propagates. The last partial
/// vector of a span goes through the same vector code (via a 16-float stack buffer), so every element gets the same
/// function whatever its position.
/// </summary>
internal static unsafe class RecurrentMath
{
    private const float Log2E = 1.44269504088896341f;
    private const float Ln2Hi = 0.693359375f;
    private const float Ln2Lo = -2.12194440e-4f;
    private const float ExpMax = 88f; // e^88 = 1.65e38: 2^n stays a normal float (127.5 would round to 2^128 = ∞)
    private const float ExpMin = -87.3365447504f; // below, 2^n would leave the normal range: e^x flushes toward 0

    /// <summary>Whether the vector path is used (AVX-512); otherwise the spans go through TensorPrimitives.</summary>
    public static bool IsAccelerated => Vector512.IsHardwareAccelerated;

    /// <summary>e^x, lane by lane (x clamped to the float range of e^x).</summary>
    public static Vector512<float> Exp(Vector512<float> x)
    {
        x = Vector512.Min(Vector512.Max(x, Vector512.Create(ExpMin)), Vector512.Create(ExpMax));
        Vector512<float> n = Vector512.Round(x * Vector512.Create(Log2E));
        Vector512<float> r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Hi), x);
        r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Lo), r);
        Vector512<float> p = Vector512.Create(1.9875691500e-4f);
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.3981999507e-3f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(8.3334519073e-3f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(4.1665795894e-2f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.6666665459e-1f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(5.0000001201e-1f));
        p = Vector512.FusedMultiplyAdd(p, r * r, r) + Vector512<float>.One;
        Vector512<int> scale = (Vector512.ConvertToInt32(n) + Vector512.Create(127)) << 23;
        return p * scale.AsSingle();
    }

    /// <summary>1/d for d ≥ 1: the 14-bit hardware estimate and one Newton step (≈ 1 ulp; about a third of a divide's cost).</summary>
    private static Vector512<float> Reciprocal(Vector512<float> d)
    {
        if (!Avx512F.IsSupported) return Vector512<float>.One / d;
        Vector512<float> r = Avx512F.Reciprocal14(d);
        // r·(2 − d·r), written as r + r·(1 − d·r) so that the correction is small and rounds once.
        return Vector512.FusedMultiplyAdd(r, Vector512.FusedMultiplyAdd(-d, r, Vector512<float>.One), r);
    }

    /// <summary>σ(x) = 1/(1 + e^−x), lane by lane; NaN stays NaN.</summary>
    public static Vector512<float> Sigmoid(Vector512<float> x)
    {
        Vector512<float> y = Reciprocal(Vector512<float>.One + Exp(-x));
        return Vector512.ConditionalSelect(Vector512.Equals(x, x), y, x);
    }

    /// <summary>tanh(x), lane by lane; NaN stays NaN.</summary>
    public static Vector512<float> Tanh(Vector512<float> x)
    {
        Vector512<float> one = Vector512<float>.One;
        Vector512<float> large = one - (one + one) * Reciprocal(Exp(x + x) + one);
        Vector512<float> z = x * x;
        Vector512<float> p = Vector512.Create(-5.70498872745e-3f);
        p = Vector512.FusedMultiplyAdd(p, z, Vector512.Create(2.06390887954e-2f));
        p = Vector512.FusedMultiplyAdd(p, z, Vector512.Create(-5.37397155531e-2f));
        p = Vector512.FusedMultiplyAdd(p, z, Vector512.Create(1.33314422036e-1f));
        p = Vector512.FusedMultiplyAdd(p, z, Vector512.Create(-3.33332819422e-1f));
        Vector512<float> small = Vector512.FusedMultiplyAdd(p * z, x, x);
        Vector512<float> y = Vector512.ConditionalSelect(Vector512.LessThan(Vector512.Abs(x), Vector512.Create(0.625f)), small, large);
        return Vector512.ConditionalSelect(Vector512.Equals(x, x), y, x);
    }

    /// <summary>y[i] = σ(x[i]) for <paramref name="length"/> floats; y may be x.</summary>
    public static void Sigmoid(float* x, float* y, int length)
    {
        int i = 0;
        for (; i + 16 <= length; i += 16) Sigmoid(Vector512.Load(x + i)).Store(y + i);
        if (i < length) Tail(x + i, y + i, length - i, tanh: false);
    }

    /// <summary>y[i] = tanh(x[i]) for <paramref name="length"/> floats; y may be x.</summary>
    public static void Tanh(float* x, float* y, int length)
    {
        int i = 0;
        for (; i + 16 <= length; i += 16) Tanh(Vector512.Load(x + i)).Store(y + i);
        if (i < length) Tail(x + i, y + i, length - i, tanh: true);
    }

    // The last count < 16 floats, through the same vector code: copied into a zero-padded vector and back.
    private static void Tail(float* x, float* y, int count, bool tanh)
    {
        float* buffer = stackalloc float[16];
        for (int j = 0; j < 16; j++) buffer[j] = j < count ? x[j] : 0f;
        Vector512<float> v = Vector512.Load(buffer);
        (tanh ? Tanh(v) : Sigmoid(v)).Store(buffer);
        for (int j = 0; j < count; j++) y[j] = buffer[j];
    }
}
