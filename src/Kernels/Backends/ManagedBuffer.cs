using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MLNet.DeepExtensions.Kernels.Backends;

/// <summary>
/// A <see cref="ManagedCpuBackend"/> buffer: a window [Offset, Offset + Length) of a pinned float array. Pinned
/// (allocated on the pinned object heap) so the GEMM can take raw pointers without a <c>fixed</c> per call.
/// </summary>
internal sealed unsafe class ManagedBuffer : DeviceBuffer
{
    private readonly ManagedCpuBackend _backend;
    private GCHandle _pin; // set only for a caller's array shared by UploadShared: freed on Dispose

    /// <summary>Creates a window of <paramref name="length"/> elements of <paramref name="data"/> from <paramref name="offset"/>.</summary>
    public ManagedBuffer(ManagedCpuBackend backend, float[] data, int offset, int length)
        : base(length)
    {
        _backend = backend;
        Data = data;
        Offset = offset;
    }

    /// <summary>Shares a caller's (unpinned) array, pinning it until the buffer is disposed.</summary>
    public static ManagedBuffer Pin(ManagedCpuBackend backend, float[] data) =>
        new(backend, data, 0, data.Length) { _pin = GCHandle.Alloc(data, GCHandleType.Pinned) };

    /// <summary>The owner's pinned storage, shared by every view.</summary>
    public float[] Data { get; }

    /// <summary>Index of this buffer's first element in <see cref="Data"/>.</summary>
    public int Offset { get; }

    /// <inheritdoc />
    public override ComputeBackend Backend => _backend;

    /// <summary>Address of the first element; valid for the array's lifetime because the array is pinned.</summary>
    public float* Pointer => (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(Data)) + Offset;

    /// <summary>The first <paramref name="length"/> elements.</summary>
    public Span<float> AsSpan(int length) => Data.AsSpan(Offset, length);

    /// <inheritdoc />
    protected override DeviceBuffer SliceCore(int start, int length) => new ManagedBuffer(_backend, Data, Offset + start, length);

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (_pin.IsAllocated) _pin.Free();
        base.Dispose(disposing);
    }
}
