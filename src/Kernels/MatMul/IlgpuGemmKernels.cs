using ILGPU;
using ILGPU.Runtime;

namespace MLNet.DeepExtensions.Kernels.MatMul;

/// <summary>Shape and scalars of one GEMM launch (passed by value to the kernel).</summary>
internal readonly struct GemmArguments
{
    public GemmArguments(bool transposeA, bool transposeB, int m, int n, int k, float alpha, float beta)
    {
        TransposeA = transposeA ? 1 : 0;
        TransposeB = transposeB ? 1 : 0;
        M = m;
        N = n;
        K = k;
        Alpha = alpha;
        Beta = beta;
    }

    /// <summary>1 when A is stored (k, m).</summary>
    public readonly int TransposeA;
    /// <summary>1 when B is stored (n, k).</summary>
    public readonly int TransposeB;
    /// <summary>Rows of op(A) and C.</summary>
    public readonly int M;
    /// <summary>Columns of op(B) and C.</summary>
    public readonly int N;
    /// <summary>Columns of op(A), rows of op(B).</summary>
    public readonly int K;
    /// <summary>Scale of op(A)·op(B).</summary>
    public readonly float Alpha;
    /// <summary>Scale of the old C; 0 means C is not read.</summary>
    public readonly float Beta;
}

/// <summary>
/// ILGPU GEMM, row-major: C = alpha·op(A)·op(B) + beta·C, as a classic shared-memory tiled kernel. Each group of
/// T×T threads computes one T×T tile of C; it walks k in steps of T, staging a T×T tile of op(A) and of op(B) in
/// shared memory between two group barriers. Each thread accumulates its own dot product in a fixed order, so the
/// result is deterministic. T is 16 on a GPU and smaller where the accelerator's groups are smaller (ILGPU's CPU
/// accelerator): the shared tiles are sized for the largest T and the kernel reads T from the group size.
/// </summary>
/// <remarks>
/// Transposed operands are staged with the thread roles swapped, so that consecutive threads of a group always read
/// consecutive addresses of the stored matrix (coalesced loads on a GPU) for all four transpose combinations.
/// cuBLAS (ILGPU.Algorithms) is not used: it cannot be exercised without an NVIDIA GPU.
/// </remarks>
internal sealed class IlgpuGemmKernels
{
    /// <summary>Largest tile edge; the shared tiles are allocated for it.</summary>
    public const int MaxTile = 16;

    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmArguments> _tiled;

    /// <summary>Loads the tiled kernel and picks the tile edge the accelerator's group size allows.</summary>
    public IlgpuGemmKernels(Accelerator accelerator)
    {
        int tile = MaxTile;
        while (tile > 1 && tile * tile > accelerator.MaxNumThreadsPerGroup) tile /= 2;
        Tile = tile;
        _tiled = accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmArguments>(TiledGemm);
    }

    /// <summary>Tile edge T: groups are T×T threads.</summary>
    public int Tile { get; }

    /// <summary>Launches C = alpha·op(A)·op(B) + beta·C (arguments already validated).</summary>
    public void Launch(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        ArrayView<float> a, ArrayView<float> b, float beta, ArrayView<float> c)
    {
        if (m == 0 || n == 0) return;
        var grid = new Index2D((n + Tile - 1) / Tile, (m + Tile - 1) / Tile);
        var group = new Index2D(Tile, Tile);
        _tiled(new KernelConfig(grid, group), a, b, c, new GemmArguments(transposeA, transposeB, m, n, k, alpha, beta));
    }

    /// <summary>
    /// One T×T tile of C per group (grid x over column tiles, y over row tiles; group x = column, y = row in the tile).
    /// </summary>
    /// <param name="a">A, stored (m, k), or (k, m) when transposed.</param>
    /// <param name="b">B, stored (k, n), or (n, k) when transposed.</param>
    /// <param name="c">C (m, n): overwritten when beta = 0 (not read), else scaled by beta and accumulated.</param>
    /// <param name="args">Shapes, transposes, alpha and beta.</param>
    internal static void TiledGemm(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, GemmArguments args)
    {
        var tileA = SharedMemory.Allocate<float>(MaxTile * MaxTile); // tileA[i·MaxTile + p] = op(A)(row0 + i, p0 + p)
        var tileB = SharedMemory.Allocate<float>(MaxTile * MaxTile); // tileB[p·MaxTile + j] = op(B)(p0 + p, col0 + j)

        int t = Group.DimX;
        int tx = Group.IdxX;
        int ty = Group.IdxY;
        int row0 = Grid.IdxY * t;
        int col0 = Grid.IdxX * t;
        int m = args.M, n = args.N, k = args.K;

        float sum = 0f;
        for (int p0 = 0; p0 < k; p0 += t)
        {
            // Stage op(A): untransposed rows are contiguous in p (tx walks p); transposed columns are contiguous in i.
            if (args.TransposeA == 0)
            {
                int i = row0 + ty, p = p0 + tx;
                tileA[ty * MaxTile + tx] = i < m && p < k ? a[(long)i * k + p] : 0f;
            }
            else
            {
                int i = row0 + tx, p = p0 + ty;
                tileA[tx * MaxTile + ty] = i < m && p < k ? a[(long)p * m + i] : 0f;
            }

            // Stage op(B): untransposed rows are contiguous in j (tx walks j); transposed rows are contiguous in p.
            if (args.TransposeB == 0)
            {
                int p = p0 + ty, j = col0 + tx;
                tileB[ty * MaxTile + tx] = p < k && j < n ? b[(long)p * n + j] : 0f;
            }
            else
            {
                int p = p0 + tx, j = col0 + ty;
                tileB[tx * MaxTile + ty] = p < k && j < n ? b[(long)j * k + p] : 0f;
            }

            Group.Barrier();
            for (int q = 0; q < t; q++) sum += tileA[ty * MaxTile + q] * tileB[q * MaxTile + tx];
            Group.Barrier();
        }

        int row = row0 + ty, col = col0 + tx;
        if (row < m && col < n)
        {
            long index = (long)row * n + col;
            c[index] = args.Beta == 0f ? args.Alpha * sum : args.Alpha * sum + args.Beta * c[index];
        }
    }
}
