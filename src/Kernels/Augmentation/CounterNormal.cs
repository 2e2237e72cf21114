namespace MLNet.DeepExtensions.Kernels.Augmentation;

/// <summary>
/// Standard normal values as a pure function of (seed, index), for <see cref="ComputeBackend.AddGaussianNoise"/>: the
/// Box–Muller transform of two uniforms cut from one <see cref="CounterRandom.Hash"/>. Elements 2k and 2k + 1 share
/// pair k's hash and take its cosine and sine branch, two independent normals. ILGPU kernels call these methods.
/// </summary>
/// <remarks>
/// The radius uniform has 24 bits and excludes 0, so |z| ≤ √(2·ln 2^24) ≈ 5.77: the tails beyond 5.77σ (probability
/// 8e-9) are cut. The uniforms are identical on every backend; the float radius and angle round the same everywhere
/// except where a GPU's sin/cos/log differ from .NET's by an ulp.
/// </remarks>
internal static class CounterNormal
{
    private const float TwoPi = 6.28318530717958647692f;
    private const float Inverse2To24 = 1.0f / 16777216.0f;

    /// <summary>The hash of the Box–Muller pair that element <paramref name="index"/> belongs to.</summary>
    public static ulong PairHash(ulong seed, long index) => CounterRandom.Hash(seed, index >> 1);

    /// <summary>True for the sine branch (odd indices), false for the cosine branch.</summary>
    public static bool IsSineBranch(long index) => (index & 1L) != 0L;

    /// <summary>Radius uniform in (0, 1]: the hash's top 24 bits plus one, times 2^−24 (exact in float).</summary>
    public static float RadiusUniform(ulong hash) => ((hash >> 40) + 1UL) * Inverse2To24;

    /// <summary>Angle uniform in [0, 1): bits 8..31 of the hash, times 2^−24 (exact in float).</summary>
    public static float AngleUniform(ulong hash) => ((hash >> 8) & 0xFFFFFFUL) * Inverse2To24;

    /// <summary>Box–Muller radius √(−2·ln u1) in float.</summary>
    public static float Radius(ulong hash) => MathF.Sqrt(-2f * MathF.Log(RadiusUniform(hash)));

    /// <summary>Box–Muller angle 2π·u2 in float.</summary>
    public static float Angle(ulong hash) => TwoPi * AngleUniform(hash);

    /// <summary>The standard normal of element <paramref name="index"/> in float (managed and ILGPU backends).</summary>
    public static float Sample(ulong seed, long index)
    {
        ulong hash = PairHash(seed, index);
        float angle = Angle(hash);
        return Radius(hash) * (IsSineBranch(index) ? MathF.Sin(angle) : MathF.Cos(angle));
    }

    /// <summary>The same standard normal from the same uniforms, computed in double (the reference backend).</summary>
    public static double SampleDouble(ulong seed, long index)
    {
        ulong hash = PairHash(seed, index);
        double radius = Math.Sqrt(-2.0 * Math.Log(RadiusUniform(hash)));
        double angle = 2.0 * Math.PI * AngleUniform(hash);
        return radius * (IsSineBranch(index) ? Math.Sin(angle) : Math.Cos(angle));
    }
}
