using MLNet.DeepExtensions.Kernels.Augmentation;

namespace MLNet.DeepExtensions.Kernels.Backends;

// The Augmentation family's ILGPU kernels, loaded by one line of the IlgpuKernelSet constructor (Backends/IlgpuKernelSet.cs).
internal sealed partial class IlgpuKernelSet
{
    public IlgpuAugmentationKernels Augmentation { get; }
}
