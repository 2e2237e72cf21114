using MLNet.DeepExtensions.Kernels.Scaling;

namespace MLNet.DeepExtensions.Kernels.Backends;

internal sealed partial class IlgpuKernelSet
{
    public IlgpuScalingKernels Scaling { get; private set; } = null!;
}
