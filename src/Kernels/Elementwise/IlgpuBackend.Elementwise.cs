using ILGPU.Runtime;
using MLNet.DeepExtensions.Kernels.Elementwise;

namespace MLNet.DeepExtensions.Kernels.Backends;

// The elementwise operations of the ILGPU backend (kernels loaded once by IlgpuKernelSet); ComputeBackend.Elementwise.cs documents them.
public sealed partial class IlgpuBackend
{
    /// <inheritdoc />
    protected override void AddRowVectorCore(DeviceBuffer x, DeviceBuffer bias, int rows, int columns) =>
        _kernels.Elementwise.LaunchAddRowVector(V(x), V(bias), rows, columns);

    /// <inheritdoc />
    protected override void GatherRowsCore(DeviceBuffer source, int columns, ReadOnlySpan<int> rowIndices, DeviceBuffer destination)
    {
        int rows = rowIndices.Length;
        if (rows == 0 || columns == 0) return;
        if (_rowIndices.Length < rows)
        {
            // Grow geometrically, so steady-state training never allocates here. A queued kernel may still read the old
            // buffer on a GPU: wait before freeing it.
            _accelerator.Synchronize();
            long capacity = Math.Max(rows, 2 * _rowIndices.Length);
            _rowIndices.Dispose();
            _rowIndices = _accelerator.Allocate1D<int>(capacity);
        }
        var indices = _rowIndices.View.AsContiguous().SubView(0, rows);
        indices.CopyFromCPU(rowIndices);
        _kernels.Elementwise.LaunchGatherRows(V(source), columns, indices, rows, V(destination));
    }

    /// <inheritdoc />
    protected override void ScaleCore(DeviceBuffer x, float alpha, int length) => _kernels.Elementwise.LaunchScale(V(x), alpha, length);

    /// <inheritdoc />
    protected override void AxpyCore(float alpha, DeviceBuffer x, DeviceBuffer y, int length) =>
        _kernels.Elementwise.LaunchAxpy(alpha, V(x), V(y), length);

    /// <inheritdoc />
    protected override void MultiplyCore(DeviceBuffer a, DeviceBuffer b, DeviceBuffer result, int length) =>
        _kernels.Elementwise.LaunchMultiply(V(a), V(b), V(result), length);

    /// <inheritdoc />
    protected override void ClampCore(DeviceBuffer x, float min, float max, int length) =>
        _kernels.Elementwise.LaunchClamp(V(x), min, max, length);

    /// <inheritdoc />
    protected override void DropoutForwardCore(DeviceBuffer input, DeviceBuffer output, DeviceBuffer mask, int length, float rate, ulong seed) =>
        _kernels.Elementwise.LaunchDropout(V(input), V(output), V(mask), length, rate, seed);
}
