using MLNet.DeepExtensions.Kernels.Normalization;

namespace MLNet.DeepExtensions.Kernels.Backends;

// The Normalization family's ILGPU kernels, loaded by one line of the IlgpuKernelSet constructor (Backends/IlgpuKernelSet.cs).
internal sealed partial class IlgpuKernelSet
{
    public IlgpuNormalizationKernels Normalization { get; }
    public IlgpuBatchNorm2DKernels BatchNorm2D { get; }
}
