namespace MLNet.DeepExtensions.Kernels.MatMul;

/// <summary>The oracle GEMM: the textbook triple loop in double (llm.c's matmul_forward_naive, generalized).</summary>
internal static class ReferenceGemm
{
    /// <summary>
    /// C = alpha·op(A)·op(B) + beta·C (see <see cref="ComputeBackend.Gemm"/>): a is (m, k), or (k, m) when
    /// transposed; b is (k, n), or (n, k) when transposed; c is (m, n) and is not read when beta = 0.
    /// </summary>
    public static void Multiply(bool transposeA, bool transposeB, int m, int n, int k, double alpha,
        ReadOnlySpan<double> a, ReadOnlySpan<double> b, double beta, Span<double> c)
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int p = 0; p < k; p++)
                {
                    double av = transposeA ? a[p * m + i] : a[i * k + p];
                    double bv = transposeB ? b[j * k + p] : b[p * n + j];
                    sum += av * bv;
                }
                // beta = 0 overwrites without reading C, so NaN left in C does not leak (BLAS convention).
                c[i * n + j] = beta == 0 ? alpha * sum : alpha * sum + beta * c[i * n + j];
            }
        }
    }
}
