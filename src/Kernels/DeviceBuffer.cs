namespace MLNet.DeepExtensions.Kernels;

/// <summary>
/// A contiguous run of float32 elements in a backend's memory (host arrays for the managed backends,
/// device memory for ILGPU). A buffer is either an owner, returned by <see cref="ComputeBackend.Allocate"/>,
/// or a view made by <see cref="Slice"/> that shares its owner's memory.
/// </summary>
/// <remarks>
/// Network parameters live in one flat owner buffer and every layer sees its weights as slices of it, so an
/// optimizer step is one elementwise pass over all parameters (the llm.c layout).
/// Disposing a view does nothing; disposing the owner frees the memory of every view.
/// </remarks>
public abstract class DeviceBuffer : IDisposable
{
    /// <summary>Creates a buffer record of <paramref name="length"/> elements.</summary>
    protected DeviceBuffer(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        Length = length;
    }

    /// <summary>Number of float32 elements.</summary>
    public int Length { get; }

    /// <summary>The backend that owns the memory; a buffer is only valid with that backend.</summary>
    public abstract ComputeBackend Backend { get; }

    /// <summary>A view of elements [<paramref name="start"/>, <paramref name="start"/> + <paramref name="length"/>).</summary>
    public DeviceBuffer Slice(int start, int length)
    {
        if (start < 0 || length < 0 || (long)start + length > Length)
        {
            throw new ArgumentOutOfRangeException(nameof(start),
                $"Slice [{start}, {(long)start + length}) is outside the buffer of length {Length}.");
        }
        return SliceCore(start, length);
    }

    /// <summary>Backend-specific view creation; arguments are already checked.</summary>
    protected abstract DeviceBuffer SliceCore(int start, int length);

    /// <summary>Frees the memory if this buffer is an owner; a view does nothing.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the memory of an owner buffer.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }
}
