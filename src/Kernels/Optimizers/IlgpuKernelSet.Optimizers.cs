using MLNet.DeepExtensions.Kernels.Optimizers;

namespace MLNet.DeepExtensions.Kernels.Backends;

// The Optimizers family's ILGPU kernels, loaded by one line of the IlgpuKernelSet constructor (Backends/IlgpuKernelSet.cs).
internal sealed partial class IlgpuKernelSet
{
    public IlgpuOptimizerKernels Optimizers { get; }
}
