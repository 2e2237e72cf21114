using MLNet.DeepExtensions.Kernels.Optimizers;

namespace MLNet.DeepExtensions.Kernels.Backends;

// The optimizers operations of the managed CPU backend; ComputeBackend.Optimizers.cs documents them.
public sealed unsafe partial class ManagedCpuBackend
{
    /// <inheritdoc />
    protected override void OptimizerStepCore(OptimizerKind kind, in OptimizerStepParameters hyperparameters,
        DeviceBuffer parameters, DeviceBuffer gradients, DeviceBuffer? state1, DeviceBuffer? state2, int length)
    {
        if (length >= OptimizerStepJob.ParallelThreshold && _pool.ThreadCount > 1)
        {
            _optimizerJob.Run(_pool, kind, hyperparameters, (ManagedBuffer)parameters, (ManagedBuffer)gradients,
                (ManagedBuffer?)state1, (ManagedBuffer?)state2, length);
            return;
        }
        ManagedOptimizers.Step(kind, hyperparameters, F(parameters, length), F(gradients, length),
            Optional(state1, length), Optional(state2, length));
    }
}
