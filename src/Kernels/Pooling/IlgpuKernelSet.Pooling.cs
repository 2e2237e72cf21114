using MLNet.DeepExtensions.Kernels.Pooling;

namespace MLNet.DeepExtensions.Kernels.Backends;

// The Pooling family's ILGPU kernels, loaded by one line of the IlgpuKernelSet constructor (Backends/IlgpuKernelSet.cs).
internal sealed partial class IlgpuKernelSet
{
    public IlgpuPoolingKernels Pooling { get; }
}
