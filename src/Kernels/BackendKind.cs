namespace MLNet.DeepExtensions.Kernels;

/// <summary>Which implementation a <see cref="ComputeBackend"/> is.</summary>
public enum BackendKind
{
    /// <summary>Plain loops in double precision: the test oracle, not meant for training speed.</summary>
    Reference,

    /// <summary>SIMD, multi-threaded managed code on the host CPU: the default without a GPU.</summary>
    ManagedCpu,

    /// <summary>ILGPU kernels on ILGPU's CPU accelerator (an emulator: for tests only).</summary>
    IlgpuCpu,

    /// <summary>ILGPU kernels on an NVIDIA GPU.</summary>
    Cuda,

    /// <summary>ILGPU kernels on an OpenCL device.</summary>
    OpenCL,
}
