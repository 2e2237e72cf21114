using MLNet.DeepExtensions.Networks.Initializers;

namespace MLNet.DeepExtensions.Networks.Layers;

/// <summary>
/// What the 2-D convolutions share (in the manner of Keras' BaseConv): <see cref="Filters"/> output channels, a
/// <see cref="KernelHeight"/> x <see cref="KernelWidth"/> kernel, one <see cref="Stride"/> and one
/// <see cref="Dilation"/> for both axes, a <see cref="Padding"/>, an optional bias, and W and b with their initializers
/// (Glorot uniform and zeros by default, as Keras; W is regularized, b is not). Each layer owns its shapes, its fans,
/// its forward and its backward: <see cref="Conv2DLayer"/> and <see cref="Conv2DTransposeLayer"/>.
/// </summary>
public abstract class Conv2DLayerBase : Layer
{
    private readonly Initializer _weightInitializer;
    private readonly Initializer _biasInitializer;
    private Parameter _weight = null!;
    private Parameter? _bias;

    /// <summary>
    /// Validates and stores the configuration; only the two layers of this assembly derive from it. operation
    /// ("convolution", "transposed convolution") goes into the messages; samePaddingError is null where "same" padding is
    /// allowed, otherwise the message it is rejected with.
    /// </summary>
    private protected Conv2DLayerBase(string operation, int filters, int kernelHeight, int kernelWidth, int stride, Conv2DPadding padding,
        int dilation, bool useBias, Initializer? weightInitializer, Initializer? biasInitializer, string? name, string? samePaddingError = null)
        : base(name)
    {
        if (filters <= 0) throw new ArgumentOutOfRangeException(nameof(filters), filters, $"A {operation} needs a positive number of filters; got {filters}.");
        if (kernelHeight <= 0) throw new ArgumentOutOfRangeException(nameof(kernelHeight), kernelHeight, $"The kernel height must be positive; got {kernelHeight}.");
        if (kernelWidth <= 0) throw new ArgumentOutOfRangeException(nameof(kernelWidth), kernelWidth, $"The kernel width must be positive; got {kernelWidth}.");
        if (stride <= 0) throw new ArgumentOutOfRangeException(nameof(stride), stride, $"The stride must be positive; got {stride}.");
        if (dilation <= 0) throw new ArgumentOutOfRangeException(nameof(dilation), dilation, $"The dilation must be positive; got {dilation}.");
        // Before Resolve, whose own "same" messages (stride 1, odd extent) would otherwise answer first.
        if (samePaddingError is not null && padding.Mode == Conv2DPaddingMode.Same) throw new ArgumentException(samePaddingError, nameof(padding));
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

    /// <summary>
    /// Padding rows per side (torch's padding[0]): for a <see cref="Conv2DLayer"/>, zero rows added above and below the
    /// input; for a <see cref="Conv2DTransposeLayer"/>, rows cropped from the top and the bottom of the full output.
    /// </summary>
    public int PadHeight { get; }

    /// <summary>
    /// Padding columns per side (torch's padding[1]): for a <see cref="Conv2DLayer"/>, zero columns added left and right
    /// of the input; for a <see cref="Conv2DTransposeLayer"/>, columns cropped from the left and the right of the full output.
    /// </summary>
    public int PadWidth { get; }

    /// <summary>Whether b is added.</summary>
    public bool UseBias { get; }

    /// <summary>
    /// W: (filters, Cin, kH, kW) for a <see cref="Conv2DLayer"/> (torch.nn.Conv2d), (Cin, filters, kH, kW) for a
    /// <see cref="Conv2DTransposeLayer"/> (torch.nn.ConvTranspose2d's and ONNX ConvTranspose's layout).
    /// </summary>
    public Parameter Weight => _weight;

    /// <summary>b, (filters), or null without bias.</summary>
    public Parameter? Bias => _bias;

    /// <summary>Cin, H and W of the input; any other rank than 3 fails naming <paramref name="layerType"/> and the layer.</summary>
    private protected (int Channels, int Height, int Width) ConvolutionInput(TensorShape inputShape, string layerType)
    {
        if (inputShape.Rank != 3)
        {
            throw new ArgumentException(
                $"{layerType} layer '{Name}' needs a (channels, height, width) input; got shape {inputShape} of rank {inputShape.Rank}.", nameof(inputShape));
        }
        return (inputShape.Dimensions[0], inputShape.Dimensions[1], inputShape.Dimensions[2]);
    }

    /// <summary>Declares "{Name}.weight" (regularized) and, with <see cref="UseBias"/>, "{Name}.bias" (not); both initializers see the same fans.</summary>
    private protected void AddParameters(ParameterStore parameters, int weightSize, int fanIn, int fanOut)
    {
        _weight = parameters.AddTrainable($"{Name}.weight", weightSize, _weightInitializer, fanIn, fanOut, regularized: true);
        if (UseBias) _bias = parameters.AddTrainable($"{Name}.bias", Filters, _biasInitializer, fanIn, fanOut, regularized: false);
    }
}
