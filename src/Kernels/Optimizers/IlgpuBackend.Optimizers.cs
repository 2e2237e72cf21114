using MLNet.DeepExtensions.Kernels.Optimizers;

namespace MLNet.DeepExtensions.Kernels.Backends;

// The optimizers operations of the ILGPU backend (kernels loaded once by IlgpuKernelSet); ComputeBackend.Optimizers.cs documents them.
public sealed partial class IlgpuBackend
{
    /// <inheritdoc />
    protected override void OptimizerStepCore(OptimizerKind kind, in OptimizerStepParameters hyperparameters, DeviceBuffer parameters,
        DeviceBuffer gradients, DeviceBuffer? state1, DeviceBuffer? state2, int length) =>
        _kernels.Optimizers.Launch(kind, hyperparameters, V(parameters), V(gradients), VOrDummy(state1), VOrDummy(state2), length);
}
