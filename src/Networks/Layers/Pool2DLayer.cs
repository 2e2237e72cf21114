using MLNet.DeepExtensions.Kernels.Pooling;

namespace MLNet.DeepExtensions.Networks.Layers;

/// <summary>
/// What the windowed 2-D poolings share: a square <see cref="PoolSize"/> window moved by <see cref="Stride"/> over
/// the input padded by <see cref="Padding"/> on every side. Input (channels, height, width) per sample, output
/// (channels, Hout, Wout) with Hout = ⌊(height + 2·padding − poolSize)/stride⌋ + 1 (PyTorch's floor mode; Keras'
/// "valid" padding when padding is 0). No parameters.
/// </summary>
public abstract class Pool2DLayer : Layer
{
    /// <summary>Validates the configuration; <paramref name="stride"/> null means <paramref name="poolSize"/> (as Keras and PyTorch).</summary>
    protected Pool2DLayer(int poolSize, int? stride, int padding, string? name) : base(name)
    {
        if (poolSize < 1) throw new ArgumentOutOfRangeException(nameof(poolSize), poolSize, $"poolSize must be positive; got {poolSize}.");
        if (stride is < 1) throw new ArgumentOutOfRangeException(nameof(stride), stride, $"stride must be positive (or null for poolSize); got {stride}.");
        if (padding < 0 || 2 * padding > poolSize)
        {
            throw new ArgumentOutOfRangeException(nameof(padding), padding,
                $"padding must be in [0, poolSize/2] = [0, {poolSize / 2}] (at most half the window, as in PyTorch); got {padding}.");
        }
        PoolSize = poolSize;
        Stride = stride ?? poolSize;
        Padding = padding;
    }

    /// <summary>Window height and width.</summary>
    public int PoolSize { get; }

    /// <summary>Step between windows, both directions.</summary>
    public int Stride { get; }

    /// <summary>Padding rows and columns added on each side.</summary>
    public int Padding { get; }

    /// <summary>C of the input (after Build).</summary>
    protected int Channels { get; private set; }

    /// <summary>H of the input (after Build).</summary>
    protected int Height { get; private set; }

    /// <summary>W of the input (after Build).</summary>
    protected int Width { get; private set; }

    /// <summary>The pooling of one sample (after Build); <see cref="Pool2DShape.WithBatch"/> gives each call's shape.</summary>
    protected Pool2DShape Shape { get; private set; }

    /// <inheritdoc/>
    protected sealed override TensorShape BuildCore(TensorShape inputShape, ParameterStore parameters)
    {
        (Channels, Height, Width) = ImageInput(inputShape, Describe());
        Pool2DShape shape;
        try
        {
            shape = new Pool2DShape(1, Channels, Height, Width, PoolSize, PoolSize, Stride, Stride, Padding, Padding);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new ArgumentException($"{Describe()} layer '{Name}' cannot pool input shape {inputShape}: {e.Message}", nameof(inputShape), e);
        }
        Shape = shape;
        return new TensorShape(Channels, shape.OutputHeight, shape.OutputWidth);
    }

    /// <inheritdoc/>
    public override string Describe() =>
        $"{GetType().Name.Replace("Layer", "", StringComparison.Ordinal)}({PoolSize}, stride {Stride}, padding {Padding})";
}
