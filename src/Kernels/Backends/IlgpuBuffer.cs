using ILGPU;
using ILGPU.Runtime;

namespace MLNet.DeepExtensions.Kernels.Backends;

/// <summary>
/// A <see cref="DeviceBuffer"/> in the memory of an ILGPU accelerator: an owner wraps a
/// <see cref="MemoryBuffer1D{T, TStride}"/>; a slice is an <see cref="ArrayView1D{T, TStride}"/> sub-view of its
/// owner's memory and frees nothing.
/// </summary>
public sealed class IlgpuBuffer : DeviceBuffer
{
    private readonly IlgpuBackend _backend;
    private MemoryBuffer1D<float, Stride1D.Dense>? _memory;

    internal IlgpuBuffer(IlgpuBackend backend, MemoryBuffer1D<float, Stride1D.Dense> memory, int length)
        : base(length)
    {
        _backend = backend;
        _memory = memory;
        View = memory.View.SubView(0, length);
    }

    private IlgpuBuffer(IlgpuBackend backend, ArrayView1D<float, Stride1D.Dense> view)
        : base((int)view.Length)
    {
        _backend = backend;
        View = view;
    }

    /// <inheritdoc />
    public override ComputeBackend Backend => _backend;

    /// <summary>The elements of this buffer on the device.</summary>
    internal ArrayView1D<float, Stride1D.Dense> View { get; }

    /// <summary>The elements as the contiguous view the kernels take.</summary>
    internal ArrayView<float> Data => View.AsContiguous();

    /// <inheritdoc />
    protected override DeviceBuffer SliceCore(int start, int length) => new IlgpuBuffer(_backend, View.SubView(start, length));

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _memory?.Dispose();
            _memory = null;
        }
    }
}
