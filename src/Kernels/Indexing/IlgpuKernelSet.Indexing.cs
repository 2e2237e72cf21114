using ILGPU;
using ILGPU.Runtime;
using MLNet.DeepExtensions.Kernels.Indexing;

namespace MLNet.DeepExtensions.Kernels.Backends;

// ---- indexing launchers (kernels in Indexing/IlgpuIndexingKernels), loaded once by the constructor
internal sealed partial class IlgpuKernelSet
{
    /// <summary>
    /// About how many threads one scatter-add launches (row blocks × columns): enough to fill a GPU, while every thread
    /// still scans all count indices (a broadcast read), so more would only multiply that scan.
    /// </summary>
    internal const int ScatterAddTargetThreads = 16_384;

    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int> _gatherRowsByIndex = null!;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, int> _scatterAddRows = null!;

    /// <summary>Compiles and loads every indexing kernel for <paramref name="accelerator"/>.</summary>
    private void LoadIndexing(Accelerator accelerator)
    {
        _gatherRowsByIndex = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>(IlgpuIndexingKernels.GatherRowsByIndex);
        _scatterAddRows = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, int>(IlgpuIndexingKernels.ScatterAddRows);
    }

    // Launchers; arguments already validated. An empty operation launches nothing.

    public void LaunchGatherRowsByIndex(ArrayView<float> table, int tableRows, int columns, ArrayView<float> indices, int count, ArrayView<float> output)
    {
        if (count > 0 && columns > 0) _gatherRowsByIndex(count * columns, table, indices, output, tableRows, columns);
    }

    public void LaunchScatterAddRows(ArrayView<float> source, ArrayView<float> indices, int count, int columns, ArrayView<float> destination, int destinationRows)
    {
        if (count == 0 || columns == 0 || destinationRows == 0) return;
        // The result does not depend on the blocking: each element's terms arrive in ascending i in any case.
        int blocks = Math.Clamp(ScatterAddTargetThreads / columns, 1, destinationRows);
        int rowsPerBlock = (destinationRows + blocks - 1) / blocks;
        blocks = (destinationRows + rowsPerBlock - 1) / rowsPerBlock;
        _scatterAddRows(blocks * columns, source, indices, destination, count, columns, destinationRows, rowsPerBlock);
    }
}
