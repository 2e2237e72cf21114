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
public sealed class Conv2DLayer : Layer
{
    private readonly Initializer _weightInitializer;
    private readonly Initializer _biasInitializer;
    private Parameter _weight = null!;
    private Parameter? _bias;
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
        : base(name)
    {
        if (filters <= 0) throw new ArgumentOutOfRangeException(nameof(filters), filters, $"A convolution needs a positive number of filters; got {filters}.");
        if (kernelHeight <= 0) throw new ArgumentOutOfRangeException(nameof(kernelHeight), kernelHeight, $"The kernel height must be positive; got {kernelHeight}.");
        if (kernelWidth <= 0) throw new ArgumentOutOfRangeException(nameof(kernelWidth), kernelWidth, $"The kernel width must be positive; got {kernelWidth}.");
        if (stride <= 0) throw new ArgumentOutOfRangeException(nameof(stride), stride, $"The stride must be positive; got {stride}.");
        if (dilation <= 0) throw new ArgumentOutOfRangeException(nameof(dilation), dilation, $"The dilation must be positive; got {dilation}.");
        Filters = filters;
        KernelHeight = kernelHeight;
        KernelWidth = kernelWidth;
        Stride = stride;
        Dilation = dilation;
        Padding = padding;
        // Resolve now so a "same" the op cannot do fails at construction, not at Fit.
        PadHeight = padding.Resolve(kernelHeight, stride, dilation, vertical: true);
        PadWidth = padding.Resolve(kernelWidth, stride, dilation, vertical: false);
        UseBias = useBias;
        _weightInitializer = weightInitializer ?? new GlorotUniformInitializer();
        _biasInitializer = biasInitializer ?? new ZerosInitializer();
    }

    /// <summary>Output channels.</summary>
    public int Filters { get; }
    /// <summary>Kernel rows.</summary>
    public int KernelHeight { get; }
    /// <summary>Kernel columns.</summary>
    public int KernelWidth { get; }
    /// <summary>Stride, both axes.</summary>
    public int Stride { get; }
    /// <summary>Dilation, both axes.</summary>
    public int Dilation { get; }
    /// <summary>The padding as given.</summary>
    public Conv2DPadding Padding { get; }
    /// <summary>Zero rows added above and below.</summary>
    public int PadHeight { get; }
    /// <summary>Zero columns added left and right.</summary>
    public int PadWidth { get; }
    /// <summary>Whether b is added.</summary>
    public bool UseBias { get; }

    /// <inheritdoc/>
    public override string Kind => "conv2d";

    /// <summary>W, (filters, Cin, kH, kW).</summary>
    public Parameter Weight => _weight;

    /// <summary>b, (filters), or null without bias.</summary>
    public Parameter? Bias => _bias;

    /// <inheritdoc/>
    protected override TensorShape BuildCore(TensorShape inputShape, ParameterStore parameters)
    {
        if (inputShape.Rank != 3)
        {
            throw new ArgumentException(
                $"Conv2D layer '{Name}' needs a (channels, height, width) input; got shape {inputShape} of rank {inputShape.Rank}.", nameof(inputShape));
        }
        int channels = inputShape.Dimensions[0], height = inputShape.Dimensions[1], width = inputShape.Dimensions[2];
        _shape = new Conv2DShape(1, channels, height, width, Filters, KernelHeight, KernelWidth, Stride, Stride, PadHeight, PadWidth, Dilation, Dilation);
        int area = KernelHeight * KernelWidth;
        _weight = parameters.AddTrainable($"{Name}.weight", _shape.WeightSize, _weightInitializer, channels * area, Filters * area, regularized: true);
        if (UseBias) _bias = parameters.AddTrainable($"{Name}.bias", Filters, _biasInitializer, channels * area, Filters * area, regularized: false);
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
        Backend.Conv2DForward(input, _weight.Value, _bias?.Value, _output, _shape.WithBatch(batchSize));
        return _output;
    }

    // dW += dy ⋆ x ; db += Σ_{batch, positions} dy ; dx = dy ⋆ᵀ W (the transposed convolution)
    /// <inheritdoc/>
    public override DeviceBuffer? Backward(DeviceBuffer dOutput, int batchSize, bool computeInputGradient)
    {
        CheckBatch(batchSize);
        var shape = _shape.WithBatch(batchSize);
        Backend.Conv2DBackwardWeight(_input, dOutput, _weight.RequiredGradient, _bias?.RequiredGradient, shape);
        if (!computeInputGradient) return null;
        Backend.Conv2DBackwardInput(dOutput, _weight.Value, _dInput, shape);
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
