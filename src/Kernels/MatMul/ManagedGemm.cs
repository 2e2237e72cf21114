namespace MLNet.DeepExtensions.Kernels.MatMul;

/// <summary>
/// Managed float32 GEMM, row-major: C = alpha·op(A)·op(B) + beta·C (STUB: naive loops; to be replaced by the
/// cache-blocked, packed, register-tiled, multi-threaded version).
/// </summary>
internal sealed unsafe class ManagedGemm : IDisposable
{
    private readonly WorkerPool _pool;

    public ManagedGemm(WorkerPool pool) => _pool = pool;

    /// <summary>See <see cref="ComputeBackend.Gemm"/>; pointers address the first element of each matrix.</summary>
    public void Multiply(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        float* a, float* b, float beta, float* c)
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                float sum = 0;
                for (int p = 0; p < k; p++)
                {
                    float av = transposeA ? a[p * m + i] : a[i * k + p];
                    float bv = transposeB ? b[j * k + p] : b[p * n + j];
                    sum += av * bv;
                }
                c[i * n + j] = beta == 0f ? alpha * sum : alpha * sum + beta * c[i * n + j];
            }
        }
    }

    public void Dispose()
    {
    }
}
