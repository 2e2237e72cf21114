using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;

// ILGPU's CPU accelerator emits its kernel launchers into a dynamic assembly named ILGPURuntime; the kernels' argument
// structs are internal, so that assembly needs to see them.
[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("ILGPURuntime")]

namespace MLNet.DeepExtensions.Kernels.Backends;

/// <summary>
/// <see cref="ComputeBackend"/> on an ILGPU accelerator: CUDA or OpenCL GPUs for training, and ILGPU's CPU accelerator
/// (an emulator, for tests). Every kernel is loaded once, when the backend is created; operations are queued on the
/// accelerator's default stream, and <see cref="ComputeBackend.Download"/> and the reductions synchronize.
/// </summary>
/// <remarks>
/// All results are deterministic: every output element has exactly one writing thread, no kernel uses atomics, and
/// reductions sum in a fixed order, so a seeded training run on the same device is bit-identical from run to run.
/// GEMM is a shared-memory tiled kernel on every accelerator (cuBLAS is not used).
/// </remarks>
public sealed partial class IlgpuBackend : ComputeBackend
{
    private readonly Context _context;
    private readonly Accelerator _accelerator;
    private readonly IlgpuKernelSet _kernels;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _dummy;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _partials;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _scalar;
    private MemoryBuffer1D<int, Stride1D.Dense> _rowIndices;
    private bool _disposed;

    private IlgpuBackend(Context context, Accelerator accelerator)
    {
        _context = context;
        _accelerator = accelerator;
        Kind = accelerator.AcceleratorType switch
        {
            AcceleratorType.Cuda => BackendKind.Cuda,
            AcceleratorType.OpenCL => BackendKind.OpenCL,
            _ => BackendKind.IlgpuCpu,
        };
        _kernels = new IlgpuKernelSet(accelerator);
        _dummy = accelerator.Allocate1D<float>(1);
        _partials = accelerator.Allocate1D<float>(Reductions.IlgpuReductionKernels.PartialCount);
        _scalar = accelerator.Allocate1D<float>(1);
        _rowIndices = accelerator.Allocate1D<int>(256);
        string tile = $"{accelerator.MaxNumThreadsPerGroup} threads per group, GEMM tile {_kernels.Gemm.Tile}x{_kernels.Gemm.Tile}";
        Description = accelerator.AcceleratorType switch
        {
            AcceleratorType.Cuda => $"ILGPU CUDA '{accelerator.Name}' ({accelerator.MemorySize / (1024 * 1024)} MiB, {tile})",
            AcceleratorType.OpenCL => $"ILGPU OpenCL '{accelerator.Name}' ({accelerator.MemorySize / (1024 * 1024)} MiB, {tile})",
            // The CPU accelerator reports no meaningful memory size.
            _ => $"ILGPU CPU accelerator (emulator, for tests; {accelerator.NumMultiprocessors} multiprocessor(s), {tile})",
        };
    }

    /// <inheritdoc />
    public override BackendKind Kind { get; }

    /// <inheritdoc />
    public override string Description { get; }

    // ---------------------------------------------------------------- creation and discovery

    /// <summary>
    /// A backend on ILGPU's CPU accelerator, for tests: one multiprocessor of 4 warps × 4 threads (groups of up to 16
    /// threads, so GEMM tiles of 4×4), small enough for a 2-core machine. It is an emulator: slow, not for training.
    /// </summary>
    public static IlgpuBackend CreateCpuAccelerator()
    {
        var device = new CPUDevice(numThreadsPerWarp: 4, numWarpsPerMultiprocessor: 4, numMultiprocessors: 1);
        var context = Context.Create(builder => builder.CPU(device).EnableAlgorithms());
        try
        {
            var accelerator = context.GetCPUDevice(0).CreateCPUAccelerator(context, CPUAcceleratorMode.Parallel);
            return new IlgpuBackend(context, accelerator);
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Names of the GPUs ILGPU can use here, CUDA devices first, then OpenCL devices ILGPU accepts; the index of a
    /// name is the <c>deviceIndex</c> of <see cref="CreateGpu"/>. Empty (never an exception) when there is none or
    /// when the drivers cannot be queried.
    /// </summary>
    public static IReadOnlyList<string> FindGpus() => SearchGpus().Usable;

    /// <summary>A backend on GPU number <paramref name="deviceIndex"/> of <see cref="FindGpus"/>.</summary>
    /// <exception cref="InvalidOperationException">ILGPU finds no usable GPU (the message says what it found), or the
    /// device cannot be opened.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="deviceIndex"/> is not an index of <see cref="FindGpus"/>.</exception>
    public static IlgpuBackend CreateGpu(int deviceIndex = 0)
    {
        Context context;
        try
        {
            context = CreateGpuContext(acceptAllOpenCL: false);
        }
        catch (Exception e)
        {
            throw new InvalidOperationException($"No GPU found by ILGPU: device discovery failed ({e.GetType().Name}: {e.Message}).", e);
        }

        try
        {
            var gpus = GpuDevices(context);
            if (gpus.Count == 0)
            {
                throw new InvalidOperationException($"No GPU found by ILGPU: {SearchGpus().Summary}.");
            }
            if ((uint)deviceIndex >= (uint)gpus.Count)
            {
                throw new ArgumentOutOfRangeException(nameof(deviceIndex), deviceIndex,
                    $"'deviceIndex' must be in [0, {gpus.Count}) (GPUs found: {string.Join(", ", gpus.Select(DeviceName))}); got {deviceIndex}.");
            }
            Device device = gpus[deviceIndex];
            Accelerator accelerator;
            try
            {
                accelerator = device.CreateAccelerator(context);
            }
            catch (Exception e)
            {
                throw new InvalidOperationException($"ILGPU found GPU '{DeviceName(device)}' but could not open it: {e.Message}", e);
            }
            try
            {
                return new IlgpuBackend(context, accelerator);
            }
            catch
            {
                accelerator.Dispose();
                throw;
            }
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <summary>What ILGPU finds: the usable GPUs, and a one-line summary that says why others were not used.</summary>
    internal static (IReadOnlyList<string> Usable, string Summary) SearchGpus()
    {
        var usable = new List<string>();
        var notes = new List<string>();
        try
        {
            using (var compatible = CreateGpuContext(acceptAllOpenCL: false))
            {
                usable.AddRange(GpuDevices(compatible).Select(DeviceName));
            }
            // ILGPU silently drops OpenCL devices it cannot compile for (e.g. Debian's POCL: no generic address space);
            // list them with every OpenCL device accepted, so the user learns why they were not used.
            using var all = CreateGpuContext(acceptAllOpenCL: true);
            foreach (var device in all.Devices.OfType<CLDevice>())
            {
                string name = DeviceName(device);
                if (usable.Contains(name)) continue;
                // ILGPU 1.5's OpenCL() keeps devices with OpenCL C >= 2.0 and generic address space support.
                notes.Add($"OpenCL device '{device.Name}' rejected: ILGPU needs OpenCL C 2.0 or later with generic address space support, "
                    + $"it has OpenCL C {device.CLStdVersion}, generic address space {(device.Capabilities.GenericAddressSpace ? "yes" : "no")}");
            }
        }
        catch (Exception e)
        {
            notes.Add($"device discovery failed ({e.GetType().Name}: {e.Message})");
        }

        return (usable, Summarize(usable, notes));
    }

    /// <summary>
    /// The summary line of <see cref="SearchGpus"/>: the usable GPUs, or "only the CPU accelerator (…)", followed by the
    /// notes on devices ILGPU saw but rejected.
    /// </summary>
    internal static string Summarize(IReadOnlyList<string> usable, IReadOnlyList<string> notes)
    {
        string summary = usable.Count > 0
            ? string.Join(", ", usable)
            : notes.Count == 0 ? "only the CPU accelerator (no CUDA device, no OpenCL device)" : "only the CPU accelerator (no CUDA device)";
        return notes.Count == 0 ? summary : summary + "; " + string.Join("; ", notes);
    }

    private static Context CreateGpuContext(bool acceptAllOpenCL) => Context.Create(builder =>
    {
        builder.Cuda();
        if (acceptAllOpenCL) builder.OpenCL(_ => true);
        else builder.OpenCL();
        builder.EnableAlgorithms(); // XMath implementations of the MathF functions on the PTX and OpenCL backends
    });

    private static List<Device> GpuDevices(Context context) =>
        context.Devices.Where(d => d.AcceleratorType == AcceleratorType.Cuda)
            .Concat(context.Devices.Where(d => d.AcceleratorType == AcceleratorType.OpenCL))
            .ToList();

    private static string DeviceName(Device device) =>
        $"{device.Name} ({(device.AcceleratorType == AcceleratorType.Cuda ? "CUDA" : "OpenCL")})";

    // ---------------------------------------------------------------- memory

    private static ArrayView<float> V(DeviceBuffer buffer) => ((IlgpuBuffer)buffer).Data;

    private ArrayView<float> VOrDummy(DeviceBuffer? buffer) => buffer is null ? _dummy.View.AsContiguous() : V(buffer);

    /// <inheritdoc />
    protected override DeviceBuffer AllocateCore(int length)
    {
        // ILGPU buffers of length 0 are avoided; the view still has the requested length.
        var memory = _accelerator.Allocate1D<float>(Math.Max(length, 1));
        memory.MemSetToZero();
        return new IlgpuBuffer(this, memory, length);
    }

    /// <inheritdoc />
    protected override void UploadCore(ReadOnlySpan<float> source, DeviceBuffer destination)
    {
        if (source.Length == 0) return;
        V(destination).SubView(0, source.Length).CopyFromCPU(source);
    }

    /// <inheritdoc />
    protected override void DownloadCore(DeviceBuffer source, Span<float> destination)
    {
        if (destination.Length == 0) return;
        V(source).SubView(0, destination.Length).CopyToCPU(destination);
        _accelerator.Synchronize();
    }

    /// <inheritdoc />
    protected override void CopyCore(DeviceBuffer source, DeviceBuffer destination, int length)
    {
        if (length == 0) return;
        V(source).SubView(0, length).CopyTo(V(destination).SubView(0, length));
    }

    /// <inheritdoc />
    protected override void FillCore(DeviceBuffer destination, float value, int length) =>
        _kernels.Elementwise.LaunchFill(V(destination), value, length);

    /// <inheritdoc />
    public override void Synchronize() => _accelerator.Synchronize();

    // ---------------------------------------------------------------- lifetime

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (_disposed) return;
        _disposed = true;
        if (disposing)
        {
            _rowIndices.Dispose();
            _scalar.Dispose();
            _partials.Dispose();
            _dummy.Dispose();
            _accelerator.Dispose();
            _context.Dispose();
        }
        base.Dispose(disposing);
    }
}
