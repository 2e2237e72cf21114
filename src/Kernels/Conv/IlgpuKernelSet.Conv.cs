using MLNet.DeepExtensions.Kernels.Conv;

namespace MLNet.DeepExtensions.Kernels.Backends;

// The Conv family's ILGPU kernels, loaded by one line of the IlgpuKernelSet constructor (Backends/IlgpuKernelSet.cs).
internal sealed partial class IlgpuKernelSet
{
    public IlgpuConvolutionKernels Convolution { get; }
}
