using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MLNet.DeepExtensions.Kernels.MatMul;

/// <summary>
/// Copies blocks of op(A) and op(B) into the contiguous panel layouts the micro-kernels stream through
/// (<see cref="GemmMicroKernels"/>). Packing absorbs both transposes, so there is a single micro-kernel, and
/// folds alpha into A.
/// </summary>
/// <remarks>
/// The strided cases (rows of A when A is not transposed, columns of B when B is transposed) read 8 rows at once and
/// transpose 8x8 blocks in registers: a scalar gather there would cost a noticeable fraction of the multiply for
/// skinny shapes (packing costs O(1/n) resp. O(1/m) of the arithmetic, at a much lower rate).
/// </remarks>
internal static unsafe class GemmPacking
{
    /// <summary>
    /// Packs op(A)[i0 .. i0+mr, p0 .. p0+kc] · alpha as kc groups of <paramref name="tileRows"/> floats (rows past mr are 0).
    /// </summary>
    /// <param name="transposeA">A is stored (k, m) rather than (m, k).</param>
    /// <param name="a">First element of A.</param>
    /// <param name="m">Rows of op(A).</param>
    /// <param name="k">Columns of op(A).</param>
    /// <param name="i0">First row of the panel.</param>
    /// <param name="mr">Valid rows in the panel, 1..tileRows.</param>
    /// <param name="p0">First depth index.</param>
    /// <param name="kc">Depth of the panel.</param>
    /// <param name="tileRows">MR of the micro-kernel.</param>
    /// <param name="alpha">Scale applied to every packed value.</param>
    /// <param name="dst">kc · tileRows floats.</param>
    public static void PackA(bool transposeA, float* a, int m, int k, int i0, int mr, int p0, int kc,
        int tileRows, float alpha, float* dst)
    {
        if (transposeA)
        {
            // Stored (k, m): the mr values of one depth step are contiguous.
            float* src = a + (nint)p0 * m + i0;
            if (mr == 8 && tileRows == 8 && Vector256.IsHardwareAccelerated)
            {
                Vector256<float> scale = Vector256.Create(alpha);
                for (int p = 0; p < kc; p++) (Vector256.Load(src + (nint)p * m) * scale).Store(dst + p * 8);
                return;
            }
            for (int p = 0; p < kc; p++)
            {
                float* s = src + (nint)p * m;
                float* d = dst + p * tileRows;
                int i = 0;
                for (; i < mr; i++) d[i] = alpha * s[i];
                for (; i < tileRows; i++) d[i] = 0f;
            }
            return;
        }

        // Stored (m, k): each row is contiguous in depth; the panel wants depth-major, so transpose.
        float* rows = a + (nint)i0 * k + p0;
        int done = 0;
        if (mr == 8 && tileRows == 8 && Avx.IsSupported)
        {
            for (; done + 8 <= kc; done += 8) Transpose8x8(rows + done, k, dst + done * 8, 8, alpha);
        }
        for (int p = done; p < kc; p++)
        {
            float* d = dst + p * tileRows;
            int i = 0;
            for (; i < mr; i++) d[i] = alpha * rows[(nint)i * k + p];
            for (; i < tileRows; i++) d[i] = 0f;
        }
    }

    /// <summary>
    /// Packs op(B)[p0 .. p0+kc, j0 .. j0+nc] as consecutive panels of <paramref name="tileColumns"/> columns, panel q
    /// (columns j0 + q·NR ..) at dst + q·kc·NR holding kc groups of NR floats (columns past the block are 0).
    /// Only panels [firstPanel, endPanel) are written, so threads can share one block.
    /// </summary>
    /// <param name="transposeB">B is stored (n, k) rather than (k, n).</param>
    /// <param name="b">First element of B.</param>
    /// <param name="k">Rows of op(B).</param>
    /// <param name="n">Columns of op(B).</param>
    /// <param name="p0">First depth index.</param>
    /// <param name="kc">Depth of the block.</param>
    /// <param name="j0">First column of the block.</param>
    /// <param name="nc">Columns in the block.</param>
    /// <param name="firstPanel">First panel to write.</param>
    /// <param name="endPanel">One past the last panel to write.</param>
    /// <param name="tileColumns">NR of the micro-kernel (a multiple of 8).</param>
    /// <param name="dst">The block buffer (ceil(nc / NR) · kc · NR floats).</param>
    public static void PackB(bool transposeB, float* b, int k, int n, int p0, int kc, int j0, int nc,
        int firstPanel, int endPanel, int tileColumns, float* dst)
    {
        for (int q = firstPanel; q < endPanel; q++)
        {
            int column = j0 + q * tileColumns;
            int nr = Math.Min(tileColumns, j0 + nc - column);
            float* panel = dst + (nint)q * kc * tileColumns;
            if (transposeB) PackTransposedPanel(b, k, p0, kc, column, nr, tileColumns, panel);
            else PackPanel(b, n, p0, kc, column, nr, tileColumns, panel);
        }
    }

    // Stored (k, n): the nr values of one depth step are contiguous.
    private static void PackPanel(float* b, int n, int p0, int kc, int column, int nr, int tileColumns, float* panel)
    {
        float* src = b + (nint)p0 * n + column;
        if (nr == tileColumns && Vector256.IsHardwareAccelerated)
        {
            for (int p = 0; p < kc; p++)
            {
                float* s = src + (nint)p * n;
                float* d = panel + p * tileColumns;
                for (int j = 0; j < tileColumns; j += 8) Vector256.Load(s + j).Store(d + j);
            }
            return;
        }
        for (int p = 0; p < kc; p++)
        {
            float* s = src + (nint)p * n;
            float* d = panel + p * tileColumns;
            int j = 0;
            for (; j < nr; j++) d[j] = s[j];
            for (; j < tileColumns; j++) d[j] = 0f;
        }
    }

    // Stored (n, k): each column of op(B) is a contiguous row of storage; transpose 8 columns x 8 depths at a time.
    private static void PackTransposedPanel(float* b, int k, int p0, int kc, int column, int nr, int tileColumns, float* panel)
    {
        float* src = b + (nint)column * k + p0;
        int done = 0;
        if (nr == tileColumns && Avx.IsSupported)
        {
            for (; done + 8 <= kc; done += 8)
            {
                for (int g = 0; g < tileColumns; g += 8)
                {
                    Transpose8x8(src + (nint)g * k + done, k, panel + done * tileColumns + g, tileColumns, 1f);
                }
            }
        }
        for (int p = done; p < kc; p++)
        {
            float* d = panel + p * tileColumns;
            int j = 0;
            for (; j < nr; j++) d[j] = src[(nint)j * k + p];
            for (; j < tileColumns; j++) d[j] = 0f;
        }
    }

    /// <summary>dst[q · dstStride + r] = scale · src[r · srcStride + q] for r, q in [0, 8).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(float* src, nint srcStride, float* dst, nint dstStride, float scale)
    {
        Vector256<float> r0 = Avx.LoadVector256(src);
        Vector256<float> r1 = Avx.LoadVector256(src + srcStride);
        Vector256<float> r2 = Avx.LoadVector256(src + 2 * srcStride);
        Vector256<float> r3 = Avx.LoadVector256(src + 3 * srcStride);
        Vector256<float> r4 = Avx.LoadVector256(src + 4 * srcStride);
        Vector256<float> r5 = Avx.LoadVector256(src + 5 * srcStride);
        Vector256<float> r6 = Avx.LoadVector256(src + 6 * srcStride);
        Vector256<float> r7 = Avx.LoadVector256(src + 7 * srcStride);

        // Interleave pairs of rows (within 128-bit lanes), then pairs of pairs, then swap lanes.
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);

        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);

        Vector256<float> s = Vector256.Create(scale);
        Avx.Store(dst, Avx.Permute2x128(u0, u4, 0x20) * s);
        Avx.Store(dst + dstStride, Avx.Permute2x128(u1, u5, 0x20) * s);
        Avx.Store(dst + 2 * dstStride, Avx.Permute2x128(u2, u6, 0x20) * s);
        Avx.Store(dst + 3 * dstStride, Avx.Permute2x128(u3, u7, 0x20) * s);
        Avx.Store(dst + 4 * dstStride, Avx.Permute2x128(u0, u4, 0x31) * s);
        Avx.Store(dst + 5 * dstStride, Avx.Permute2x128(u1, u5, 0x31) * s);
        Avx.Store(dst + 6 * dstStride, Avx.Permute2x128(u2, u6, 0x31) * s);
        Avx.Store(dst + 7 * dstStride, Avx.Permute2x128(u3, u7, 0x31) * s);
    }
}
