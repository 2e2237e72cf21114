using MLNet.DeepExtensions.Kernels.Backends;

namespace MLNet.DeepExtensions.Kernels;

/// <summary>Turns a <see cref="ComputeDevice"/> request into a <see cref="ComputeBackend"/>.</summary>
public static class ComputeBackends
{
    /// <summary>
    /// Creates the backend for <paramref name="device"/>:
    /// <list type="bullet">
    /// <item><see cref="ComputeDevice.Auto"/>: the first GPU ILGPU finds (CUDA, then OpenCL); otherwise, or when that GPU
    /// cannot be opened, the <see cref="ManagedCpuBackend"/>.</item>
    /// <item><see cref="ComputeDevice.Cpu"/>: the <see cref="ManagedCpuBackend"/>, even when a GPU is present.</item>
    /// <item><see cref="ComputeDevice.Gpu"/>: the first GPU ILGPU finds, or an <see cref="InvalidOperationException"/> that
    /// says what ILGPU found.</item>
    /// </list>
    /// The choice is reported as one line to <paramref name="log"/> (which backend, and why) and is visible afterwards in
    /// the backend's <see cref="ComputeBackend.Kind"/> and <see cref="ComputeBackend.Description"/>.
    /// </summary>
    /// <param name="device">The requested device. Default: <see cref="ComputeDevice.Auto"/>.</param>
    /// <param name="numberOfThreads">Threads of the managed CPU backend; 0 (the default) uses every core. Ignored on a GPU.</param>
    /// <param name="log">Receives the one-line report of the choice; may be null.</param>
    /// <exception cref="InvalidOperationException"><see cref="ComputeDevice.Gpu"/> was requested and no GPU can be used.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="device"/> is not a defined value, or
    /// <paramref name="numberOfThreads"/> is negative.</exception>
    public static ComputeBackend Create(ComputeDevice device = ComputeDevice.Auto, int numberOfThreads = 0, Action<string>? log = null)
    {
        if (numberOfThreads < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(numberOfThreads), numberOfThreads,
                $"'numberOfThreads' must be a non-negative thread count (0 = every core); got {numberOfThreads}.");
        }

        switch (device)
        {
            case ComputeDevice.Cpu:
            {
                var cpu = new ManagedCpuBackend(numberOfThreads);
                log?.Invoke($"Compute backend: {cpu.Description}, because Device = Cpu was requested.");
                return cpu;
            }

            case ComputeDevice.Gpu:
            {
                var (gpus, summary) = IlgpuBackend.SearchGpus();
                if (gpus.Count == 0)
                {
                    throw new InvalidOperationException(
                        $"Device = Gpu was requested, but ILGPU found {summary}. Use Device = Auto to fall back to the managed CPU backend, or Device = Cpu.");
                }
                IlgpuBackend gpu;
                try
                {
                    gpu = IlgpuBackend.CreateGpu(0);
                }
                catch (InvalidOperationException e)
                {
                    throw new InvalidOperationException(
                        $"Device = Gpu was requested, but the GPU could not be used: {e.Message} Use Device = Auto to fall back to the managed CPU backend, or Device = Cpu.", e);
                }
                log?.Invoke($"Compute backend: {gpu.Description}, because Device = Gpu was requested (GPUs found: {summary}).");
                return gpu;
            }

            case ComputeDevice.Auto:
            {
                var (gpus, summary) = IlgpuBackend.SearchGpus();
                string reason;
                if (gpus.Count > 0)
                {
                    try
                    {
                        var gpu = IlgpuBackend.CreateGpu(0);
                        log?.Invoke($"Compute backend: {gpu.Description}, because Device = Auto picks the first GPU ILGPU finds (GPUs found: {summary}).");
                        return gpu;
                    }
                    catch (InvalidOperationException e)
                    {
                        reason = $"the GPU could not be used ({e.Message})";
                    }
                }
                else
                {
                    reason = $"ILGPU found {summary}";
                }
                var cpu = new ManagedCpuBackend(numberOfThreads);
                log?.Invoke($"Compute backend: {cpu.Description}, because Device = Auto found no usable GPU: {reason}.");
                return cpu;
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(device), device,
                    $"'device' must be Auto, Cpu or Gpu; got {device}.");
        }
    }
}
