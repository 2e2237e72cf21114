namespace MLNet.DeepExtensions.Kernels.Pooling;

/// <summary>
/// The dimensions of a 2-D pooling over an NCHW batch: input (Batch, Channels, Height, Width), a PoolHeight × PoolWidth
/// window moved by (StrideHeight, StrideWidth) over the input padded by PadHeight rows and PadWidth columns on each
/// side, output (Batch, Channels, OutputHeight, OutputWidth) with OutputHeight = ⌊(Height + 2·PadHeight − PoolHeight) /
/// StrideHeight⌋ + 1 (PyTorch's floor mode, ceil_mode = False), likewise OutputWidth.
/// </summary>
/// <remarks>
/// The constructor validates everything, so a kernel given a <see cref="Pool2DShape"/> may trust it. Like PyTorch, the
/// padding may be at most half the window in each direction: then every window holds at least one real input
/// element, so a max pool never outputs the padding and an average never covers padding only.
/// The struct holds only ints, so ILGPU kernels take it as an argument.
/// </remarks>
public readonly record struct Pool2DShape
{
    /// <summary>Validates and stores the dimensions; throws <see cref="ArgumentOutOfRangeException"/> naming the offending one.</summary>
    public Pool2DShape(int batch, int channels, int height, int width, int poolHeight, int poolWidth,
        int strideHeight, int strideWidth, int padHeight, int padWidth)
    {
        NonNegative(batch, nameof(batch));
        NonNegative(channels, nameof(channels));
        Positive(height, nameof(height));
        Positive(width, nameof(width));
        Positive(poolHeight, nameof(poolHeight));
        Positive(poolWidth, nameof(poolWidth));
        Positive(strideHeight, nameof(strideHeight));
        Positive(strideWidth, nameof(strideWidth));
        Padding(padHeight, poolHeight, nameof(padHeight), nameof(poolHeight));
        Padding(padWidth, poolWidth, nameof(padWidth), nameof(poolWidth));
        WindowFits(poolHeight, height, padHeight, nameof(poolHeight), nameof(height), nameof(padHeight));
        WindowFits(poolWidth, width, padWidth, nameof(poolWidth), nameof(width), nameof(padWidth));

        int outputHeight = (height + 2 * padHeight - poolHeight) / strideHeight + 1;
        int outputWidth = (width + 2 * padWidth - poolWidth) / strideWidth + 1;
        long planes = (long)batch * channels;
        // Kernels index with int: both tensors must stay below 2^31 elements.
        if (planes * height * width > int.MaxValue || planes * outputHeight * outputWidth > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(batch),
                $"Pooling input ({batch}, {channels}, {height}, {width}) has {planes * height * width} elements; at most {int.MaxValue} are supported.");
        }

        Batch = batch;
        Channels = channels;
        Height = height;
        Width = width;
        PoolHeight = poolHeight;
        PoolWidth = poolWidth;
        StrideHeight = strideHeight;
        StrideWidth = strideWidth;
        PadHeight = padHeight;
        PadWidth = padWidth;
        OutputHeight = outputHeight;
        OutputWidth = outputWidth;
    }

    /// <summary>N: images in the batch.</summary>
    public int Batch { get; }
    /// <summary>C: channels per image.</summary>
    public int Channels { get; }
    /// <summary>H: input rows.</summary>
    public int Height { get; }
    /// <summary>W: input columns.</summary>
    public int Width { get; }
    /// <summary>Window rows.</summary>
    public int PoolHeight { get; }
    /// <summary>Window columns.</summary>
    public int PoolWidth { get; }
    /// <summary>Vertical step between windows.</summary>
    public int StrideHeight { get; }
    /// <summary>Horizontal step between windows.</summary>
    public int StrideWidth { get; }
    /// <summary>Padding rows above and below.</summary>
    public int PadHeight { get; }
    /// <summary>Padding columns left and right.</summary>
    public int PadWidth { get; }
    /// <summary>⌊(H + 2·PadHeight − PoolHeight) / StrideHeight⌋ + 1.</summary>
    public int OutputHeight { get; }
    /// <summary>⌊(W + 2·PadWidth − PoolWidth) / StrideWidth⌋ + 1.</summary>
    public int OutputWidth { get; }

    /// <summary>Input rows [Start, End) read by output row <paramref name="outputRow"/>, clipped to the image (padding holds no values).</summary>
    public (int Start, int End) RowWindow(int outputRow)
    {
        int first = outputRow * StrideHeight - PadHeight;
        return (Math.Max(first, 0), Math.Min(first + PoolHeight, Height));
    }

    /// <summary>Input columns [Start, End) read by output column <paramref name="outputColumn"/>, clipped to the image.</summary>
    public (int Start, int End) ColumnWindow(int outputColumn)
    {
        int first = outputColumn * StrideWidth - PadWidth;
        return (Math.Max(first, 0), Math.Min(first + PoolWidth, Width));
    }

    /// <summary>The same pooling for <paramref name="batch"/> images (a smaller last minibatch).</summary>
    public Pool2DShape WithBatch(int batch) =>
        new(batch, Channels, Height, Width, PoolHeight, PoolWidth, StrideHeight, StrideWidth, PadHeight, PadWidth);

    /// <summary>N·C: the number of image planes, each pooled on its own.</summary>
    public int Planes => Batch * Channels;
    /// <summary>Elements of the input tensor, N·C·H·W.</summary>
    public int InputLength => Batch * Channels * Height * Width;
    /// <summary>Elements of the output tensor, N·C·Hout·Wout.</summary>
    public int OutputLength => Batch * Channels * OutputHeight * OutputWidth;

    private static void NonNegative(int value, string name)
    {
        if (value < 0) throw new ArgumentOutOfRangeException(name, value, $"'{name}' must be a non-negative count; got {value}.");
    }

    private static void Positive(int value, string name)
    {
        if (value <= 0) throw new ArgumentOutOfRangeException(name, value, $"'{name}' must be positive; got {value}.");
    }

    private static void Padding(int pad, int pool, string padName, string poolName)
    {
        if (pad < 0 || 2 * pad > pool)
        {
            throw new ArgumentOutOfRangeException(padName, pad,
                $"'{padName}' must be in [0, {poolName}/2] = [0, {pool / 2}] (at most half the window, as in PyTorch); got {pad}.");
        }
    }

    private static void WindowFits(int pool, int size, int pad, string poolName, string sizeName, string padName)
    {
        if (pool > size + 2 * pad)
        {
            throw new ArgumentOutOfRangeException(poolName, pool,
                $"'{poolName}' must be at most the padded input {sizeName} + 2·{padName} = {size} + 2·{pad} = {size + 2 * pad}; got {pool}.");
        }
    }
}
