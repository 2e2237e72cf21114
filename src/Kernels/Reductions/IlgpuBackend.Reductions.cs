using ILGPU.Runtime;
using MLNet.DeepExtensions.Kernels.Reductions;

namespace MLNet.DeepExtensions.Kernels.Backends;

// The reductions operations of the ILGPU backend (kernels loaded once by IlgpuKernelSet); ComputeBackend.Reductions.cs documents them.
public sealed partial class IlgpuBackend
{
    /// <inheritdoc />
    protected override void SumColumnsCore(DeviceBuffer x, int rows, int columns, DeviceBuffer result, float beta) =>
        _kernels.Reductions.LaunchSumColumns(V(x), rows, columns, V(result), beta);

    private float Reduce(DeviceBuffer x, int length, int mode)
    {
        _kernels.Reductions.LaunchReduce(V(x), length, mode, _partials.View.AsContiguous(), _scalar.View.AsContiguous());
        Span<float> result = stackalloc float[1];
        _scalar.View.AsContiguous().CopyToCPU(result);
        _accelerator.Synchronize();
        return result[0];
    }

    /// <inheritdoc />
    protected override float SumCore(DeviceBuffer x, int length) =>
        length == 0 ? 0f : Reduce(x, length, Reductions.IlgpuReductionKernels.SumMode);

    /// <inheritdoc />
    protected override float MaxCore(DeviceBuffer x, int length) => Reduce(x, length, Reductions.IlgpuReductionKernels.MaxMode);

    /// <inheritdoc />
    protected override float SquaredNormCore(DeviceBuffer x, int length) =>
        length == 0 ? 0f : Reduce(x, length, Reductions.IlgpuReductionKernels.SquaredSumMode);

    /// <inheritdoc />
    protected override void ArgMaxRowsCore(DeviceBuffer x, int rows, int columns, DeviceBuffer result) =>
        _kernels.Reductions.LaunchArgMaxRows(V(x), rows, columns, V(result));
}
