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

    // ---------------------------------------------------------------- linear algebra

    /// <inheritdoc />
    protected override void GemmCore(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        DeviceBuffer a, DeviceBuffer b, float beta, DeviceBuffer c) =>
        _kernels.Gemm.Launch(transposeA, transposeB, m, n, k, alpha, V(a), V(b), beta, V(c));

    /// <inheritdoc />
    protected override void AddRowVectorCore(DeviceBuffer x, DeviceBuffer bias, int rows, int columns) =>
        _kernels.Elementwise.LaunchAddRowVector(V(x), V(bias), rows, columns);

    /// <inheritdoc />
    protected override void SumColumnsCore(DeviceBuffer x, int rows, int columns, DeviceBuffer result, float beta) =>
        _kernels.Reductions.LaunchSumColumns(V(x), rows, columns, V(result), beta);

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

    // ---------------------------------------------------------------- reductions

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

    // ---------------------------------------------------------------- activations

    /// <inheritdoc />
    protected override void ActivationForwardCore(Activation activation, DeviceBuffer input, DeviceBuffer output, int length) =>
        _kernels.Elementwise.LaunchActivationForward(activation, V(input), V(output), length);

    /// <inheritdoc />
    protected override void ActivationBackwardCore(Activation activation, DeviceBuffer input, DeviceBuffer output,
        DeviceBuffer dOutput, DeviceBuffer dInput, int length) =>
        _kernels.Elementwise.LaunchActivationBackward(activation, V(input), V(output), V(dOutput), V(dInput), length);

    /// <inheritdoc />
    protected override void MaxoutForwardCore(DeviceBuffer input, DeviceBuffer output, DeviceBuffer argMax, int rows, int units, int pieces) =>
        _kernels.Elementwise.LaunchMaxoutForward(V(input), V(output), V(argMax), rows, units, pieces);

    /// <inheritdoc />
    protected override void MaxoutBackwardCore(DeviceBuffer dOutput, DeviceBuffer argMax, DeviceBuffer dInput, int rows, int units, int pieces) =>
        _kernels.Elementwise.LaunchMaxoutBackward(V(dOutput), V(argMax), V(dInput), rows, units, pieces);

    /// <inheritdoc />
    protected override void SoftmaxCore(DeviceBuffer logits, DeviceBuffer probabilities, int rows, int classes) =>
        _kernels.Elementwise.LaunchSoftmax(V(logits), V(probabilities), rows, classes);

    // ---------------------------------------------------------------- losses

    /// <inheritdoc />
    protected override void SoftmaxCrossEntropyCore(DeviceBuffer logits, DeviceBuffer targets, DeviceBuffer? classWeights,
        float labelSmoothing, int rows, int classes, float gradientScale, DeviceBuffer probabilities, DeviceBuffer? dLogits, DeviceBuffer rowLoss) =>
        _kernels.Losses.LaunchSoftmaxCrossEntropy(V(logits), V(targets), VOrDummy(classWeights), classWeights is not null, labelSmoothing,
            rows, classes, gradientScale, V(probabilities), VOrDummy(dLogits), dLogits is not null, V(rowLoss));

    /// <inheritdoc />
    protected override void BinaryCrossEntropyWithLogitsCore(DeviceBuffer logits, DeviceBuffer targets, int rows, int columns,
        float gradientScale, DeviceBuffer? dLogits, DeviceBuffer rowLoss) =>
        _kernels.Losses.LaunchBinaryCrossEntropy(V(logits), V(targets), rows, columns, gradientScale, VOrDummy(dLogits), dLogits is not null, V(rowLoss));

    /// <inheritdoc />
    protected override void RegressionLossCore(RegressionLossKind kind, float delta, DeviceBuffer predictions, DeviceBuffer targets,
        int rows, int columns, float gradientScale, DeviceBuffer? dPredictions, DeviceBuffer rowLoss) =>
        _kernels.Losses.LaunchRegression(kind, delta, V(predictions), V(targets), rows, columns, gradientScale,
            VOrDummy(dPredictions), dPredictions is not null, V(rowLoss));

    /// <inheritdoc />
    protected override void MulticlassHingeCore(DeviceBuffer scores, DeviceBuffer targets, float margin, int rows, int classes,
        float gradientScale, DeviceBuffer? dScores, DeviceBuffer rowLoss) =>
        _kernels.Losses.LaunchMulticlassHinge(V(scores), V(targets), margin, rows, classes, gradientScale, VOrDummy(dScores), dScores is not null, V(rowLoss));

    // ---------------------------------------------------------------- dropout

    /// <inheritdoc />
    protected override void DropoutForwardCore(DeviceBuffer input, DeviceBuffer output, DeviceBuffer mask, int length, float rate, ulong seed) =>
        _kernels.Elementwise.LaunchDropout(V(input), V(output), V(mask), length, rate, seed);

    // ---------------------------------------------------------------- augmentation

    /// <inheritdoc />
    protected override void RandomFlipCropForwardCore(DeviceBuffer input, DeviceBuffer output, int batch, int channels, int height, int width,
        bool horizontalFlip, int padding, ulong seed) =>
        _kernels.Augmentation.LaunchRandomFlipCropForward(V(input), V(output), batch, channels, height, width, horizontalFlip, padding, seed);

    /// <inheritdoc />
    protected override void RandomFlipCropBackwardCore(DeviceBuffer dOutput, DeviceBuffer dInput, int batch, int channels, int height, int width,
        bool horizontalFlip, int padding, ulong seed) =>
        _kernels.Augmentation.LaunchRandomFlipCropBackward(V(dOutput), V(dInput), batch, channels, height, width, horizontalFlip, padding, seed);

    /// <inheritdoc />
    protected override void AddGaussianNoiseCore(DeviceBuffer input, DeviceBuffer output, int length, float standardDeviation, ulong seed) =>
        _kernels.Augmentation.LaunchAddGaussianNoise(V(input), V(output), length, standardDeviation, seed);

    // ---------------------------------------------------------------- pooling

    /// <inheritdoc />
    protected override void MaxPool2DForwardCore(DeviceBuffer input, DeviceBuffer output, DeviceBuffer argMax, Kernels.Pooling.Pool2DShape shape) =>
        _kernels.Pooling.LaunchMaxPool2DForward(V(input), V(output), V(argMax), shape);

    /// <inheritdoc />
    protected override void MaxPool2DBackwardCore(DeviceBuffer dOutput, DeviceBuffer argMax, DeviceBuffer dInput, Kernels.Pooling.Pool2DShape shape) =>
        _kernels.Pooling.LaunchMaxPool2DBackward(V(dOutput), V(argMax), V(dInput), shape);

    /// <inheritdoc />
    protected override void AvgPool2DForwardCore(DeviceBuffer input, DeviceBuffer output, Kernels.Pooling.Pool2DShape shape) =>
        _kernels.Pooling.LaunchAvgPool2DForward(V(input), V(output), shape);

    /// <inheritdoc />
    protected override void AvgPool2DBackwardCore(DeviceBuffer dOutput, DeviceBuffer dInput, Kernels.Pooling.Pool2DShape shape) =>
        _kernels.Pooling.LaunchAvgPool2DBackward(V(dOutput), V(dInput), shape);

    /// <inheritdoc />
    protected override void GlobalAvgPoolForwardCore(DeviceBuffer input, DeviceBuffer output, int planes, int area) =>
        _kernels.Pooling.LaunchGlobalAvgPoolForward(V(input), V(output), planes, area);

    /// <inheritdoc />
    protected override void GlobalAvgPoolBackwardCore(DeviceBuffer dOutput, DeviceBuffer dInput, int planes, int area) =>
        _kernels.Pooling.LaunchGlobalAvgPoolBackward(V(dOutput), V(dInput), planes, area);

    // ---------------------------------------------------------------- normalization

    /// <inheritdoc />
    protected override void BatchNormForwardTrainingCore(DeviceBuffer input, DeviceBuffer gamma, DeviceBuffer beta, DeviceBuffer output,
        DeviceBuffer mean, DeviceBuffer inverseStd, DeviceBuffer runningMean, DeviceBuffer runningVariance, int rows, int features,
        float momentum, float epsilon) =>
        _kernels.Normalization.LaunchBatchNormForwardTraining(V(input), V(gamma), V(beta), V(output), V(mean), V(inverseStd),
            V(runningMean), V(runningVariance), rows, features, momentum, epsilon);

    /// <inheritdoc />
    protected override void BatchNormForwardInferenceCore(DeviceBuffer input, DeviceBuffer gamma, DeviceBuffer beta,
        DeviceBuffer runningMean, DeviceBuffer runningVariance, DeviceBuffer output, int rows, int features, float epsilon) =>
        _kernels.Normalization.LaunchBatchNormForwardInference(V(input), V(gamma), V(beta), V(runningMean), V(runningVariance), V(output),
            rows, features, epsilon);

    /// <inheritdoc />
    protected override void BatchNormBackwardCore(DeviceBuffer input, DeviceBuffer gamma, DeviceBuffer mean, DeviceBuffer inverseStd,
        DeviceBuffer dOutput, DeviceBuffer dInput, DeviceBuffer dGamma, DeviceBuffer dBeta, int rows, int features) =>
        _kernels.Normalization.LaunchBatchNormBackward(V(input), V(gamma), V(mean), V(inverseStd), V(dOutput), V(dInput), V(dGamma), V(dBeta),
            rows, features);

    /// <inheritdoc />
    protected override void BatchNorm2DForwardTrainingCore(DeviceBuffer input, DeviceBuffer gamma, DeviceBuffer beta, DeviceBuffer output,
        DeviceBuffer mean, DeviceBuffer inverseStd, DeviceBuffer runningMean, DeviceBuffer runningVariance, int batch, int channels, int spatial,
        float momentum, float epsilon) =>
        _kernels.BatchNorm2D.LaunchForwardTraining(V(input), V(gamma), V(beta), V(output), V(mean), V(inverseStd), V(runningMean),
            V(runningVariance), batch, channels, spatial, momentum, epsilon);

    /// <inheritdoc />
    protected override void BatchNorm2DForwardInferenceCore(DeviceBuffer input, DeviceBuffer gamma, DeviceBuffer beta,
        DeviceBuffer runningMean, DeviceBuffer runningVariance, DeviceBuffer output, int batch, int channels, int spatial, float epsilon) =>
        _kernels.BatchNorm2D.LaunchForwardInference(V(input), V(gamma), V(beta), V(runningMean), V(runningVariance), V(output),
            batch, channels, spatial, epsilon);

    /// <inheritdoc />
    protected override void BatchNorm2DBackwardCore(DeviceBuffer input, DeviceBuffer gamma, DeviceBuffer mean, DeviceBuffer inverseStd,
        DeviceBuffer dOutput, DeviceBuffer dInput, DeviceBuffer dGamma, DeviceBuffer dBeta, int batch, int channels, int spatial) =>
        _kernels.BatchNorm2D.LaunchBackward(V(input), V(gamma), V(mean), V(inverseStd), V(dOutput), V(dInput), V(dGamma), V(dBeta),
            batch, channels, spatial);

    /// <inheritdoc />
    protected override void LayerNormForwardCore(DeviceBuffer input, DeviceBuffer gamma, DeviceBuffer beta, DeviceBuffer output,
        DeviceBuffer mean, DeviceBuffer inverseStd, int rows, int features, float epsilon) =>
        _kernels.Normalization.LaunchLayerNormForward(V(input), V(gamma), V(beta), V(output), V(mean), V(inverseStd), rows, features, epsilon);

    /// <inheritdoc />
    protected override void LayerNormBackwardCore(DeviceBuffer input, DeviceBuffer gamma, DeviceBuffer mean, DeviceBuffer inverseStd,
        DeviceBuffer dOutput, DeviceBuffer dInput, DeviceBuffer dGamma, DeviceBuffer dBeta, int rows, int features) =>
        _kernels.Normalization.LaunchLayerNormBackward(V(input), V(gamma), V(mean), V(inverseStd), V(dOutput), V(dInput), V(dGamma), V(dBeta),
            rows, features);

    // ---------------------------------------------------------------- convolution

    /// <inheritdoc />
    protected override void Conv2DForwardCore(DeviceBuffer input, DeviceBuffer weight, DeviceBuffer? bias, DeviceBuffer output, in Conv2DShape shape) =>
        _kernels.Convolution.LaunchForward(V(input), V(weight), VOrDummy(bias), bias is not null, V(output), shape);

    /// <inheritdoc />
    protected override void Conv2DBackwardInputCore(DeviceBuffer dOutput, DeviceBuffer weight, DeviceBuffer dInput, in Conv2DShape shape) =>
        _kernels.Convolution.LaunchBackwardInput(V(dOutput), V(weight), V(dInput), shape);

    /// <inheritdoc />
    protected override void Conv2DBackwardWeightCore(DeviceBuffer input, DeviceBuffer dOutput, DeviceBuffer dWeight, DeviceBuffer? dBias, in Conv2DShape shape) =>
        _kernels.Convolution.LaunchBackwardWeight(V(input), V(dOutput), V(dWeight), VOrDummy(dBias), dBias is not null, shape);

    // ---------------------------------------------------------------- optimizers

    /// <inheritdoc />
    protected override void OptimizerStepCore(OptimizerKind kind, in OptimizerStepParameters hyperparameters, DeviceBuffer parameters,
        DeviceBuffer gradients, DeviceBuffer? state1, DeviceBuffer? state2, int length) =>
        _kernels.Optimizers.Launch(kind, hyperparameters, V(parameters), V(gradients), VOrDummy(state1), VOrDummy(state2), length);

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
