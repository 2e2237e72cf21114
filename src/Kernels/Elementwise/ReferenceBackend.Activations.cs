using MLNet.DeepExtensions.Kernels.Elementwise;

namespace MLNet.DeepExtensions.Kernels.Backends;

// The activations operations of the reference backend (double precision, plain loops); ComputeBackend.Activations.cs documents them.
public sealed partial class ReferenceBackend
{
    /// <inheritdoc />
    protected override void ActivationForwardCore(Activation activation, DeviceBuffer input, DeviceBuffer output, int length) =>
        ReferenceActivations.Forward(activation, D(input, length), D(output, length));

    /// <inheritdoc />
    protected override void ActivationBackwardCore(Activation activation, DeviceBuffer input, DeviceBuffer output,
        DeviceBuffer dOutput, DeviceBuffer dInput, int length) =>
        ReferenceActivations.Backward(activation, D(input, length), D(output, length), D(dOutput, length), D(dInput, length));

    /// <inheritdoc />
    protected override void MaxoutForwardCore(DeviceBuffer input, DeviceBuffer output, DeviceBuffer argMax, int rows, int units, int pieces) =>
        ReferenceActivations.MaxoutForward(D(input, rows * units * pieces), D(output, rows * units), D(argMax, rows * units), rows, units, pieces);

    /// <inheritdoc />
    protected override void MaxoutBackwardCore(DeviceBuffer dOutput, DeviceBuffer argMax, DeviceBuffer dInput, int rows, int units, int pieces) =>
        ReferenceActivations.MaxoutBackward(D(dOutput, rows * units), D(argMax, rows * units), D(dInput, rows * units * pieces), rows, units, pieces);

    /// <inheritdoc />
    protected override void SoftmaxCore(DeviceBuffer logits, DeviceBuffer probabilities, int rows, int classes) =>
        ReferenceActivations.Softmax(D(logits, rows * classes), D(probabilities, rows * classes), rows, classes);
}
