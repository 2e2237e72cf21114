namespace MLNet.DeepExtensions.Kernels.MatMul;

/// <summary>The instruction set (and so the register tile) a <see cref="ManagedGemm"/> micro-kernel uses.</summary>
internal enum GemmIsa
{
    /// <summary>Vector128 arithmetic (hardware SIMD where the platform has it), 4 x 8 tile.</summary>
    Portable,

    /// <summary>AVX2 + FMA3 on ymm registers, 6 x 16 tile.</summary>
    Avx2,

    /// <summary>AVX-512F on zmm registers, 8 x 32 tile.</summary>
    Avx512,
}
