namespace MLNet.DeepExtensions.Kernels;

/// <summary>
/// A counter-based random generator: the value at (seed, index) is a pure function, so every backend (and
/// every thread, in any order) draws the same dropout mask. ILGPU kernels call these methods directly.
/// </summary>
public static class CounterRandom
{
    /// <summary>SplitMix64 finalizer of seed + (index + 1)·golden gamma.</summary>
    public static ulong Hash(ulong seed, long index)
    {
        ulong z = seed + ((ulong)index + 1UL) * 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1) with 24 random bits (exact in float32).</summary>
    public static float Uniform(ulong seed, long index) => (Hash(seed, index) >> 40) * (1.0f / 16777216.0f);
}
