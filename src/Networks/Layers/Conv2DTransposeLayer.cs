using MLNet.DeepExtensions.Kernels;
using MLNet.DeepExtensions.Networks.Initializers;

namespace MLNet.DeepExtensions.Networks.Layers;

/// <summary>
/// 2-D transposed convolution ("up-convolution", torch.nn.ConvTranspose2d): every input pixel scatters a weighted copy
/// of the kernel into the output, y[co, ih·s − p + i·d, iw·s − p + j·d] += x[ci, ih, iw]·W[ci, co, i, j], plus b[co].
/// </summary>
/// <remarks>
/// <para>Each sample x is (Cin, H, W), W is (Cin, filters, kH, kW) — PyTorch's ConvTranspose2d layout, which is also
/// ONNX ConvTranspose's — b is (filters), and y is (filters, Hout, Wout) with
/// Hout = (H − 1)·stride − 2·padHeight + dilation·(kH − 1) + outputPadding + 1 (Wout likewise), torch's formula.
/// Padding removes that many rows and columns from each border of the full output; outputPadding adds rows and columns
/// at the bottom and right that no input reaches (they hold only the bias), to pick one of the input sizes a
/// stride-s convolution maps to the same output size.</para>
/// <para>It is the input gradient of the <see cref="Conv2DLayer"/> that maps (filters, Hout, Wout) back to (Cin, H, W)
/// with the same kernel, stride, padding and dilation, so it runs on the existing convolution ops: forward is that
/// convolution's backward-input, the input gradient its forward, the weight gradient its backward-weight.</para>
/// <para>Defaults as Keras Conv2DTranspose: Glorot uniform weights, zero bias. Fans follow both PyTorch
/// (_calculate_fan_in_and_fan_out reads dimension 1 of (Cin, Cout, kH, kW)) and Keras (kernel (kH, kW, filters, Cin)):
/// fanIn = filters·kH·kW, fanOut = Cin·kH·kW; only the He/LeCun initializers see the difference. The weight is
/// regularized, the bias is not.</para>
/// <para>Padding is explicit (an <see cref="int"/> or <see cref="Conv2DPadding.Explicit"/>); "same" is rejected, since
/// PyTorch has none and Keras' "same" aligns the output differently from any symmetric padding. outputPadding must be
/// smaller than the stride; PyTorch also accepts an outputPadding ≥ stride when it is below the dilation, which would
/// need a zero-padded copy of the input, so that rare case is rejected with a message.</para>
/// </remarks>
public sealed class Conv2DTransposeLayer : Conv2DLayerBase
{
    private const string SamePaddingError =
        "A transposed convolution takes explicit padding only (as torch.nn.ConvTranspose2d); got 'same'. Output = stride·input needs " +
        "2·padding − outputPadding = dilation·(k − 1) + 1 − stride, e.g. kernel 3, stride 2: padding 1, outputPadding 1.";

    // The convolution this layer transposes, for one sample: input (filters, Hout, Wout), output (Cin, H, W).
    private Conv2DShape _conv;
    private DeviceBuffer _output = null!;
    private DeviceBuffer _dInput = null!;
    private DeviceBuffer _input = null!; // cache: Backward needs x for dW
    private DeviceBuffer? _biasPlane;     // (filters, Hout·Wout): b broadcast over a plane, or Σ_batch dy in Backward
    private DeviceBuffer? _ones;          // Hout·Wout ones

    /// <summary>Creates a transposed convolution with <paramref name="filters"/> output channels and a square kernel.</summary>
    public Conv2DTransposeLayer(int filters, int kernelSize, int stride = 1, Conv2DPadding padding = default, int outputPadding = 0,
        int dilation = 1, bool useBias = true, Initializer? weightInitializer = null, Initializer? biasInitializer = null, string? name = null)
        : this(filters, kernelSize, kernelSize, stride, padding, outputPadding, dilation, useBias, weightInitializer, biasInitializer, name)
    {
    }

    /// <summary>Creates a transposed convolution with <paramref name="filters"/> output channels and a kernelHeight x kernelWidth kernel.</summary>
    /// <param name="filters">Output channels.</param>
    /// <param name="kernelHeight">Kernel rows.</param>
    /// <param name="kernelWidth">Kernel columns.</param>
    /// <param name="stride">Output step between neighbouring input pixels, both axes (the upsampling factor).</param>
    /// <param name="padding">Rows and columns cropped from each border of the full output (explicit only; default none).</param>
    /// <param name="outputPadding">Extra rows and columns at the bottom and right, both axes; in [0, stride).</param>
    /// <param name="dilation">Spacing between kernel taps, both axes.</param>
    /// <param name="useBias">Whether b is added.</param>
    /// <param name="weightInitializer">Defaults to Glorot uniform.</param>
    /// <param name="biasInitializer">Defaults to zeros.</param>
    /// <param name="name">Layer name.</param>
    public Conv2DTransposeLayer(int filters, int kernelHeight, int kernelWidth, int stride, Conv2DPadding padding, int outputPadding = 0,
        int dilation = 1, bool useBias = true, Initializer? weightInitializer = null, Initializer? biasInitializer = null, string? name = null)
        : base("transposed convolution", filters, kernelHeight, kernelWidth, stride, padding, dilation, useBias, weightInitializer, biasInitializer, name,
            samePaddingError: SamePaddingError)
    {
        if (outputPadding < 0) throw new ArgumentOutOfRangeException(nameof(outputPadding), outputPadding, $"outputPadding must be non-negative; got {outputPadding}.");
        if (outputPadding >= stride)
        {
            // PyTorch's rule is outputPadding < max(stride, dilation); the part of it beyond the stride is not supported.
            string message = outputPadding < dilation
                ? $"outputPadding must be smaller than the stride ({stride}); got {outputPadding}. PyTorch also accepts it below the dilation ({dilation}), " +
                  "but that needs a zero-padded copy of the input, which this layer does not make."
                : $"outputPadding must be smaller than the stride ({stride}) or the dilation ({dilation}), as in torch.nn.ConvTranspose2d; got {outputPadding}.";
            throw new ArgumentOutOfRangeException(nameof(outputPadding), outputPadding, message);
        }
        OutputPadding = outputPadding;
    }

    /// <summary>Extra rows at the bottom and columns at the right, both axes (torch's output_padding).</summary>
    public int OutputPadding { get; }

    /// <inheritdoc/>
    public override string Kind => "conv2d_transpose";

    /// <inheritdoc/>
    protected override TensorShape BuildCore(TensorShape inputShape, ParameterStore parameters)
    {
        var (channels, height, width) = ConvolutionInput(inputShape, "Conv2DTranspose");
        int outputHeight = OutputSize(height, KernelHeight, PadHeight, "height");
        int outputWidth = OutputSize(width, KernelWidth, PadWidth, "width");
        _conv = new Conv2DShape(1, Filters, outputHeight, outputWidth, channels, KernelHeight, KernelWidth, Stride, Stride, PadHeight, PadWidth, Dilation, Dilation);
        // With outputPadding < stride, ⌊((H − 1)·s + outputPadding)/s⌋ + 1 = H: the convolution maps the output back onto the input exactly.
        if (_conv.OutputHeight != height || _conv.OutputWidth != width)
        {
            throw new InvalidOperationException($"Internal error: {_conv} does not map back onto the input {inputShape}.");
        }
        int area = KernelHeight * KernelWidth;
        AddParameters(parameters, _conv.WeightSize, fanIn: Filters * area, fanOut: channels * area);
        return new TensorShape(Filters, outputHeight, outputWidth);
    }

    // Hout = (H − 1)·stride − 2·pad + dilation·(k − 1) + outputPadding + 1 (torch.nn.ConvTranspose2d).
    private int OutputSize(int size, int kernel, int pad, string dimension)
    {
        long result = (long)(size - 1) * Stride - 2L * pad + (long)Dilation * (kernel - 1) + OutputPadding + 1;
        if (result <= 0 || result > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(dimension,
                $"Conv2DTranspose layer '{Name}': the output {dimension} (input {size} − 1)·stride {Stride} − 2·padding {pad} + dilation {Dilation}·(kernel {kernel} − 1) " +
                $"+ outputPadding {OutputPadding} + 1 = {result} must be positive.");
        }
        return (int)result;
    }

    /// <inheritdoc/>
    protected override void AllocateCore(int maxBatchSize)
    {
        _output = Workspace(maxBatchSize * OutputShape.Size);
        _dInput = Workspace(maxBatchSize * InputShape.Size);
        if (UseBias)
        {
            int area = _conv.Height * _conv.Width;
            _biasPlane = Workspace(Filters * area);
            _ones = Workspace(area);
            Backend.Fill(_ones, 1f, area);
        }
    }

    /// <inheritdoc/>
    public override DeviceBuffer Forward(DeviceBuffer input, int batchSize, in ForwardContext context)
    {
        CheckBatch(batchSize);
        _input = input;
        var conv = _conv.WithBatch(batchSize);
        // Overwrites the whole output: rows that no input reaches (outputPadding) get 0, then the bias like every other row.
        Backend.Conv2DBackwardInput(input, Weight.Value, _output, conv);
        if (Bias is not null)
        {
            int area = conv.Height * conv.Width;
            // plane = b ⊗ 1 (a k = 1 product, exact), then added to every sample: b[co] on each of co's positions.
            Backend.Gemm(false, false, Filters, area, 1, 1f, Bias.Value, _ones!, 0f, _biasPlane!);
            Backend.AddRowVector(_output, _biasPlane!, batchSize, Filters * area);
        }
        return _output;
    }

    // dW += x ⋆ dy (the convolution's weight gradient with input dy and output gradient x);
    // db += Σ_{batch, positions} dy; dx = the convolution's forward of dy.
    /// <inheritdoc/>
    public override DeviceBuffer? Backward(DeviceBuffer dOutput, int batchSize, bool computeInputGradient)
    {
        CheckBatch(batchSize);
        var conv = _conv.WithBatch(batchSize);
        Backend.Conv2DBackwardWeight(dOutput, _input, Weight.RequiredGradient, null, conv);
        if (Bias is not null)
        {
            int area = conv.Height * conv.Width;
            Backend.SumColumns(dOutput, batchSize, Filters * area, _biasPlane!, 0f);                      // Σ over the batch
            Backend.Gemm(false, false, Filters, 1, area, 1f, _biasPlane!, _ones!, 1f, Bias.RequiredGradient); // Σ over each plane
        }
        if (!computeInputGradient) return null;
        Backend.Conv2DForward(dOutput, Weight.Value, null, _dInput, conv);
        return _dInput;
    }

    /// <inheritdoc/>
    public override string Describe()
    {
        string kernel = $"{KernelHeight}x{KernelWidth}";
        string outputPadding = OutputPadding == 0 ? "" : $", output padding {OutputPadding}";
        string padding = PadHeight == PadWidth ? $"padding {PadHeight}" : $"padding {PadHeight}x{PadWidth}";
        string dilation = Dilation == 1 ? "" : $", dilation {Dilation}";
        return $"Conv2DTranspose({Filters}, {kernel}, stride {Stride}, {padding}{outputPadding}{dilation}{(UseBias ? "" : ", no bias")})";
    }
}
