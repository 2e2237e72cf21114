namespace MLNet.DeepExtensions.Kernels;

// The optimizers operations: public methods that check their arguments, and the Core methods a backend implements.
public abstract partial class ComputeBackend
{
    /// <summary>
    /// One fused elementwise update of the first <paramref name="length"/> parameters by <paramref name="kind"/>'s rule
    /// (see <see cref="OptimizerKind"/>). state1 and state2 hold the optimizer's running averages; they may be null
    /// for a kind that does not use them.
    /// </summary>
    public void OptimizerStep(OptimizerKind kind, in OptimizerStepParameters hyperparameters,
        DeviceBuffer parameters, DeviceBuffer gradients, DeviceBuffer? state1, DeviceBuffer? state2, int length)
    {
        CheckVector(parameters, length, nameof(parameters));
        CheckVector(gradients, length, nameof(gradients));
        bool needs1 = kind is not OptimizerKind.Sgd;
        bool needs2 = kind is OptimizerKind.Adadelta or OptimizerKind.Adam or OptimizerKind.AdamW;
        if (needs1)
        {
            if (state1 is null) throw new ArgumentNullException(nameof(state1), $"{kind} needs state1 of length {length}.");
            CheckVector(state1, length, nameof(state1));
        }
        if (needs2)
        {
            if (state2 is null) throw new ArgumentNullException(nameof(state2), $"{kind} needs state2 of length {length}.");
            CheckVector(state2, length, nameof(state2));
        }
        OptimizerStepCore(kind, hyperparameters, parameters, gradients, state1, state2, length);
    }

    // ---------------------------------------------------------------- Core methods a backend implements

    /// <summary>See <see cref="OptimizerStep"/>.</summary>
    protected abstract void OptimizerStepCore(OptimizerKind kind, in OptimizerStepParameters hyperparameters, DeviceBuffer parameters, DeviceBuffer gradients, DeviceBuffer? state1, DeviceBuffer? state2, int length);
}
