using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using MLNet.DeepExtensions.Kernels.Conv;
using MLNet.DeepExtensions.Kernels.MatMul;
using MLNet.DeepExtensions.Kernels.Normalization;
using MLNet.DeepExtensions.Kernels.Optimizers;
using MLNet.DeepExtensions.Kernels.Pooling;

namespace MLNet.DeepExtensions.Kernels.Backends;

/// <summary>
/// The default backend without a GPU: float32 buffers in pinned host arrays, a blocked multi-threaded GEMM
/// (<see cref="ManagedGemm"/> on a persistent <see cref="WorkerPool"/>), and SIMD code (TensorPrimitives,
/// Vector512) for every other operation. Nothing allocates per call: the few scratch arrays that normalization
/// needs are allocated once and grown.
/// </summary>
/// <remarks>Not thread-safe: one training loop drives one backend.</remarks>
public sealed unsafe partial class ManagedCpuBackend : ComputeBackend
{
    private readonly WorkerPool _pool;
    private readonly ManagedGemm _gemm;
    private readonly OptimizerStepJob _optimizerJob = new();
    private readonly ManagedConvolution _convolution;
    private readonly ManagedPooling _pooling;
    private readonly ManagedBatchNorm2D _batchNorm2D;
    private float[] _scratch = [];
    private double[] _doubleScratch = [];

    /// <summary>Creates the backend with <paramref name="numberOfThreads"/> GEMM threads (0: one per logical processor).</summary>
    public ManagedCpuBackend(int numberOfThreads = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(numberOfThreads);
        _pool = new WorkerPool(numberOfThreads);
        _gemm = new ManagedGemm(_pool);
        _convolution = new ManagedConvolution(_pool);
        _pooling = new ManagedPooling(_pool);
        _batchNorm2D = new ManagedBatchNorm2D(_pool);
        string simd = Vector512.IsHardwareAccelerated ? "AVX-512" : Avx2.IsSupported ? "AVX2" : "SIMD " + System.Numerics.Vector<float>.Count * 32 + "-bit";
        Description = $"Managed CPU ({simd}, {_pool.ThreadCount} thread{(_pool.ThreadCount == 1 ? "" : "s")})";
    }

    /// <inheritdoc />
    public override BackendKind Kind => BackendKind.ManagedCpu;

    /// <inheritdoc />
    public override string Description { get; }

    /// <summary>Number of threads the GEMM runs on, the caller's included.</summary>
    public int NumberOfThreads => _pool.ThreadCount;

    // ---------------------------------------------------------------- memory

    /// <inheritdoc />
    protected override DeviceBuffer AllocateCore(int length) =>
        new ManagedBuffer(this, GC.AllocateArray<float>(length, pinned: true), 0, length);

    /// <inheritdoc />
    /// <remarks>Shares the array, pinned for the buffer's lifetime: the GEMM may take its address.</remarks>
    protected override DeviceBuffer UploadSharedCore(float[] source) => ManagedBuffer.Pin(this, source);

    /// <inheritdoc />
    protected override void UploadCore(ReadOnlySpan<float> source, DeviceBuffer destination) => source.CopyTo(F(destination, source.Length));

    /// <inheritdoc />
    protected override void DownloadCore(DeviceBuffer source, Span<float> destination) => F(source, destination.Length).CopyTo(destination);

    /// <inheritdoc />
    protected override void CopyCore(DeviceBuffer source, DeviceBuffer destination, int length) => F(source, length).CopyTo(F(destination, length));

    /// <inheritdoc />
    protected override void FillCore(DeviceBuffer destination, float value, int length) => F(destination, length).Fill(value);

    // ---------------------------------------------------------------- lifetime and helpers

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _gemm.Dispose();
            _pool.Dispose();
        }
        base.Dispose(disposing);
    }

    private static Span<float> F(DeviceBuffer buffer, int length) => ((ManagedBuffer)buffer).AsSpan(length);

    private static ManagedBuffer M(DeviceBuffer buffer) => (ManagedBuffer)buffer;

    private static float* P(DeviceBuffer buffer) => ((ManagedBuffer)buffer).Pointer;

    private static Span<float> Optional(DeviceBuffer? buffer, int length) => buffer is null ? Span<float>.Empty : F(buffer, length);

    // Grown to the largest request and kept: normalization runs every step with the same feature count.
    private Span<float> Scratch(int length)
    {
        if (_scratch.Length < length) _scratch = new float[length];
        return _scratch.AsSpan(0, length);
    }

    private Span<double> DoubleScratch(int length)
    {
        if (_doubleScratch.Length < length) _doubleScratch = new double[length];
        return _doubleScratch.AsSpan(0, length);
    }
}
