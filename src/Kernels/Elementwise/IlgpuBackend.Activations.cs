using MLNet.DeepExtensions.Kernels.Elementwise;

namespace MLNet.DeepExtensions.Kernels.Backends;

// The activations operations of the ILGPU backend (kernels loaded once by IlgpuKernelSet); ComputeBackend.Activations.cs documents them.
public sealed partial class IlgpuBackend
{
    /// <inheritdoc />
    protected override void ActivationForwardCore(Activation activation, DeviceBuffer input, DeviceBuffer output, int length) =>
        _kernels.Elementwise.LaunchActivationForward(activation, V(input), V(output), length);

    /// <inheritdoc />
    protected override void ActivationBackwardCore(Activation activation, DeviceBuffer input, DeviceBuffer output,
        DeviceBuffer dOutput, DeviceBuffer dInput, int length) =>
        _kernels.Elementwise.LaunchActivationBackward(activation, V(input), V(output), V(dOutput), V(dInput), length);

    /// <inheritdoc />
    protected override void MaxoutForwardCore(DeviceBuffer input, DeviceBuffer output, DeviceBuffer argMax, int rows, int units, int pieces) =>
        _kernels.Elementwise.LaunchMaxoutForward(V(input), V(output), V(argMax), rows, units, pieces);

    /// <inheritdoc />
    protected override void MaxoutBackwardCore(DeviceBuffer dOutput, DeviceBuffer argMax, DeviceBuffer dInput, int rows, int units, int pieces) =>
        _kernels.Elementwise.LaunchMaxoutBackward(V(dOutput), V(argMax), V(dInput), rows, units, pieces);

    /// <inheritdoc />
    protected override void SoftmaxCore(DeviceBuffer logits, DeviceBuffer probabilities, int rows, int classes) =>
        _kernels.Elementwise.LaunchSoftmax(V(logits), V(probabilities), rows, classes);
}
