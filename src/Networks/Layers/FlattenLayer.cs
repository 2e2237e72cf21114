using MLNet.DeepExtensions.Kernels;

namespace MLNet.DeepExtensions.Networks.Layers;

/// <summary>
/// Reads any sample shape, e.g. (channels, height, width), as one vector of its Size (Keras Flatten,
/// torch.nn.Flatten). Row-major storage means no data moves: forward and backward pass the buffer through.
/// </summary>
public sealed class FlattenLayer : Layer
{
    /// <summary>Creates the layer.</summary>
    public FlattenLayer(string? name = null) : base(name)
    {
    }

    /// <inheritdoc/>
    public override string Kind => "flatten";

    /// <inheritdoc/>
    protected override TensorShape BuildCore(TensorShape inputShape, ParameterStore parameters) => new(inputShape.Size);

    /// <inheritdoc/>
    protected override void AllocateCore(int maxBatchSize)
    {
    }

    /// <inheritdoc/>
    public override DeviceBuffer Forward(DeviceBuffer input, int batchSize, in ForwardContext context)
    {
        CheckBatch(batchSize);
        return input;
    }

    /// <inheritdoc/>
    public override DeviceBuffer? Backward(DeviceBuffer dOutput, int batchSize, bool computeInputGradient)
    {
        CheckBatch(batchSize);
        return computeInputGradient ? dOutput : null;
    }
}
