using MLNet.DeepExtensions.Kernels.Elementwise;

namespace MLNet.DeepExtensions.Kernels.Backends;

// The Elementwise family's ILGPU kernels, loaded by one line of the IlgpuKernelSet constructor (Backends/IlgpuKernelSet.cs).
internal sealed partial class IlgpuKernelSet
{
    public IlgpuElementwiseKernels Elementwise { get; }
}
