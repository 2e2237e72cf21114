using ILGPU;
using ILGPU.Runtime;

namespace MLNet.DeepExtensions.Kernels.Reductions;

/// <summary>
/// ILGPU reductions, all deterministic (no atomics, fixed summation order), so a seeded training run on one backend is
/// bit-identical from run to run:
/// <list type="bullet">
/// <item>Sum, SquaredNorm and Max: a fixed grid of <see cref="PartialCount"/> threads, thread p folding elements
/// p, p + P, p + 2P, … in order (coalesced on a GPU), then one thread folding the P partials in order.</item>
/// <item>SumColumns: one thread per column, rows in order. ArgMaxRows: one thread per row, columns in order.</item>
/// </list>
/// </summary>
internal sealed class IlgpuReductionKernels
{
    /// <summary>Number of partial results of the vector reductions (fixed, so the summation order never changes).</summary>
    public const int PartialCount = 256;

    /// <summary>Sum of the elements.</summary>
    public const int SumMode = 0;
    /// <summary>Sum of the squared elements.</summary>
    public const int SquaredSumMode = 1;
    /// <summary>Maximum of the elements.</summary>
    public const int MaxMode = 2;

    private readonly Action<Index1D, ArrayView<float>, int, int, ArrayView<float>> _partials;
    private readonly Action<Index1D, ArrayView<float>, int, ArrayView<float>> _final;
    private readonly Action<Index1D, ArrayView<float>, int, int, ArrayView<float>, float> _sumColumns;
    private readonly Action<Index1D, ArrayView<float>, int, ArrayView<float>> _argMaxRows;

    /// <summary>Compiles and loads every reduction kernel for <paramref name="accelerator"/>.</summary>
    public IlgpuReductionKernels(Accelerator accelerator)
    {
        _partials = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, int, int, ArrayView<float>>(PartialReduce);
        _final = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, int, ArrayView<float>>(FinalReduce);
        _sumColumns = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, int, int, ArrayView<float>, float>(SumColumns);
        _argMaxRows = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, int, ArrayView<float>>(ArgMaxRows);
    }

    /// <summary>
    /// Reduces the first <paramref name="length"/> elements of x into result[0], using
    /// <paramref name="partials"/> (at least <see cref="PartialCount"/> elements) as scratch.
    /// </summary>
    public void LaunchReduce(ArrayView<float> x, int length, int mode, ArrayView<float> partials, ArrayView<float> result)
    {
        _partials(PartialCount, x, length, mode, partials);
        _final(1, partials, mode, result);
    }

    public void LaunchSumColumns(ArrayView<float> x, int rows, int columns, ArrayView<float> result, float beta)
    {
        if (columns > 0) _sumColumns(columns, x, rows, columns, result, beta);
    }

    public void LaunchArgMaxRows(ArrayView<float> x, int rows, int columns, ArrayView<float> result)
    {
        if (rows > 0) _argMaxRows(rows, x, columns, result);
    }

    /// <summary>partials[p] = fold of x[p], x[p + P], x[p + 2P], … (P = <see cref="PartialCount"/>), in that order.</summary>
    /// <param name="p">Partial index in [0, P).</param>
    /// <param name="x">Vector (length).</param>
    /// <param name="length">Number of elements reduced.</param>
    /// <param name="mode"><see cref="SumMode"/>, <see cref="SquaredSumMode"/> or <see cref="MaxMode"/>.</param>
    /// <param name="partials">Vector (P).</param>
    internal static void PartialReduce(Index1D p, ArrayView<float> x, int length, int mode, ArrayView<float> partials)
    {
        float acc = mode == MaxMode ? float.NegativeInfinity : 0f;
        for (int i = p; i < length; i += PartialCount)
        {
            float v = x[i];
            if (mode == SumMode) acc += v;
            else if (mode == SquaredSumMode) acc += v * v;
            else acc = MathF.Max(acc, v);
        }
        partials[p] = acc;
    }

    /// <summary>result[0] = fold of partials[0..P) in index order.</summary>
    /// <param name="index">The single thread (0).</param>
    /// <param name="partials">Vector (P) from <see cref="PartialReduce"/>.</param>
    /// <param name="mode">The same mode as the partial pass.</param>
    /// <param name="result">Vector (1).</param>
    internal static void FinalReduce(Index1D index, ArrayView<float> partials, int mode, ArrayView<float> result)
    {
        float acc = partials[0];
        for (int p = 1; p < PartialCount; p++) acc = mode == MaxMode ? MathF.Max(acc, partials[p]) : acc + partials[p];
        result[index] = acc;
    }

    /// <summary>result[c] = beta·result[c] + Σ_r x[r, c], rows in order; beta = 0 overwrites without reading result.</summary>
    /// <param name="column">Column index in [0, columns).</param>
    /// <param name="x">Matrix (rows, columns).</param>
    /// <param name="rows">Number of rows summed.</param>
    /// <param name="columns">Row length.</param>
    /// <param name="result">Vector (columns).</param>
    /// <param name="beta">Scale of the previous result (1 accumulates).</param>
    internal static void SumColumns(Index1D column, ArrayView<float> x, int rows, int columns, ArrayView<float> result, float beta)
    {
        float sum = 0f;
        for (int r = 0; r < rows; r++) sum += x[(long)r * columns + column];
        result[column] = beta == 0f ? sum : beta * result[column] + sum;
    }

    /// <summary>result[r] = index of the largest x[r, c], the first one on ties, as a float.</summary>
    /// <param name="row">Row index in [0, rows).</param>
    /// <param name="x">Matrix (rows, columns).</param>
    /// <param name="columns">Row length (positive).</param>
    /// <param name="result">Vector (rows).</param>
    internal static void ArgMaxRows(Index1D row, ArrayView<float> x, int columns, ArrayView<float> result)
    {
        long start = (long)row.X * columns;
        float best = x[start];
        int bestIndex = 0;
        for (int c = 1; c < columns; c++)
        {
            float v = x[start + c];
            if (v > best)
            {
                best = v;
                bestIndex = c;
            }
        }
        result[row] = bestIndex;
    }
}
