using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MLNet.DeepExtensions.Kernels.MatMul;

/// <summary>
/// Register-tiled GEMM micro-kernels: C[0..MR, 0..NR] (+)= Σ_p Ap[p, 0..MR] ⊗ Bp[p, 0..NR] over packed panels.
/// Each kernel keeps the whole MR x NR tile of C in registers for the full depth kc, broadcasts one packed A value
/// per row and multiplies it with NR/width B vectors, so every load feeds several FMAs.
/// </summary>
/// <remarks>
/// Packed A: kc groups of MR floats (row values of one depth step, alpha already applied, zero-padded rows).
/// Packed B: kc groups of NR floats (zero-padded columns). The kernels always compute a full tile; the caller
/// routes partial tiles through a scratch tile (<see cref="MergeEdge"/>).
/// </remarks>
internal static unsafe class GemmMicroKernels
{
    /// <summary>The fastest kernel this machine supports.</summary>
    public static GemmIsa Best =>
        Avx512F.IsSupported ? GemmIsa.Avx512 :
        Avx2.IsSupported && Fma.IsSupported ? GemmIsa.Avx2 :
        GemmIsa.Portable;

    /// <summary>Whether <paramref name="isa"/> can run on this machine.</summary>
    public static bool IsSupported(GemmIsa isa) => isa switch
    {
        GemmIsa.Avx512 => Avx512F.IsSupported,
        GemmIsa.Avx2 => Avx2.IsSupported && Fma.IsSupported,
        _ => true,
    };

    /// <summary>MR: rows of the register tile.</summary>
    public static int TileRows(GemmIsa isa) => isa switch { GemmIsa.Avx512 => 8, GemmIsa.Avx2 => 6, _ => 4 };

    /// <summary>NR: columns of the register tile.</summary>
    public static int TileColumns(GemmIsa isa) => isa switch { GemmIsa.Avx512 => 32, GemmIsa.Avx2 => 16, _ => 8 };

    /// <summary>
    /// C = Ap·Bp + beta·C on one full MR x NR tile (beta 0: C is not read).
    /// </summary>
    /// <param name="isa">Which kernel (and so which MR x NR).</param>
    /// <param name="kc">Depth: number of packed groups in each panel.</param>
    /// <param name="a">Packed A micro-panel, kc x MR.</param>
    /// <param name="b">Packed B micro-panel, kc x NR.</param>
    /// <param name="c">Top-left element of the C tile.</param>
    /// <param name="ldc">Row stride of C in elements.</param>
    /// <param name="beta">Scale of the existing C.</param>
    public static void Run(GemmIsa isa, nint kc, float* a, float* b, float* c, nint ldc, float beta)
    {
        switch (isa)
        {
            case GemmIsa.Avx512: Avx512Kernel8x32(kc, a, b, c, ldc, beta); break;
            case GemmIsa.Avx2: Avx2Kernel6x16(kc, a, b, c, ldc, beta); break;
            default: PortableKernel4x8(kc, a, b, c, ldc, beta); break;
        }
    }

    /// <summary>
    /// C[0..mr, 0..nr] = tile[0..mr, 0..nr] + beta·C for a partial tile computed into a scratch tile of row stride
    /// <paramref name="tileStride"/> (beta 0: C is not read).
    /// </summary>
    public static void MergeEdge(float* tile, nint tileStride, float* c, nint ldc, int mr, int nr, float beta)
    {
        for (int i = 0; i < mr; i++)
        {
            float* src = tile + i * tileStride;
            float* dst = c + i * ldc;
            if (beta == 0f)
            {
                for (int j = 0; j < nr; j++) dst[j] = src[j];
            }
            else if (beta == 1f)
            {
                for (int j = 0; j < nr; j++) dst[j] += src[j];
            }
            else
            {
                for (int j = 0; j < nr; j++) dst[j] = beta * dst[j] + src[j];
            }
        }
    }

    // 8 x 32: 16 zmm accumulators. Two B vectors per depth step are reused by 8 broadcasts (10 loads feed 16 FMAs),
    // which both Zen 4 (one zmm FMA per cycle) and Zen 5 (two) sustain; 8 rows also make A packing an 8x8 transpose.
    private static void Avx512Kernel8x32(nint kc, float* a, float* b, float* c, nint ldc, float beta)
    {
        Vector512<float> b0, b1, av;
        // Register budget: 16 accumulators + 2 B vectors + 1 broadcast = 19 of 32 zmm (no spills).
        Vector512<float> c00 = Vector512<float>.Zero, c01 = Vector512<float>.Zero;
        Vector512<float> c10 = Vector512<float>.Zero, c11 = Vector512<float>.Zero;
        Vector512<float> c20 = Vector512<float>.Zero, c21 = Vector512<float>.Zero;
        Vector512<float> c30 = Vector512<float>.Zero, c31 = Vector512<float>.Zero;
        Vector512<float> c40 = Vector512<float>.Zero, c41 = Vector512<float>.Zero;
        Vector512<float> c50 = Vector512<float>.Zero, c51 = Vector512<float>.Zero;
        Vector512<float> c60 = Vector512<float>.Zero, c61 = Vector512<float>.Zero;
        Vector512<float> c70 = Vector512<float>.Zero, c71 = Vector512<float>.Zero;
        nint p = 0;
        for (; p + 2 <= kc; p += 2)
        {
            b0 = Vector512.Load(b + 0); b1 = Vector512.Load(b + 16);
            av = Vector512.Create(a[0]); c00 = Avx512F.FusedMultiplyAdd(av, b0, c00); c01 = Avx512F.FusedMultiplyAdd(av, b1, c01);
            av = Vector512.Create(a[1]); c10 = Avx512F.FusedMultiplyAdd(av, b0, c10); c11 = Avx512F.FusedMultiplyAdd(av, b1, c11);
            av = Vector512.Create(a[2]); c20 = Avx512F.FusedMultiplyAdd(av, b0, c20); c21 = Avx512F.FusedMultiplyAdd(av, b1, c21);
            av = Vector512.Create(a[3]); c30 = Avx512F.FusedMultiplyAdd(av, b0, c30); c31 = Avx512F.FusedMultiplyAdd(av, b1, c31);
            av = Vector512.Create(a[4]); c40 = Avx512F.FusedMultiplyAdd(av, b0, c40); c41 = Avx512F.FusedMultiplyAdd(av, b1, c41);
            av = Vector512.Create(a[5]); c50 = Avx512F.FusedMultiplyAdd(av, b0, c50); c51 = Avx512F.FusedMultiplyAdd(av, b1, c51);
            av = Vector512.Create(a[6]); c60 = Avx512F.FusedMultiplyAdd(av, b0, c60); c61 = Avx512F.FusedMultiplyAdd(av, b1, c61);
            av = Vector512.Create(a[7]); c70 = Avx512F.FusedMultiplyAdd(av, b0, c70); c71 = Avx512F.FusedMultiplyAdd(av, b1, c71);
            b0 = Vector512.Load(b + 32); b1 = Vector512.Load(b + 48);
            av = Vector512.Create(a[8]); c00 = Avx512F.FusedMultiplyAdd(av, b0, c00); c01 = Avx512F.FusedMultiplyAdd(av, b1, c01);
            av = Vector512.Create(a[9]); c10 = Avx512F.FusedMultiplyAdd(av, b0, c10); c11 = Avx512F.FusedMultiplyAdd(av, b1, c11);
            av = Vector512.Create(a[10]); c20 = Avx512F.FusedMultiplyAdd(av, b0, c20); c21 = Avx512F.FusedMultiplyAdd(av, b1, c21);
            av = Vector512.Create(a[11]); c30 = Avx512F.FusedMultiplyAdd(av, b0, c30); c31 = Avx512F.FusedMultiplyAdd(av, b1, c31);
            av = Vector512.Create(a[12]); c40 = Avx512F.FusedMultiplyAdd(av, b0, c40); c41 = Avx512F.FusedMultiplyAdd(av, b1, c41);
            av = Vector512.Create(a[13]); c50 = Avx512F.FusedMultiplyAdd(av, b0, c50); c51 = Avx512F.FusedMultiplyAdd(av, b1, c51);
            av = Vector512.Create(a[14]); c60 = Avx512F.FusedMultiplyAdd(av, b0, c60); c61 = Avx512F.FusedMultiplyAdd(av, b1, c61);
            av = Vector512.Create(a[15]); c70 = Avx512F.FusedMultiplyAdd(av, b0, c70); c71 = Avx512F.FusedMultiplyAdd(av, b1, c71);
            a += 16; b += 64;
        }
        for (; p < kc; p++)
        {
            b0 = Vector512.Load(b); b1 = Vector512.Load(b + 16);
            av = Vector512.Create(a[0]); c00 = Avx512F.FusedMultiplyAdd(av, b0, c00); c01 = Avx512F.FusedMultiplyAdd(av, b1, c01);
            av = Vector512.Create(a[1]); c10 = Avx512F.FusedMultiplyAdd(av, b0, c10); c11 = Avx512F.FusedMultiplyAdd(av, b1, c11);
            av = Vector512.Create(a[2]); c20 = Avx512F.FusedMultiplyAdd(av, b0, c20); c21 = Avx512F.FusedMultiplyAdd(av, b1, c21);
            av = Vector512.Create(a[3]); c30 = Avx512F.FusedMultiplyAdd(av, b0, c30); c31 = Avx512F.FusedMultiplyAdd(av, b1, c31);
            av = Vector512.Create(a[4]); c40 = Avx512F.FusedMultiplyAdd(av, b0, c40); c41 = Avx512F.FusedMultiplyAdd(av, b1, c41);
            av = Vector512.Create(a[5]); c50 = Avx512F.FusedMultiplyAdd(av, b0, c50); c51 = Avx512F.FusedMultiplyAdd(av, b1, c51);
            av = Vector512.Create(a[6]); c60 = Avx512F.FusedMultiplyAdd(av, b0, c60); c61 = Avx512F.FusedMultiplyAdd(av, b1, c61);
            av = Vector512.Create(a[7]); c70 = Avx512F.FusedMultiplyAdd(av, b0, c70); c71 = Avx512F.FusedMultiplyAdd(av, b1, c71);
            a += 8; b += 32;
        }
        Store512(c00, c01, c, beta);
        Store512(c10, c11, c + 1 * ldc, beta);
        Store512(c20, c21, c + 2 * ldc, beta);
        Store512(c30, c31, c + 3 * ldc, beta);
        Store512(c40, c41, c + 4 * ldc, beta);
        Store512(c50, c51, c + 5 * ldc, beta);
        Store512(c60, c61, c + 6 * ldc, beta);
        Store512(c70, c71, c + 7 * ldc, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store512(Vector512<float> lo, Vector512<float> hi, float* c, float beta)
    {
        if (beta == 0f)
        {
            lo.Store(c);
            hi.Store(c + 16);
        }
        else if (beta == 1f)
        {
            (Vector512.Load(c) + lo).Store(c);
            (Vector512.Load(c + 16) + hi).Store(c + 16);
        }
        else
        {
            Vector512<float> scale = Vector512.Create(beta);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c), scale, lo).Store(c);
            Avx512F.FusedMultiplyAdd(Vector512.Load(c + 16), scale, hi).Store(c + 16);
        }
    }

    // 6 x 16: 12 ymm accumulators + 2 B vectors + 1 broadcast = 15 of the 16 ymm registers.
    private static void Avx2Kernel6x16(nint kc, float* a, float* b, float* c, nint ldc, float beta)
    {
        Vector256<float> c00 = Vector256<float>.Zero, c01 = Vector256<float>.Zero;
        Vector256<float> c10 = Vector256<float>.Zero, c11 = Vector256<float>.Zero;
        Vector256<float> c20 = Vector256<float>.Zero, c21 = Vector256<float>.Zero;
        Vector256<float> c30 = Vector256<float>.Zero, c31 = Vector256<float>.Zero;
        Vector256<float> c40 = Vector256<float>.Zero, c41 = Vector256<float>.Zero;
        Vector256<float> c50 = Vector256<float>.Zero, c51 = Vector256<float>.Zero;
        for (nint p = 0; p < kc; p++)
        {
            Vector256<float> b0 = Vector256.Load(b), b1 = Vector256.Load(b + 8);
            Vector256<float> av;
            av = Vector256.Create(a[0]); c00 = Fma.MultiplyAdd(av, b0, c00); c01 = Fma.MultiplyAdd(av, b1, c01);
            av = Vector256.Create(a[1]); c10 = Fma.MultiplyAdd(av, b0, c10); c11 = Fma.MultiplyAdd(av, b1, c11);
            av = Vector256.Create(a[2]); c20 = Fma.MultiplyAdd(av, b0, c20); c21 = Fma.MultiplyAdd(av, b1, c21);
            av = Vector256.Create(a[3]); c30 = Fma.MultiplyAdd(av, b0, c30); c31 = Fma.MultiplyAdd(av, b1, c31);
            av = Vector256.Create(a[4]); c40 = Fma.MultiplyAdd(av, b0, c40); c41 = Fma.MultiplyAdd(av, b1, c41);
            av = Vector256.Create(a[5]); c50 = Fma.MultiplyAdd(av, b0, c50); c51 = Fma.MultiplyAdd(av, b1, c51);
            a += 6; b += 16;
        }
        Store256(c00, c01, c, beta);
        Store256(c10, c11, c + 1 * ldc, beta);
        Store256(c20, c21, c + 2 * ldc, beta);
        Store256(c30, c31, c + 3 * ldc, beta);
        Store256(c40, c41, c + 4 * ldc, beta);
        Store256(c50, c51, c + 5 * ldc, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store256(Vector256<float> lo, Vector256<float> hi, float* c, float beta)
    {
        if (beta == 0f)
        {
            lo.Store(c);
            hi.Store(c + 8);
        }
        else if (beta == 1f)
        {
            (Vector256.Load(c) + lo).Store(c);
            (Vector256.Load(c + 8) + hi).Store(c + 8);
        }
        else
        {
            Vector256<float> scale = Vector256.Create(beta);
            Fma.MultiplyAdd(Vector256.Load(c), scale, lo).Store(c);
            Fma.MultiplyAdd(Vector256.Load(c + 8), scale, hi).Store(c + 8);
        }
    }

    // 4 x 8 with Vector128 (SSE / AdvSIMD or software): 8 accumulators fit every SIMD register file.
    private static void PortableKernel4x8(nint kc, float* a, float* b, float* c, nint ldc, float beta)
    {
        Vector128<float> c00 = Vector128<float>.Zero, c01 = Vector128<float>.Zero;
        Vector128<float> c10 = Vector128<float>.Zero, c11 = Vector128<float>.Zero;
        Vector128<float> c20 = Vector128<float>.Zero, c21 = Vector128<float>.Zero;
        Vector128<float> c30 = Vector128<float>.Zero, c31 = Vector128<float>.Zero;
        for (nint p = 0; p < kc; p++)
        {
            Vector128<float> b0 = Vector128.Load(b), b1 = Vector128.Load(b + 4);
            Vector128<float> av = Vector128.Create(a[0]);
            c00 += av * b0; c01 += av * b1;
            av = Vector128.Create(a[1]);
            c10 += av * b0; c11 += av * b1;
            av = Vector128.Create(a[2]);
            c20 += av * b0; c21 += av * b1;
            av = Vector128.Create(a[3]);
            c30 += av * b0; c31 += av * b1;
            a += 4;
            b += 8;
        }
        Store128(c00, c01, c, beta);
        Store128(c10, c11, c + ldc, beta);
        Store128(c20, c21, c + 2 * ldc, beta);
        Store128(c30, c31, c + 3 * ldc, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store128(Vector128<float> lo, Vector128<float> hi, float* c, float beta)
    {
        if (beta == 0f)
        {
            lo.Store(c);
            hi.Store(c + 4);
        }
        else if (beta == 1f)
        {
            (Vector128.Load(c) + lo).Store(c);
            (Vector128.Load(c + 4) + hi).Store(c + 4);
        }
        else
        {
            Vector128<float> scale = Vector128.Create(beta);
            (Vector128.Load(c) * scale + lo).Store(c);
            (Vector128.Load(c + 4) * scale + hi).Store(c + 4);
        }
    }
}
