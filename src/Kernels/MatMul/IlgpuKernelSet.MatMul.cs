using MLNet.DeepExtensions.Kernels.MatMul;

namespace MLNet.DeepExtensions.Kernels.Backends;

// The MatMul family's ILGPU kernels, loaded by one line of the IlgpuKernelSet constructor (Backends/IlgpuKernelSet.cs).
internal sealed partial class IlgpuKernelSet
{
    public IlgpuGemmKernels Gemm { get; }
}
