using MLNet.DeepExtensions.Kernels.Optimizers;

namespace MLNet.DeepExtensions.Kernels.Backends;

// The optimizers operations of the reference backend (double precision, plain loops); ComputeBackend.Optimizers.cs documents them.
public sealed partial class ReferenceBackend
{
    /// <inheritdoc />
    protected override void OptimizerStepCore(OptimizerKind kind, in OptimizerStepParameters hyperparameters,
        DeviceBuffer parameters, DeviceBuffer gradients, DeviceBuffer? state1, DeviceBuffer? state2, int length) =>
        ReferenceOptimizers.Step(kind, hyperparameters, D(parameters, length), D(gradients, length),
            Optional(state1, length), Optional(state2, length));
}
