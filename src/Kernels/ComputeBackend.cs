namespace MLNet.DeepExtensions.Kernels;

/// <summary>
/// The coarse operations a network needs, over float32 <see cref="DeviceBuffer"/>s. Every matrix is dense and
/// row-major. The public methods check their arguments (one message format for every backend) and then call
/// the protected <c>…Core</c> method that a backend implements; a Core method may assume valid arguments.
/// </summary>
/// <remarks>
/// Conventions shared by all operations:
/// <list type="bullet">
/// <item>Counts (<c>rows</c>, <c>columns</c>, <c>length</c>) are explicit, because buffers are allocated once for the
/// largest batch and reused for smaller ones; an operation touches only the first elements it needs.</item>
/// <item>Weight-gradient outputs (<c>dGamma</c>, <c>dBeta</c>, <see cref="SumColumns"/> with beta 1) accumulate;
/// input-gradient outputs (<c>dInput</c>, <c>dLogits</c>) are overwritten.</item>
/// <item>Loss operations write one loss per row to <c>rowLoss</c> and, when a gradient buffer is given,
/// <c>gradientScale · ∂rowLoss[r]/∂prediction[r, c]</c>; a caller wanting the batch mean passes 1/rows.</item>
/// <item>Class indices and argmax results are stored as floats (exact below 2^24), so targets of every task
/// are gathered the same way as features.</item>
/// </list>
/// Operations may run asynchronously on a device; <see cref="Download"/> and the reductions synchronize.
/// <para>This file holds memory, synchronization, lifetime and the argument checks every operation shares. Each op
/// family (MatMul, Elementwise and Activations, Reductions, Losses, Augmentation, Pooling, Normalization, Conv,
/// Optimizers) is a partial file in its own folder, <c>&lt;Family&gt;/ComputeBackend.&lt;Family&gt;.cs</c>: its public
/// methods, their checks and its <c>…Core</c> declarations; the three backends' implementations of that family lie
/// beside it (<c>ReferenceBackend.&lt;Family&gt;.cs</c>, <c>ManagedCpuBackend.&lt;Family&gt;.cs</c>,
/// <c>IlgpuBackend.&lt;Family&gt;.cs</c>).</para>
/// </remarks>
public abstract partial class ComputeBackend : IDisposable
{
    /// <summary>Which implementation this is.</summary>
    public abstract BackendKind Kind { get; }

    /// <summary>Human-readable description: implementation, device name, threads.</summary>
    public abstract string Description { get; }

    // ---------------------------------------------------------------- memory

    /// <summary>Allocates a zero-filled buffer of <paramref name="length"/> elements.</summary>
    public DeviceBuffer Allocate(int length)
    {
        if (length < 0) throw Argument(nameof(length), "a non-negative element count", length);
        return AllocateCore(length);
    }

    /// <summary>Copies host values into the start of <paramref name="destination"/>.</summary>
    public void Upload(ReadOnlySpan<float> source, DeviceBuffer destination)
    {
        CheckOwn(destination, nameof(destination));
        CheckLength(destination, source.Length, nameof(destination));
        UploadCore(source, destination);
    }

    /// <summary>
    /// A buffer with <paramref name="source"/>'s values for operations that only read it (a whole training set that
    /// minibatches are gathered from). A backend whose memory is host memory may share the array instead of copying
    /// it (<see cref="Backends.ManagedCpuBackend"/> does: no second copy of the data set, no page churn), so the array must not
    /// change while the buffer is alive. Dispose the buffer when done.
    /// </summary>
    public DeviceBuffer UploadShared(float[] source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return UploadSharedCore(source);
    }

    /// <summary>Copies the first <c>destination.Length</c> elements of <paramref name="source"/> to the host.</summary>
    public void Download(DeviceBuffer source, Span<float> destination)
    {
        CheckOwn(source, nameof(source));
        CheckLength(source, destination.Length, nameof(source));
        DownloadCore(source, destination);
    }

    /// <summary>Copies the first <paramref name="length"/> elements of <paramref name="source"/> into <paramref name="destination"/>.</summary>
    public void Copy(DeviceBuffer source, DeviceBuffer destination, int length)
    {
        CheckOwn(source, nameof(source));
        CheckOwn(destination, nameof(destination));
        CheckCount(length, nameof(length));
        CheckLength(source, length, nameof(source));
        CheckLength(destination, length, nameof(destination));
        CopyCore(source, destination, length);
    }

    /// <summary>Sets the first <paramref name="length"/> elements to <paramref name="value"/>.</summary>
    public void Fill(DeviceBuffer destination, float value, int length)
    {
        CheckOwn(destination, nameof(destination));
        CheckCount(length, nameof(length));
        CheckLength(destination, length, nameof(destination));
        FillCore(destination, value, length);
    }

    /// <summary>Waits until every queued operation has finished.</summary>
    public virtual void Synchronize()
    {
    }

    // ---------------------------------------------------------------- Core methods a backend implements (memory; each op
    // family declares its own next to its public methods, in <Family>/ComputeBackend.<Family>.cs)

    /// <summary>Allocates a zero-filled buffer.</summary>
    protected abstract DeviceBuffer AllocateCore(int length);
    /// <summary>See <see cref="Upload"/>.</summary>
    protected abstract void UploadCore(ReadOnlySpan<float> source, DeviceBuffer destination);
    /// <summary>See <see cref="UploadShared"/>; by default a new buffer and an upload.</summary>
    protected virtual DeviceBuffer UploadSharedCore(float[] source)
    {
        var buffer = AllocateCore(source.Length);
        UploadCore(source, buffer);
        return buffer;
    }
    /// <summary>See <see cref="Download"/>.</summary>
    protected abstract void DownloadCore(DeviceBuffer source, Span<float> destination);
    /// <summary>See <see cref="Copy"/>.</summary>
    protected abstract void CopyCore(DeviceBuffer source, DeviceBuffer destination, int length);
    /// <summary>See <see cref="Fill"/>.</summary>
    protected abstract void FillCore(DeviceBuffer destination, float value, int length);

    // ---------------------------------------------------------------- lifetime

    /// <summary>Frees the backend's device resources.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases device resources.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }

    // ---------------------------------------------------------------- argument checks, one message format

    private void CheckOwn(DeviceBuffer buffer, string name)
    {
        ArgumentNullException.ThrowIfNull(buffer, name);
        if (!ReferenceEquals(buffer.Backend, this))
        {
            throw new ArgumentException(
                $"Buffer '{name}' belongs to backend '{buffer.Backend.Description}', not to '{Description}'.", name);
        }
    }

    private static void CheckCount(int value, string name)
    {
        if (value < 0) throw Argument(name, "a non-negative count", value);
    }

    private static void CheckPositive(int value, string name)
    {
        if (value <= 0) throw Argument(name, "a positive count", value);
    }

    private void CheckLength(DeviceBuffer buffer, long needed, string name)
    {
        if (buffer.Length < needed)
        {
            throw new ArgumentOutOfRangeException(name, $"Buffer '{name}' needs at least {needed} elements; got {buffer.Length}.");
        }
    }

    private void CheckVector(DeviceBuffer buffer, int length, string name)
    {
        CheckOwn(buffer, name);
        if (length < 0) throw Argument(name, "a non-negative length", length);
        CheckLength(buffer, length, name);
    }

    private void CheckMatrix(DeviceBuffer buffer, int rows, int columns, string name)
    {
        CheckOwn(buffer, name);
        if (rows < 0) throw Argument(name, "a non-negative row count", rows);
        if (columns < 0) throw Argument(name, "a non-negative column count", columns);
        long needed = (long)rows * columns;
        if (buffer.Length < needed)
        {
            throw new ArgumentOutOfRangeException(name,
                $"Buffer '{name}' must hold a ({rows} x {columns}) matrix = {needed} elements; got {buffer.Length}.");
        }
    }

    // A gather that reads other positions of its own output would read values it has already overwritten.
    private static void CheckDistinct(DeviceBuffer source, DeviceBuffer destination, string sourceName, string destinationName)
    {
        if (ReferenceEquals(source, destination))
        {
            throw new ArgumentException($"'{destinationName}' must be a different buffer from '{sourceName}' (the operation cannot run in place).", destinationName);
        }
    }

    private static ArgumentOutOfRangeException Argument(string name, string expected, object found) =>
        new(name, found, $"'{name}' must be {expected}; got {found}.");
}
