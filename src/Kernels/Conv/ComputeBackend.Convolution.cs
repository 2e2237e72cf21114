namespace MLNet.DeepExtensions.Kernels;

// The convolution operations: public methods that check their arguments, and the Core methods a backend implements.
public abstract partial class ComputeBackend
{
    /// <summary>
    /// 2-D convolution (cross-correlation, torch.nn.Conv2d): for input (N, Cin, H, W), weight (Cout, Cin, kH, kW) and
    /// bias (Cout) or null, output[n, co, oh, ow] = bias[co] + Σ_{ci, i, j} weight[co, ci, i, j] ·
    /// input[n, ci, oh·strideH − padH + i·dilationH, ow·strideW − padW + j·dilationW], reading 0 outside the input.
    /// output is (N, Cout, Hout, Wout) (see <see cref="Conv2DShape"/>) and is overwritten.
    /// </summary>
    public void Conv2DForward(DeviceBuffer input, DeviceBuffer weight, DeviceBuffer? bias, DeviceBuffer output, in Conv2DShape shape)
    {
        CheckConv2DShape(shape);
        CheckVector(input, shape.InputSize, nameof(input));
        CheckVector(weight, shape.WeightSize, nameof(weight));
        if (bias is not null) CheckVector(bias, shape.OutChannels, nameof(bias));
        CheckVector(output, shape.OutputSize, nameof(output));
        Conv2DForwardCore(input, weight, bias, output, shape);
    }

    /// <summary>
    /// Input gradient of <see cref="Conv2DForward"/>: dInput (N, Cin, H, W) = the transposed convolution of dOutput
    /// (N, Cout, Hout, Wout) with weight (Cout, Cin, kH, kW); overwritten (positions no window reads get 0).
    /// </summary>
    public void Conv2DBackwardInput(DeviceBuffer dOutput, DeviceBuffer weight, DeviceBuffer dInput, in Conv2DShape shape)
    {
        CheckConv2DShape(shape);
        CheckVector(dOutput, shape.OutputSize, nameof(dOutput));
        CheckVector(weight, shape.WeightSize, nameof(weight));
        CheckVector(dInput, shape.InputSize, nameof(dInput));
        Conv2DBackwardInputCore(dOutput, weight, dInput, shape);
    }

    /// <summary>
    /// Parameter gradients of <see cref="Conv2DForward"/>, accumulated: dWeight[co, ci, i, j] += Σ_{n, oh, ow}
    /// dOutput[n, co, oh, ow] · input[n, ci, oh·strideH − padH + i·dilationH, ow·strideW − padW + j·dilationW];
    /// dBias[co] += Σ_{n, oh, ow} dOutput[n, co, oh, ow] when dBias is given.
    /// </summary>
    public void Conv2DBackwardWeight(DeviceBuffer input, DeviceBuffer dOutput, DeviceBuffer dWeight, DeviceBuffer? dBias, in Conv2DShape shape)
    {
        CheckConv2DShape(shape);
        CheckVector(input, shape.InputSize, nameof(input));
        CheckVector(dOutput, shape.OutputSize, nameof(dOutput));
        CheckVector(dWeight, shape.WeightSize, nameof(dWeight));
        if (dBias is not null) CheckVector(dBias, shape.OutChannels, nameof(dBias));
        Conv2DBackwardWeightCore(input, dOutput, dWeight, dBias, shape);
    }

    // default(Conv2DShape) skips the constructor's checks; every shape its constructor made has a positive kernel.
    private static void CheckConv2DShape(in Conv2DShape shape)
    {
        if (shape.KernelHeight <= 0)
        {
            throw new ArgumentException($"The {nameof(Conv2DShape)} must be made by its constructor (got default: {shape}).", nameof(shape));
        }
    }

    // ---------------------------------------------------------------- Core methods a backend implements

    /// <summary>See <see cref="Conv2DForward"/>.</summary>
    protected abstract void Conv2DForwardCore(DeviceBuffer input, DeviceBuffer weight, DeviceBuffer? bias, DeviceBuffer output, in Conv2DShape shape);
    /// <summary>See <see cref="Conv2DBackwardInput"/>.</summary>
    protected abstract void Conv2DBackwardInputCore(DeviceBuffer dOutput, DeviceBuffer weight, DeviceBuffer dInput, in Conv2DShape shape);
    /// <summary>See <see cref="Conv2DBackwardWeight"/>.</summary>
    protected abstract void Conv2DBackwardWeightCore(DeviceBuffer input, DeviceBuffer dOutput, DeviceBuffer dWeight, DeviceBuffer? dBias, in Conv2DShape shape);
}
