using MLNet.DeepExtensions.Kernels.Losses;

namespace MLNet.DeepExtensions.Kernels.Backends;

// The Losses family's ILGPU kernels, loaded by one line of the IlgpuKernelSet constructor (Backends/IlgpuKernelSet.cs).
internal sealed partial class IlgpuKernelSet
{
    public IlgpuLossKernels Losses { get; }
}
