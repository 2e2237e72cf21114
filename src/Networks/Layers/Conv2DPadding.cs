namespace MLNet.DeepExtensions.Networks.Layers;

/// <summary>
/// How a <see cref="Conv2DLayer"/> pads its input with zeros: <see cref="Valid"/> (none), <see cref="Same"/> (output
/// size = input size) or an explicit symmetric count per side (an <see cref="int"/> converts implicitly, as
/// torch.nn.Conv2d's <c>padding=p</c>).
/// </summary>
/// <remarks>
/// "Same" follows torch.nn.Conv2d(padding='same') rather than Keras: it is symmetric, (k − 1)·dilation/2 per side, so
/// it needs stride 1 and an odd dilated kernel extent; Keras' asymmetric padding for even kernels or strides would
/// need a one-sided pad that the convolution op does not have, so those are rejected with a message instead of being
/// silently different from Keras.
/// </remarks>
public readonly record struct Conv2DPadding
{
    private Conv2DPadding(Conv2DPaddingMode mode, int height, int width)
    {
        Mode = mode;
        Height = height;
        Width = width;
    }

    /// <summary>No padding: the kernel only visits positions fully inside the input.</summary>
    public static Conv2DPadding Valid => new(Conv2DPaddingMode.Valid, 0, 0);

    /// <summary>Symmetric padding that keeps the input's height and width (stride 1, odd dilated kernels only).</summary>
    public static Conv2DPadding Same => new(Conv2DPaddingMode.Same, 0, 0);

    /// <summary>Which kind of padding this is.</summary>
    public Conv2DPaddingMode Mode { get; }

    /// <summary>Zero rows above and below (explicit padding only).</summary>
    public int Height { get; }

    /// <summary>Zero columns left and right (explicit padding only).</summary>
    public int Width { get; }

    /// <summary><paramref name="height"/> zero rows above and below, <paramref name="width"/> columns left and right.</summary>
    public static Conv2DPadding Explicit(int height, int width)
    {
        if (height < 0) throw new ArgumentOutOfRangeException(nameof(height), height, $"Padding must be non-negative; got height {height}.");
        if (width < 0) throw new ArgumentOutOfRangeException(nameof(width), width, $"Padding must be non-negative; got width {width}.");
        return new(Conv2DPaddingMode.Explicit, height, width);
    }

    /// <summary><paramref name="padding"/> zeros on every side.</summary>
    public static implicit operator Conv2DPadding(int padding) => Explicit(padding, padding);

    /// <summary>Same as the implicit conversion from <see cref="int"/>.</summary>
    public static Conv2DPadding FromInt32(int padding) => Explicit(padding, padding);

    /// <summary>The padding per side for one axis of kernel <paramref name="kernel"/>.</summary>
    internal int Resolve(int kernel, int stride, int dilation, bool vertical)
    {
        switch (Mode)
        {
            case Conv2DPaddingMode.Valid:
                return 0;
            case Conv2DPaddingMode.Explicit:
                return vertical ? Height : Width;
            default:
                int total = (kernel - 1) * dilation;
                string axis = vertical ? "height" : "width";
                if (stride != 1)
                {
                    throw new ArgumentException(
                        $"'same' padding needs stride 1 (as torch.nn.Conv2d); got {axis} stride {stride}. Use explicit padding ((k − 1)·dilation/2 gives ⌈size/stride⌉ outputs, centred differently from Keras).");
                }
                if (total % 2 != 0)
                {
                    throw new ArgumentException(
                        $"'same' padding needs an odd dilated kernel extent so it can be split evenly; the {axis} kernel {kernel} with dilation {dilation} spans {total + 1}. Use an odd kernel or explicit padding.");
                }
                return total / 2;
        }
    }

    /// <inheritdoc />
    public override string ToString() => Mode switch
    {
        Conv2DPaddingMode.Valid => "valid",
        Conv2DPaddingMode.Same => "same",
        _ => Height == Width ? $"padding {Height}" : $"padding {Height}x{Width}",
    };
}
