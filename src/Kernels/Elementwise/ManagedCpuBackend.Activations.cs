using MLNet.DeepExtensions.Kernels.Elementwise;

namespace MLNet.DeepExtensions.Kernels.Backends;

// The activations operations of the managed CPU backend; ComputeBackend.Activations.cs documents them.
public sealed unsafe partial class ManagedCpuBackend
{
    /// <inheritdoc />
    protected override void ActivationForwardCore(Activation activation, DeviceBuffer input, DeviceBuffer output, int length) =>
        ManagedActivations.Forward(activation, F(input, length), F(output, length));

    /// <inheritdoc />
    protected override void ActivationBackwardCore(Activation activation, DeviceBuffer input, DeviceBuffer output,
        DeviceBuffer dOutput, DeviceBuffer dInput, int length) =>
        ManagedActivations.Backward(activation, F(input, length), F(output, length), F(dOutput, length), F(dInput, length));

    /// <inheritdoc />
    protected override void MaxoutForwardCore(DeviceBuffer input, DeviceBuffer output, DeviceBuffer argMax, int rows, int units, int pieces) =>
        ManagedActivations.MaxoutForward(F(input, rows * units * pieces), F(output, rows * units), F(argMax, rows * units), rows, units, pieces);

    /// <inheritdoc />
    protected override void MaxoutBackwardCore(DeviceBuffer dOutput, DeviceBuffer argMax, DeviceBuffer dInput, int rows, int units, int pieces) =>
        ManagedActivations.MaxoutBackward(F(dOutput, rows * units), F(argMax, rows * units), F(dInput, rows * units * pieces), rows, units, pieces);

    /// <inheritdoc />
    protected override void SoftmaxCore(DeviceBuffer logits, DeviceBuffer probabilities, int rows, int classes) =>
        ManagedActivations.Softmax(F(logits, rows * classes), F(probabilities, rows * classes), rows, classes);
}
