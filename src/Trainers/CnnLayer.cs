using MLNet.DeepExtensions.Networks.Layers;

namespace MLNet.DeepExtensions;

/// <summary>
/// One layer of a <see cref="DeepCnnTrainer"/> network, as a description: the trainer creates fresh layers from it at
/// every Fit, so one options object serves any number of fits (cross-validation, retraining). A custom network is a
/// few readable lines:
/// <code>
/// Layers =
/// [
///     CnnLayer.Conv2D(32, 3, padding: 1), CnnLayer.Relu(), CnnLayer.MaxPool(2),
///     CnnLayer.Conv2D(64, 3, padding: 1), CnnLayer.Relu(), CnnLayer.MaxPool(2),
///     CnnLayer.Flatten(), CnnLayer.Dense(128), CnnLayer.Relu(),
/// ]
/// </code>
/// The trainer adds the output layer (one unit per class, or one for regression), flattening first if needed.
/// </summary>
public sealed class CnnLayer
{
    private readonly Func<bool, Layer> _create;
    private readonly Func<bool, bool> _spatialAfter;

    private CnnLayer(string description, Func<bool, Layer> create, Func<bool, bool>? spatialAfter = null)
    {
        Description = description;
        _create = create;
        _spatialAfter = spatialAfter ?? (spatial => spatial);
    }

    /// <summary>What the layer is: "Conv2D(32, 3x3, stride 1, padding 1)".</summary>
    public string Description { get; }

    /// <inheritdoc/>
    public override string ToString() => Description;

    /// <summary>2-D convolution with <paramref name="filters"/> output channels and a square kernel (torch.nn.Conv2d; padding Valid by default, Same or a count per side).</summary>
    public static CnnLayer Conv2D(int filters, int kernelSize = 3, int stride = 1, Conv2DPadding padding = default, int dilation = 1, bool useBias = true)
    {
        // Constructing once checks the arguments here, where the user wrote them, rather than at Fit.
        _ = new Conv2DLayer(filters, kernelSize, stride, padding, dilation, useBias);
        return new($"Conv2D({filters}, {kernelSize}x{kernelSize}, stride {stride}, padding {Describe(padding)}{(dilation > 1 ? $", dilation {dilation}" : "")})",
            spatial => Spatial(spatial, "Conv2D", () => new Conv2DLayer(filters, kernelSize, stride, padding, dilation, useBias)));
    }

    /// <summary>Transposed 2-D convolution (up-convolution, torch.nn.ConvTranspose2d).</summary>
    public static CnnLayer Conv2DTranspose(int filters, int kernelSize, int stride = 1, int padding = 0, int outputPadding = 0, bool useBias = true)
    {
        _ = new Conv2DTransposeLayer(filters, kernelSize, stride, Conv2DPadding.Explicit(padding, padding), outputPadding, useBias: useBias);
        return new($"Conv2DTranspose({filters}, {kernelSize}x{kernelSize}, stride {stride}, padding {padding}, output padding {outputPadding})",
            spatial => Spatial(spatial, "Conv2DTranspose", () => new Conv2DTransposeLayer(filters, kernelSize, stride, Conv2DPadding.Explicit(padding, padding), outputPadding, useBias: useBias)));
    }

    /// <summary>Max pooling over <paramref name="size"/> x <paramref name="size"/> windows; the stride defaults to the size.</summary>
    public static CnnLayer MaxPool(int size = 2, int? stride = null, int padding = 0)
    {
        _ = new MaxPool2DLayer(size, stride, padding);
        return new($"MaxPool({size}, stride {stride ?? size})", spatial => Spatial(spatial, "MaxPool", () => new MaxPool2DLayer(size, stride, padding)));
    }

    /// <summary>Average pooling over <paramref name="size"/> x <paramref name="size"/> windows (padding counts in the divisor, as PyTorch's default).</summary>
    public static CnnLayer AvgPool(int size = 2, int? stride = null, int padding = 0)
    {
        _ = new AvgPool2DLayer(size, stride, padding);
        return new($"AvgPool({size}, stride {stride ?? size})", spatial => Spatial(spatial, "AvgPool", () => new AvgPool2DLayer(size, stride, padding)));
    }

    /// <summary>Averages each channel over the image: (C, H, W) → (C).</summary>
    public static CnnLayer GlobalAvgPool() =>
        new("GlobalAvgPool", spatial => Spatial(spatial, "GlobalAvgPool", () => new GlobalAvgPoolLayer()), _ => false);

    /// <summary>Batch normalization: per channel on images (BatchNorm2d), per feature after Flatten (BatchNorm1d). PyTorch's momentum 0.1 and ε 1e-5.</summary>
    public static CnnLayer BatchNorm() =>
        new("BatchNorm", spatial => spatial ? new BatchNorm2DLayer() : new BatchNormLayer());

    /// <summary>An activation function.</summary>
    public static CnnLayer Activation(ActivationKind kind)
    {
        if (!Enum.IsDefined(kind)) throw new ArgumentOutOfRangeException(nameof(kind), $"CnnLayer.Activation needs a defined ActivationKind; got {kind}.");
        return new(kind.ToString(), _ => new ActivationLayer(kind));
    }

    /// <summary>ReLU.</summary>
    public static CnnLayer Relu() => Activation(ActivationKind.Relu);

    /// <summary>Inverted dropout at <paramref name="rate"/> during training; the identity when scoring.</summary>
    public static CnnLayer Dropout(float rate)
    {
        _ = new DropoutLayer(rate);
        return new($"Dropout({rate})", _ => new DropoutLayer(rate));
    }

    /// <summary>(C, H, W) → (C·H·W), row-major: the same order as the feature vector.</summary>
    public static CnnLayer Flatten() => new("Flatten", _ => new FlattenLayer(), _ => false);

    /// <summary>Fully connected layer with <paramref name="units"/> outputs (flattens an image input first).</summary>
    public static CnnLayer Dense(int units, bool useBias = true)
    {
        _ = new DenseLayer(units, useBias);
        return new($"Dense({units})", _ => new DenseLayer(units, useBias), _ => false);
    }

    /// <summary>
    /// A residual (skip) connection: output = layers(x) + shortcut(x), where an empty or null <paramref name="shortcut"/>
    /// is the identity. Both paths must produce the same shape (use a 1x1 convolution shortcut to change channels or stride).
    /// </summary>
    public static CnnLayer Residual(IReadOnlyList<CnnLayer> layers, IReadOnlyList<CnnLayer>? shortcut = null)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Count == 0) throw new ArgumentException("CnnLayer.Residual needs at least one layer on its main path; got none.", nameof(layers));
        if (layers.Any(l => l is null) || (shortcut?.Any(l => l is null) ?? false)) throw new ArgumentException("CnnLayer.Residual: a layer of the block is null.", nameof(layers));
        var main = layers.ToArray();
        var side = shortcut?.ToArray() ?? [];
        string description = $"Residual[{string.Join(" ", main.Select(l => l.Description))} | {(side.Length == 0 ? "identity" : string.Join(" ", side.Select(l => l.Description)))}]";
        return new(description, spatial => new ResidualBlock(CreateAll(main, spatial), side.Length == 0 ? null : CreateAll(side, spatial)),
            spatial => SpatialAfter(main, spatial));
    }

    /// <summary>Creates the layers of <paramref name="specs"/> for an input that is an image (<paramref name="spatial"/>) or a flat vector.</summary>
    internal static List<Layer> CreateAll(IEnumerable<CnnLayer> specs, bool spatial)
    {
        var layers = new List<Layer>();
        foreach (var spec in specs)
        {
            layers.Add(spec._create(spatial));
            spatial = spec._spatialAfter(spatial);
        }
        return layers;
    }

    /// <summary>Whether the output of <paramref name="specs"/> is still an image.</summary>
    internal static bool SpatialAfter(IEnumerable<CnnLayer> specs, bool spatial)
    {
        foreach (var spec in specs) spatial = spec._spatialAfter(spatial);
        return spatial;
    }

    private static Layer Spatial(bool spatial, string what, Func<Layer> create) => spatial ? create()
        : throw new InvalidOperationException($"CnnLayer.{what} needs an image (channels, height, width) input, but it follows a Flatten, Dense or GlobalAvgPool layer; move it before them.");

    private static string Describe(Conv2DPadding padding) => padding.Mode switch
    {
        Conv2DPaddingMode.Same => "same",
        Conv2DPaddingMode.Valid => "0",
        _ => padding.Height == padding.Width ? padding.Height.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{padding.Height}x{padding.Width}",
    };
}
