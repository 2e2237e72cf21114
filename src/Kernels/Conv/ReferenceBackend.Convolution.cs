using MLNet.DeepExtensions.Kernels.Conv;

namespace MLNet.DeepExtensions.Kernels.Backends;

// The convolution operations of the reference backend (double precision, plain loops); ComputeBackend.Convolution.cs documents them.
public sealed partial class ReferenceBackend
{
    /// <inheritdoc />
    protected override void Conv2DForwardCore(DeviceBuffer input, DeviceBuffer weight, DeviceBuffer? bias, DeviceBuffer output, in Conv2DShape shape) =>
        ReferenceConvolution.Forward(D(input, shape.InputSize), D(weight, shape.WeightSize), Optional(bias, shape.OutChannels), bias is not null,
            D(output, shape.OutputSize), shape);

    /// <inheritdoc />
    protected override void Conv2DBackwardInputCore(DeviceBuffer dOutput, DeviceBuffer weight, DeviceBuffer dInput, in Conv2DShape shape) =>
        ReferenceConvolution.BackwardInput(D(dOutput, shape.OutputSize), D(weight, shape.WeightSize), D(dInput, shape.InputSize), shape);

    /// <inheritdoc />
    protected override void Conv2DBackwardWeightCore(DeviceBuffer input, DeviceBuffer dOutput, DeviceBuffer dWeight, DeviceBuffer? dBias, in Conv2DShape shape) =>
        ReferenceConvolution.BackwardWeight(D(input, shape.InputSize), D(dOutput, shape.OutputSize), D(dWeight, shape.WeightSize),
            Optional(dBias, shape.OutChannels), dBias is not null, shape);
}
