namespace MLNet.DeepExtensions.Kernels.Backends;

/// <summary>
/// A <see cref="ReferenceBackend"/> buffer: a window [Offset, Offset + Length) of a double array, so that the
/// oracle keeps double precision between operations (the gradient checks run whole layers on it).
/// </summary>
internal sealed class ReferenceBuffer : DeviceBuffer
{
    private readonly ReferenceBackend _backend;

    /// <summary>Creates a window of <paramref name="length"/> elements of <paramref name="data"/> from <paramref name="offset"/>.</summary>
    public ReferenceBuffer(ReferenceBackend backend, double[] data, int offset, int length)
        : base(length)
    {
        _backend = backend;
        Data = data;
        Offset = offset;
    }

    /// <summary>The owner's storage, shared by every view.</summary>
    public double[] Data { get; }

    /// <summary>Index of this buffer's first element in <see cref="Data"/>.</summary>
    public int Offset { get; }

    /// <inheritdoc />
    public override ComputeBackend Backend => _backend;

    /// <summary>The first <paramref name="length"/> elements.</summary>
    public Span<double> AsSpan(int length) => Data.AsSpan(Offset, length);

    /// <inheritdoc />
    protected override DeviceBuffer SliceCore(int start, int length) => new ReferenceBuffer(_backend, Data, Offset + start, length);
}
