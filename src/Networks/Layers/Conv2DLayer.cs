using MLNet.DeepExtensions.Kernels;
using MLNet.DeepExtensions.Networks.Initializers;

namespace MLNet.DeepExtensions.Networks.Layers;

/// <summary>2-D convolution: y[co] = b[co] + Σ_ci W[co, ci] ⋆ x[ci] (cross-correlation).</summary>
/// <remarks>
/// Each sample x is (Cin, H, W), W is (filters, Cin, kH, kW), b is (filters), y is (filters, Hout, Wout): channels
/// first, torch.nn.Conv2d's layout, with Keras Conv2D(filters, kernel_size) defaults: Glorot uniform weights with
/// fanIn = Cin·kH·kW and fanOut = filters·kH·kW, zero bias. The weight is regularized (L1/L2, weight decay); the bias
/// is not. See <see cref="Conv2DPadding"/> for what "same" accepts.
/// </remarks>
public sealed class Conv2DLayer : Conv2DLayerBase
{
    private Conv2DShape _shape; // built for one sample; WithBatch gives each call's shape
    private DeviceBuffer _output = null!;
    private DeviceBuffer _dInput = null!;
    private DeviceBuffer _input = null!; // cache: Backward needs x for dW

    /// <summary>Creates a convolution with <paramref name="filters"/> output channels and a square kernel.</summary>
    public Conv2DLayer(int filters, int kernelSize, int stride = 1, Conv2DPadding padding = default, int dilation = 1, bool useBias = true,
        Initializer? weightInitializer = null, Initializer? biasInitializer = null, string? name = null)
        : this(filters, kernelSize, kernelSize, stride, padding, dilation, useBias, weightInitializer, biasInitializer, name)
    {
    }

    /// <summary>Creates a convolution with <paramref name="filters"/> output channels and a kernelHeight x kernelWidth kernel.</summary>
    /// <param name="filters">Output channels.</param>
    /// <param name="kernelHeight">Kernel rows.</param>
    /// <param name="kernelWidth">Kernel columns.</param>
    /// <param name="stride">Step between output positions, both axes.</param>
    /// <param name="padding">Valid (the default), Same, or an explicit count per side.</param>
    /// <param name="dilation">Spacing between kernel taps, both axes.</param>
    /// <param name="useBias">Whether b is added.</param>
    /// <param name="weightInitializer">Defaults to Glorot uniform.</param>
    /// <param name="biasInitializer">Defaults to zeros.</param>
    /// <param name="name">Layer name.</param>
    public Conv2DLayer(int filters, int kernelHeight, int kernelWidth, int stride, Conv2DPadding padding, int dilation = 1, bool useBias = true,
        Initializer? weightInitializer = null, Initializer? biasInitializer = null, string? name = null)
        : base("convolution", filters, kernelHeight, kernelWidth, stride, padding, dilation, useBias, weightInitializer, biasInitializer, name)
    {
    }

    /// <inheritdoc/>
    public override string Kind => "conv2d";

    /// <inheritdoc/>
    protected override TensorShape BuildCore(TensorShape inputShape, ParameterStore parameters)
    {
        var (channels, height, width) = ConvolutionInput(inputShape, "Conv2D");
        _shape = new Conv2DShape(1, channels, height, width, Filters, KernelHeight, KernelWidth, Stride, Stride, PadHeight, PadWidth, Dilation, Dilation);
        int area = KernelHeight * KernelWidth;
        AddParameters(parameters, _shape.WeightSize, fanIn: channels * area, fanOut: Filters * area);
        return new TensorShape(Filters, _shape.OutputHeight, _shape.OutputWidth);
    }

    /// <inheritdoc/>
    protected override void AllocateCore(int maxBatchSize)
    {
        _output = Workspace(maxBatchSize * OutputShape.Size);
        _dInput = Workspace(maxBatchSize * InputShape.Size);
    }

    /// <inheritdoc/>
    public override DeviceBuffer Forward(DeviceBuffer input, int batchSize, in ForwardContext context)
    {
        CheckBatch(batchSize);
        _input = input;
        Backend.Conv2DForward(input, Weight.Value, Bias?.Value, _output, _shape.WithBatch(batchSize));
        return _output;
    }

    // dW += dy ⋆ x ; db += Σ_{batch, positions} dy ; dx = dy ⋆ᵀ W (the transposed convolution)
    /// <inheritdoc/>
    public override DeviceBuffer? Backward(DeviceBuffer dOutput, int batchSize, bool computeInputGradient)
    {
        CheckBatch(batchSize);
        var shape = _shape.WithBatch(batchSize);
        Backend.Conv2DBackwardWeight(_input, dOutput, Weight.RequiredGradient, Bias?.RequiredGradient, shape);
        if (!computeInputGradient) return null;
        Backend.Conv2DBackwardInput(dOutput, Weight.Value, _dInput, shape);
        return _dInput;
    }

    /// <inheritdoc/>
    public override string Describe()
    {
        string kernel = $"{KernelHeight}x{KernelWidth}";
        string dilation = Dilation == 1 ? "" : $", dilation {Dilation}";
        return $"Conv2D({Filters}, {kernel}, stride {Stride}, {Padding}{dilation}{(UseBias ? "" : ", no bias")})";
    }
}
