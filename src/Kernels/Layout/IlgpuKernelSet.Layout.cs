using ILGPU;
using ILGPU.Runtime;
using MLNet.DeepExtensions.Kernels.Layout;

namespace MLNet.DeepExtensions.Kernels.Backends;

// ---- layout launchers (kernels in Layout/IlgpuLayoutKernels), loaded once by the constructor
internal sealed partial class IlgpuKernelSet
{
    private Action<Index1D, ArrayView<float>, ArrayView<float>, int, int, int> _batchToTimeMajor = null!;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, int, int, int> _timeToBatchMajor = null!;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int> _concatColumns = null!;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int> _splitColumns = null!;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int> _reverseSequences = null!;

    /// <summary>Compiles and loads every layout kernel for <paramref name="accelerator"/>.</summary>
    private void LoadLayout(Accelerator accelerator)
    {
        _batchToTimeMajor = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int, int, int>(IlgpuLayoutKernels.BatchToTimeMajor);
        _timeToBatchMajor = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int, int, int>(IlgpuLayoutKernels.TimeToBatchMajor);
        _concatColumns = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>(IlgpuLayoutKernels.ConcatColumns);
        _splitColumns = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>(IlgpuLayoutKernels.SplitColumns);
        _reverseSequences = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int>(IlgpuLayoutKernels.ReverseSequences);
    }

    // Launchers; arguments already validated. An empty tensor launches nothing.

    public void LaunchBatchToTimeMajor(ArrayView<float> input, ArrayView<float> output, int batch, int steps, int features)
    {
        int length = batch * steps * features;
        if (length > 0) _batchToTimeMajor(length, input, output, batch, steps, features);
    }

    public void LaunchTimeToBatchMajor(ArrayView<float> input, ArrayView<float> output, int batch, int steps, int features)
    {
        int length = batch * steps * features;
        if (length > 0) _timeToBatchMajor(length, input, output, batch, steps, features);
    }

    public void LaunchConcatColumns(ArrayView<float> a, int aColumns, ArrayView<float> b, int bColumns, ArrayView<float> output, int rows)
    {
        int length = rows * (aColumns + bColumns);
        if (length > 0) _concatColumns(length, a, b, output, aColumns, bColumns);
    }

    public void LaunchSplitColumns(ArrayView<float> input, int rows, int aColumns, int bColumns, ArrayView<float> a, ArrayView<float> b)
    {
        int length = rows * (aColumns + bColumns);
        if (length > 0) _splitColumns(length, input, a, b, aColumns, bColumns);
    }

    public void LaunchReverseSequences(ArrayView<float> input, ArrayView<float> output, ArrayView<float> lengths, bool hasLengths,
        int batch, int steps, int features)
    {
        int length = batch * steps * features;
        if (length > 0) _reverseSequences(length, input, output, lengths, hasLengths ? 1 : 0, steps, features);
    }
}
