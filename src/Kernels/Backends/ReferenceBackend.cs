namespace MLNet.DeepExtensions.Kernels.Backends;

/// <summary>
/// The test oracle: every operation as plain loops in double precision, written for obviousness, not speed.
/// Buffers store doubles, so a chain of operations (a whole layer, in the finite-difference gradient checks) stays
/// in double end to end; <see cref="ComputeBackend.Upload"/> widens floats and <see cref="ComputeBackend.Download"/>
/// rounds back, while <see cref="UploadDouble"/> and <see cref="DownloadDouble"/> move doubles unchanged.
/// </summary>
public sealed partial class ReferenceBackend : ComputeBackend
{
    /// <summary>Creates the reference backend (it holds no resources).</summary>
    public ReferenceBackend()
    {
    }

    /// <inheritdoc />
    public override BackendKind Kind => BackendKind.Reference;

    /// <inheritdoc />
    public override string Description => "Reference (double precision, naive loops, 1 thread)";

    /// <summary>Copies double values into the start of <paramref name="destination"/> without rounding to float.</summary>
    public void UploadDouble(ReadOnlySpan<double> source, DeviceBuffer destination)
    {
        source.CopyTo(Own(destination, source.Length, nameof(destination)));
    }

    /// <summary>Copies the first <c>destination.Length</c> elements of <paramref name="source"/> to the host as doubles.</summary>
    public void DownloadDouble(DeviceBuffer source, Span<double> destination)
    {
        Own(source, destination.Length, nameof(source)).CopyTo(destination);
    }

    // ---------------------------------------------------------------- memory

    /// <inheritdoc />
    protected override DeviceBuffer AllocateCore(int length) => new ReferenceBuffer(this, new double[length], 0, length);

    /// <inheritdoc />
    protected override void UploadCore(ReadOnlySpan<float> source, DeviceBuffer destination)
    {
        Span<double> d = D(destination, source.Length);
        for (int i = 0; i < source.Length; i++) d[i] = source[i];
    }

    /// <inheritdoc />
    protected override void DownloadCore(DeviceBuffer source, Span<float> destination)
    {
        Span<double> s = D(source, destination.Length);
        for (int i = 0; i < destination.Length; i++) destination[i] = (float)s[i];
    }

    /// <inheritdoc />
    protected override void CopyCore(DeviceBuffer source, DeviceBuffer destination, int length) =>
        D(source, length).CopyTo(D(destination, length));

    /// <inheritdoc />
    protected override void FillCore(DeviceBuffer destination, float value, int length) => D(destination, length).Fill(value);

    // ---------------------------------------------------------------- helpers

    private static Span<double> D(DeviceBuffer buffer, int length) => ((ReferenceBuffer)buffer).AsSpan(length);

    private static Span<double> Optional(DeviceBuffer? buffer, int length) => buffer is null ? Span<double>.Empty : D(buffer, length);

    // The base class's checks are private; these repeat its message format for the two double transfers.
    private Span<double> Own(DeviceBuffer buffer, int length, string name)
    {
        ArgumentNullException.ThrowIfNull(buffer, name);
        if (!ReferenceEquals(buffer.Backend, this))
        {
            throw new ArgumentException(
                $"Buffer '{name}' belongs to backend '{buffer.Backend.Description}', not to '{Description}'.", name);
        }
        if (buffer.Length < length)
        {
            throw new ArgumentOutOfRangeException(name, $"Buffer '{name}' needs at least {length} elements; got {buffer.Length}.");
        }
        return D(buffer, length);
    }
}
