using System.Numerics.Tensors;
using MLNet.DeepExtensions.Kernels.Elementwise;

namespace MLNet.DeepExtensions.Kernels.MatMul;

/// <summary>
/// Managed float32 GEMM, row-major: C = alpha·op(A)·op(B) + beta·C (semantics of <see cref="ComputeBackend.Gemm"/>).
/// BLAS-style: the k and n dimensions are cut into KC x NC blocks; each block of op(B) is packed once into NR-wide
/// panels, each MR-row panel of op(A)·alpha is packed just before use, and a register-tiled
/// micro-kernel (<see cref="GemmMicroKernels"/>) multiplies one A panel with one B panel into an MR x NR tile of C.
/// </summary>
/// <remarks>
/// <para>Loop order per block: for each A panel (MR x KC, kept in L1) sweep all B panels of the block (KC x NC,
/// kept in L2). Blocking for Zen 4 / Zen 5 (32-48 KB L1D, 1 MB L2 per core): an 8 x 256 A panel is 8 KB and a
/// 256 x 512 B block is 512 KB, which leaves room in both levels for C tiles and the next panels.</para>
/// <para>Threads: each KC x NC block is one <see cref="WorkerPool.Run"/>, cut into one task per thread (see
/// <see cref="GemmSplit"/>). When A is small next to the B block (skinny MLP shapes) tasks take whole columns of
/// tiles and pack their own B panels: no barrier, nothing crosses between cores. Otherwise tasks take whole rows
/// of tiles and share one B block packed cooperatively. Tasks are claimed dynamically, so a thread that starts
/// late (a preempted worker) just finds less to do. Below about 100k multiply-adds everything runs on the caller.</para>
/// <para>All buffers are allocated once per instance; <see cref="Multiply"/> allocates nothing. An instance runs one
/// multiplication at a time.</para>
/// </remarks>
internal sealed unsafe class ManagedGemm : IDisposable
{
    /// <summary>KC: depth of a block. An A panel (MR x KC) stays in L1, and C tiles are re-read once per KC.</summary>
    internal const int DefaultDepthBlock = 256;

    /// <summary>NC: columns of a block. The packed KC x NC block of B (512 KB) stays in each core's 1 MB L2.</summary>
    internal const int DefaultColumnBlock = 512;

    /// <summary>Parallel tasks per thread in each block. One measured best: more tasks repack more A panels (column
    /// split) or cut tiles finer than the balancing gains back.</summary>
    internal const int DefaultTasksPerThread = 1;

    // Below about this many multiply-adds, waking a second thread costs more than it saves.
    private const long ParallelThreshold = 100_000;

    private readonly WorkerPool _pool;
    private readonly GemmIsa _isa;
    private readonly int _tileRows;
    private readonly int _tileColumns;
    private readonly int _depthBlock;
    private readonly int _columnBlock;
    private readonly int _tasksPerThread;
    private readonly GemmSplit _split;
    private readonly BlockJob _job;

    // Pinned once: the shared B block, and per thread an A panel plus an edge tile, each 64-byte aligned, each
    // thread's slot on its own cache lines.
    private readonly float[] _memory;
    private readonly float* _bBlock;
    private readonly float* _threadSlots;
    private readonly nint _slotStride;

    // The problem being multiplied.
    private bool _transposeA;
    private bool _transposeB;
    private int _m;
    private int _n;
    private int _k;
    private float _alpha;
    private float* _a;
    private float* _b;
    private float* _c;

    // The current block and its split between threads.
    private int _columnStart;
    private int _columns;
    private int _depthStart;
    private int _depth;
    private float _blockBeta;
    private int _rowPanels;
    private int _columnPanels;
    private int _taskRows;
    private int _taskColumns;
    private int _packChunks;
    private bool _privateB;
    private int _packNext;
    private int _packDone;
    private int _taskNext;
    private bool _disposed;

    // Optional epilogue of MultiplyDense: bias and activation applied to each finished row panel of C.
    private bool _epilogue;
    private float* _bias;
    private float* _output;
    private Activation _activation;

    // Optional row epilogue of MultiplyRows: called once per MR-row panel when all n columns and the whole depth of
    // those rows are final. _panelsDone counts, per row panel of the last block, the tasks that finished it.
    private IRowPanelEpilogue? _rowEpilogue;
    private int[] _panelsDone = [];

    /// <summary>Creates a GEMM that runs on <paramref name="pool"/> with the fastest kernel of this machine.</summary>
    /// <param name="pool">The threads to use; its <see cref="WorkerPool.ThreadCount"/> sizes the per-thread buffers.</param>
    public ManagedGemm(WorkerPool pool)
        : this(pool, GemmMicroKernels.Best, DefaultDepthBlock, DefaultColumnBlock)
    {
    }

    /// <summary>Creates a GEMM with an explicit kernel and blocking (tests and tuning).</summary>
    /// <param name="pool">The threads to use.</param>
    /// <param name="isa">The micro-kernel; must be supported by this machine.</param>
    /// <param name="depthBlock">KC, a positive multiple of 8.</param>
    /// <param name="columnBlock">NC, a positive multiple of the kernel's NR.</param>
    /// <param name="tasksPerThread">Parallel tasks per thread in each block (at least 1).</param>
    /// <param name="split">How threads share a block.</param>
    internal ManagedGemm(WorkerPool pool, GemmIsa isa, int depthBlock, int columnBlock,
        int tasksPerThread = DefaultTasksPerThread, GemmSplit split = GemmSplit.Auto)
    {
        ArgumentNullException.ThrowIfNull(pool);
        if (!GemmMicroKernels.IsSupported(isa)) throw new PlatformNotSupportedException($"GEMM kernel {isa} is not supported here.");
        _tileRows = GemmMicroKernels.TileRows(isa);
        _tileColumns = GemmMicroKernels.TileColumns(isa);
        if (depthBlock <= 0 || depthBlock % 8 != 0) throw new ArgumentOutOfRangeException(nameof(depthBlock));
        if (columnBlock <= 0 || columnBlock % _tileColumns != 0) throw new ArgumentOutOfRangeException(nameof(columnBlock));
        ArgumentOutOfRangeException.ThrowIfLessThan(tasksPerThread, 1);

        _pool = pool;
        _isa = isa;
        _depthBlock = depthBlock;
        _columnBlock = columnBlock;
        _tasksPerThread = tasksPerThread;
        _split = split;
        _job = new BlockJob(this);

        const int align = 16; // floats per 64 bytes
        nint bFloats = RoundUp((nint)depthBlock * columnBlock, align);
        _slotStride = RoundUp((nint)_tileRows * depthBlock + (nint)_tileRows * _tileColumns, align);
        nint total = bFloats + _slotStride * pool.ThreadCount + align;
        _memory = GC.AllocateUninitializedArray<float>(checked((int)total), pinned: true);
        fixed (float* start = _memory)
        {
            float* aligned = (float*)(((nint)start + 63) & ~(nint)63);
            _bBlock = aligned;
            _threadSlots = aligned + bFloats;
        }
    }

    /// <summary>
    /// C = alpha·op(A)·op(B) + beta·C, row-major. With beta = 0, C is overwritten without being read; with k = 0 or
    /// alpha = 0, A and B are not read and C = beta·C.
    /// </summary>
    /// <param name="transposeA">A is stored (k, m) and op(A) = Aᵀ; otherwise A is stored (m, k).</param>
    /// <param name="transposeB">B is stored (n, k) and op(B) = Bᵀ; otherwise B is stored (k, n).</param>
    /// <param name="m">Rows of op(A) and C.</param>
    /// <param name="n">Columns of op(B) and C.</param>
    /// <param name="k">Columns of op(A), rows of op(B).</param>
    /// <param name="alpha">Scale of the product.</param>
    /// <param name="a">First element of A (m·k floats).</param>
    /// <param name="b">First element of B (k·n floats).</param>
    /// <param name="beta">Scale of the existing C.</param>
    /// <param name="c">First element of C, (m, n), densely stored.</param>
    public void Multiply(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        float* a, float* b, float beta, float* c)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0f)
        {
            ScaleC(new Span<float>(c, checked(m * n)), beta);
            return;
        }

        _transposeA = transposeA;
        _transposeB = transposeB;
        _m = m;
        _n = n;
        _k = k;
        _alpha = alpha;
        _a = a;
        _b = b;
        _c = c;
        int threads = (long)m * n * k < ParallelThreshold ? 1 : _pool.ThreadCount;

        // Equal-sized blocks: k = KC + 1 becomes two half blocks rather than a full one and a sliver.
        int depthStep = BalancedStep(k, _depthBlock, 8);
        int columnStep = BalancedStep(n, _columnBlock, _tileColumns);
        try
        {
            for (int jc = 0; jc < n; jc += columnStep)
            {
                for (int pc = 0; pc < k; pc += depthStep)
                {
                    int count = PrepareBlock(jc, Math.Min(columnStep, n - jc), pc, Math.Min(depthStep, k - pc),
                        pc == 0 ? beta : 1f, threads);
                    if (count == 1) ExecuteBlock(0);
                    else _pool.Run(_job, count);
                }
            }
        }
        finally
        {
            _a = _b = _c = null;
        }
    }

    /// <summary>
    /// A dense layer's forward pass: C = A·Bᵀ + bias (A (m, k), B (n, k), bias (n) or null), then output = f(C). The
    /// bias and activation are applied by the thread that computed each MR-row panel of C, right after its last depth
    /// block, while the panel is still in L1: no extra passes over C. output may be C itself.
    /// </summary>
    public void MultiplyDense(int m, int n, int k, float* a, float* b, float* bias, Activation activation, float* c, float* output)
    {
        _epilogue = true;
        _bias = bias;
        _output = output;
        _activation = activation;
        try
        {
            if (k > 0)
            {
                Multiply(false, true, m, n, k, 1f, a, b, 0f, c);
            }
            else if (m > 0 && n > 0)
            {
                // No depth block to hang the epilogue on: C = 0, then bias and activation over all of it.
                new Span<float>(c, checked(m * n)).Clear();
                _c = c;
                _n = n;
                ApplyEpilogue(0, m, 0, n);
            }
        }
        finally
        {
            _epilogue = false;
            _bias = _output = _c = null;
        }
    }

    /// <summary>
    /// C = A·Bᵀ + beta·C (A (m, k), B (n, k)), calling <paramref name="epilogue"/> once for every MR-row panel of C as
    /// soon as those rows are final (all n columns, the whole depth), on the thread that completed them, while they are
    /// still in its cache. When the blocking cuts n or k into several blocks, rows become final only in the last block
    /// (the earlier blocks have left cache by then, the results are the same). Threads split the rows (never the
    /// columns) under <see cref="GemmSplit.Auto"/>, so each runs the epilogue of its own panels; under a forced column
    /// split the last task to finish a panel runs it. The product itself is exactly <see cref="Multiply"/>'s.
    /// Allocates only when m grows past every earlier call.
    /// </summary>
    public void MultiplyRows(int m, int n, int k, float* a, float* b, float beta, float* c, IRowPanelEpilogue epilogue)
    {
        ArgumentNullException.ThrowIfNull(epilogue);
        if (m <= 0) return;
        if (n == 0 || k == 0)
        {
            Multiply(false, true, m, n, k, 1f, a, b, beta, c);
            epilogue.Apply(0, m);
            return;
        }
        int panels = (m + _tileRows - 1) / _tileRows;
        if (_panelsDone.Length < panels) _panelsDone = new int[panels];
        Array.Clear(_panelsDone, 0, panels);
        _rowEpilogue = epilogue;
        try
        {
            Multiply(false, true, m, n, k, 1f, a, b, beta, c);
        }
        finally
        {
            _rowEpilogue = null;
        }
    }

    /// <summary>Adds the bias to rows [row, row + rows) × columns [column, column + columns) of C and writes f of them to the output.</summary>
    private void ApplyEpilogue(int row, int rows, int column, int columns)
    {
        bool writeOutput = _activation.Kind != ActivationKind.Identity || _output != _c;
        var bias = _bias is null ? ReadOnlySpan<float>.Empty : new ReadOnlySpan<float>(_bias + column, columns);
        for (int r = row; r < row + rows; r++)
        {
            nint at = (nint)r * _n + column;
            var z = new Span<float>(_c + at, columns);
            if (_bias is not null) TensorPrimitives.Add(z, bias, z);
            if (writeOutput) ManagedActivations.Forward(_activation, z, new Span<float>(_output + at, columns));
        }
    }

    /// <summary>Marks the instance unusable; its pinned buffers are reclaimed by the GC with it.</summary>
    public void Dispose() => _disposed = true;

    private static void ScaleC(Span<float> c, float beta)
    {
        if (beta == 0f) c.Clear();
        else if (beta != 1f) TensorPrimitives.Multiply(c, beta, c);
    }

    /// <summary>The smallest step (a multiple of <paramref name="multiple"/>) that covers <paramref name="total"/> in
    /// as few blocks of at most <paramref name="maxStep"/> as possible.</summary>
    private static int BalancedStep(int total, int maxStep, int multiple)
    {
        int blocks = (total + maxStep - 1) / maxStep;
        int step = (total + blocks - 1) / blocks;
        return Math.Min(maxStep, (step + multiple - 1) / multiple * multiple);
    }

    private static nint RoundUp(nint value, nint multiple) => (value + multiple - 1) / multiple * multiple;

    /// <summary>Sets up one KC x NC block and returns how many parallel parts to run.</summary>
    private int PrepareBlock(int columnStart, int columns, int depthStart, int depth, float beta, int threads)
    {
        _columnStart = columnStart;
        _columns = columns;
        _depthStart = depthStart;
        _depth = depth;
        _blockBeta = beta;
        _rowPanels = (_m + _tileRows - 1) / _tileRows;
        _columnPanels = (columns + _tileColumns - 1) / _tileColumns;

        // Cut the block's tiles into tasksPerThread x threads rectangles of whole tile columns or whole tile rows
        // (see GemmSplit), claimed dynamically: a thread that starts late simply takes fewer.
        int tasks = threads == 1 ? 1 : (int)Math.Min((long)threads * _tasksPerThread, (long)_rowPanels * _columnPanels);
        // Measured on Zen 4 (2 threads): columns win by 10-50% while A is no larger than about twice the B
        // block (128 x 256 x 128, 128 x 784 x 256, their backward products); rows win by ~10% beyond (784 x 128 x 256).
        // A row epilogue wants whole rows per task: with a column split the last task to finish a panel would run
        // its epilogue, and that thread, now behind, would finish last again and end up running all of them.
        bool byColumns = _split == GemmSplit.Columns || (_split == GemmSplit.Auto && _m <= 2L * columns && _rowEpilogue is null);
        if (byColumns && _columnPanels >= tasks)
        {
            _taskRows = 1;
            _taskColumns = tasks;
        }
        else if (_rowPanels >= tasks)
        {
            _taskRows = tasks;
            _taskColumns = 1;
        }
        else
        {
            _taskRows = _rowPanels;
            _taskColumns = Math.Min(_columnPanels, (tasks + _rowPanels - 1) / _rowPanels);
        }
        // With whole columns of tiles per task, each task packs the B panels only it uses: no shared phase.
        _privateB = _taskRows == 1;
        _packChunks = _privateB ? 0 : Math.Min(_columnPanels, threads == 1 ? 1 : 4 * threads);
        _packNext = 0;
        _packDone = 0;
        _taskNext = 0;
        return threads;
    }

    /// <summary>One thread's share of the current block: pack B chunks, wait for the whole block, multiply tiles.</summary>
    private void ExecuteBlock(int slot)
    {
        float* aPanel = _threadSlots + slot * _slotStride;
        float* edgeTile = aPanel + _tileRows * _depthBlock;

        int chunk;
        while ((chunk = Interlocked.Increment(ref _packNext) - 1) < _packChunks)
        {
            GemmPacking.PackB(_transposeB, _b, _k, _n, _depthStart, _depth, _columnStart, _columns,
                chunk * _columnPanels / _packChunks, (chunk + 1) * _columnPanels / _packChunks, _tileColumns, _bBlock);
            Interlocked.Increment(ref _packDone);
        }
        // Every unfinished chunk is being packed by a running thread, so this wait is short and cannot deadlock.
        if (Volatile.Read(ref _packDone) < _packChunks)
        {
            var spinner = new SpinWait();
            while (Volatile.Read(ref _packDone) < _packChunks) spinner.SpinOnce(sleep1Threshold: -1);
        }

        int tasks = _taskRows * _taskColumns;
        int task;
        while ((task = Interlocked.Increment(ref _taskNext) - 1) < tasks)
        {
            MultiplyTiles(task, aPanel, edgeTile);
        }
    }

    private void MultiplyTiles(int task, float* aPanel, float* edgeTile)
    {
        int taskRow = task / _taskColumns;
        int taskColumn = task % _taskColumns;
        int firstRowPanel = (int)((long)_rowPanels * taskRow / _taskRows);
        int endRowPanel = (int)((long)_rowPanels * (taskRow + 1) / _taskRows);
        int firstColumnPanel = (int)((long)_columnPanels * taskColumn / _taskColumns);
        int endColumnPanel = (int)((long)_columnPanels * (taskColumn + 1) / _taskColumns);
        int mrMax = _tileRows, nrMax = _tileColumns, depth = _depth;
        float beta = _blockBeta;

        if (_privateB)
        {
            GemmPacking.PackB(_transposeB, _b, _k, _n, _depthStart, depth, _columnStart, _columns,
                firstColumnPanel, endColumnPanel, nrMax, _bBlock);
        }

        for (int rowPanel = firstRowPanel; rowPanel < endRowPanel; rowPanel++)
        {
            int i0 = rowPanel * mrMax;
            int mr = Math.Min(mrMax, _m - i0);
            GemmPacking.PackA(_transposeA, _a, _m, _k, i0, mr, _depthStart, depth, mrMax, _alpha, aPanel);
            float* cRow = _c + (nint)i0 * _n + _columnStart;
            for (int columnPanel = firstColumnPanel; columnPanel < endColumnPanel; columnPanel++)
            {
                int j0 = columnPanel * nrMax;
                int nr = Math.Min(nrMax, _columns - j0);
                float* bPanel = _bBlock + (nint)columnPanel * depth * nrMax;
                if (mr == mrMax && nr == nrMax)
                {
                    GemmMicroKernels.Run(_isa, depth, aPanel, bPanel, cRow + j0, _n, beta);
                }
                else
                {
                    // Partial tile: compute the full tile into scratch, then merge only the valid part.
                    GemmMicroKernels.Run(_isa, depth, aPanel, bPanel, edgeTile, nrMax, 0f);
                    GemmMicroKernels.MergeEdge(edgeTile, nrMax, cRow + j0, _n, mr, nr, beta);
                }
            }
            if (_rowEpilogue is not null && _depthStart + depth == _k && _columnStart + _columns == _n
                && (_taskColumns == 1 || Interlocked.Increment(ref _panelsDone[rowPanel]) == _taskColumns))
            {
                // The last task to finish this panel's columns in the last block: the rows are final.
                _rowEpilogue.Apply(i0, mr);
            }
            if (_epilogue && _depthStart + depth == _k)
            {
                int firstColumn = firstColumnPanel * nrMax;
                ApplyEpilogue(i0, mr, _columnStart + firstColumn, Math.Min(endColumnPanel * nrMax, _columns) - firstColumn);
            }
        }
    }

    /// <summary>Adapter so the worker pool can run blocks without a closure.</summary>
    private sealed class BlockJob(ManagedGemm owner) : ParallelJob
    {
        public override void Execute(int index, int count) => owner.ExecuteBlock(index);
    }
}

/// <summary>Work that <see cref="ManagedGemm.MultiplyRows"/> runs on each finished row panel of C.</summary>
internal interface IRowPanelEpilogue
{
    /// <summary>Rows [<paramref name="firstRow"/>, firstRow + rowCount) of C are final; may run on any pool thread,
    /// concurrently for different panels.</summary>
    void Apply(int firstRow, int rowCount);
}
