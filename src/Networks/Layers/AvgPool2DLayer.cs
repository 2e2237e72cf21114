using MLNet.DeepExtensions.Kernels;

namespace MLNet.DeepExtensions.Networks.Layers;

/// <summary>
/// 2-D average pooling: input (channels, height, width) per sample, output (channels, Hout, Wout) holding each
/// window's mean (see <see cref="Pool2DLayer"/> for Hout). Padding counts in the divisor, PoolSize² always
/// (count_include_pad = True): equivalent to torch.nn.AvgPool2d(poolSize, stride, padding) with its defaults, and,
/// with padding 0, to Keras AveragePooling2D(poolSize, strides, "valid").
/// </summary>
public sealed class AvgPool2DLayer : Pool2DLayer
{
    private DeviceBuffer _output = null!;
    private DeviceBuffer _dInput = null!;

    /// <summary>Creates the layer; <paramref name="stride"/> null means <paramref name="poolSize"/>.</summary>
    public AvgPool2DLayer(int poolSize, int? stride = null, int padding = 0, string? name = null)
        : base(poolSize, stride, padding, name)
    {
    }

    /// <inheritdoc/>
    public override string Kind => "avg_pool2d";

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
        Backend.AvgPool2DForward(input, _output, Shape.WithBatch(batchSize));
        return _output;
    }

    // Linear, so no cache: each window spreads its gradient evenly, dOutput / PoolSize², over its real elements.
    /// <inheritdoc/>
    public override DeviceBuffer? Backward(DeviceBuffer dOutput, int batchSize, bool computeInputGradient)
    {
        CheckBatch(batchSize);
        if (!computeInputGradient) return null;
        Backend.AvgPool2DBackward(dOutput, _dInput, Shape.WithBatch(batchSize));
        return _dInput;
    }
}
