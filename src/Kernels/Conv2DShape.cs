namespace MLNet.DeepExtensions.Kernels;

/// <summary>
/// The dimensions of one 2-D convolution, in PyTorch's layout and cross-correlation semantics: input (N, Cin, H, W),
/// weight (Cout, Cin, kH, kW), bias (Cout), output (N, Cout, Hout, Wout), all row-major, with
/// Hout = ⌊(H + 2·padH − dilationH·(kH − 1) − 1) / strideH⌋ + 1 and Wout likewise (torch.nn.Conv2d's formula).
/// </summary>
/// <remarks>
/// The constructor validates every dimension and that the output is non-empty, so a backend given a shape made by it
/// may assume a valid convolution. Padding is symmetric (zeros on both sides), as torch.nn.Conv2d's integer padding.
/// </remarks>
public readonly record struct Conv2DShape
{
    /// <summary>Validates the dimensions and computes the output size.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is out of range, naming it, or the output would be empty.</exception>
    public Conv2DShape(int batch, int inChannels, int height, int width, int outChannels, int kernelHeight, int kernelWidth,
        int strideHeight = 1, int strideWidth = 1, int padHeight = 0, int padWidth = 0, int dilationHeight = 1, int dilationWidth = 1)
    {
        Check(batch, nameof(batch), 0, "a non-negative batch size");
        Check(inChannels, nameof(inChannels), 1, "a positive channel count");
        Check(height, nameof(height), 1, "a positive input height");
        Check(width, nameof(width), 1, "a positive input width");
        Check(outChannels, nameof(outChannels), 1, "a positive channel count");
        Check(kernelHeight, nameof(kernelHeight), 1, "a positive kernel height");
        Check(kernelWidth, nameof(kernelWidth), 1, "a positive kernel width");
        Check(strideHeight, nameof(strideHeight), 1, "a positive stride");
        Check(strideWidth, nameof(strideWidth), 1, "a positive stride");
        Check(padHeight, nameof(padHeight), 0, "a non-negative padding");
        Check(padWidth, nameof(padWidth), 0, "a non-negative padding");
        Check(dilationHeight, nameof(dilationHeight), 1, "a positive dilation");
        Check(dilationWidth, nameof(dilationWidth), 1, "a positive dilation");
        Batch = batch;
        InChannels = inChannels;
        Height = height;
        Width = width;
        OutChannels = outChannels;
        KernelHeight = kernelHeight;
        KernelWidth = kernelWidth;
        StrideHeight = strideHeight;
        StrideWidth = strideWidth;
        PadHeight = padHeight;
        PadWidth = padWidth;
        DilationHeight = dilationHeight;
        DilationWidth = dilationWidth;
        OutputHeight = ComputeOutputSize(height, kernelHeight, strideHeight, padHeight, dilationHeight, "height");
        OutputWidth = ComputeOutputSize(width, kernelWidth, strideWidth, padWidth, dilationWidth, "width");
        // Sizes are element counts of int-indexed buffers: refuse a shape whose buffers could not exist.
        InputSize = checked(batch * inChannels * height * width);
        WeightSize = checked(outChannels * inChannels * kernelHeight * kernelWidth);
        OutputSize = checked(batch * outChannels * OutputHeight * OutputWidth);
    }

    /// <summary>N.</summary>
    public int Batch { get; }
    /// <summary>Cin.</summary>
    public int InChannels { get; }
    /// <summary>H, the input height.</summary>
    public int Height { get; }
    /// <summary>W, the input width.</summary>
    public int Width { get; }
    /// <summary>Cout.</summary>
    public int OutChannels { get; }
    /// <summary>kH.</summary>
    public int KernelHeight { get; }
    /// <summary>kW.</summary>
    public int KernelWidth { get; }
    /// <summary>Vertical stride.</summary>
    public int StrideHeight { get; }
    /// <summary>Horizontal stride.</summary>
    public int StrideWidth { get; }
    /// <summary>Zero rows added above and below.</summary>
    public int PadHeight { get; }
    /// <summary>Zero columns added left and right.</summary>
    public int PadWidth { get; }
    /// <summary>Vertical spacing of the kernel taps.</summary>
    public int DilationHeight { get; }
    /// <summary>Horizontal spacing of the kernel taps.</summary>
    public int DilationWidth { get; }
    /// <summary>Hout.</summary>
    public int OutputHeight { get; }
    /// <summary>Wout.</summary>
    public int OutputWidth { get; }
    /// <summary>N·Cin·H·W, the input's element count.</summary>
    public int InputSize { get; }
    /// <summary>Cout·Cin·kH·kW, the weight's element count.</summary>
    public int WeightSize { get; }
    /// <summary>N·Cout·Hout·Wout, the output's element count.</summary>
    public int OutputSize { get; }

    /// <summary>Cin·kH·kW: the length of one output position's receptive field (the GEMM depth of im2col).</summary>
    public int PatchSize => InChannels * KernelHeight * KernelWidth;

    /// <summary>The same convolution for <paramref name="batch"/> images (a smaller last minibatch).</summary>
    public Conv2DShape WithBatch(int batch) => new(batch, InChannels, Height, Width, OutChannels, KernelHeight, KernelWidth,
        StrideHeight, StrideWidth, PadHeight, PadWidth, DilationHeight, DilationWidth);

    /// <inheritdoc />
    public override string ToString() =>
        $"Conv2D(N={Batch}, Cin={InChannels}, {Height}x{Width} -> Cout={OutChannels}, {OutputHeight}x{OutputWidth}; " +
        $"kernel {KernelHeight}x{KernelWidth}, stride {StrideHeight}x{StrideWidth}, pad {PadHeight}x{PadWidth}, dilation {DilationHeight}x{DilationWidth})";

    private static void Check(int value, string name, int minimum, string expected)
    {
        if (value < minimum) throw new ArgumentOutOfRangeException(name, value, $"'{name}' must be {expected}; got {value}.");
    }

    private static int ComputeOutputSize(int size, int kernel, int stride, int pad, int dilation, string dimension)
    {
        long span = (long)dilation * (kernel - 1) + 1; // extent of the dilated kernel
        long padded = size + 2L * pad;
        if (padded < span)
        {
            throw new ArgumentOutOfRangeException(dimension,
                $"The convolution's output {dimension} would be empty: the dilated kernel spans {span} but the padded input {dimension} is {padded} " +
                $"(input {size} + 2·padding {pad}; kernel {kernel}, dilation {dilation}).");
        }
        return checked((int)((padded - span) / stride + 1));
    }
}
