using MLNet.DeepExtensions.Kernels;

namespace MLNet.DeepExtensions.Networks.Layers;

/// <summary>
/// Global average pooling: input (channels, height, width) per sample, output (channels), each channel's mean over its
/// height·width plane. Equivalent to Keras GlobalAveragePooling2D (channels first) and to torch.nn.AdaptiveAvgPool2d(1)
/// followed by a flatten. No parameters.
/// </summary>
public sealed class GlobalAvgPoolLayer : Layer
{
    private DeviceBuffer _output = null!;
    private DeviceBuffer _dInput = null!;
    private int _channels, _height, _width;

    /// <summary>Creates the layer.</summary>
    public GlobalAvgPoolLayer(string? name = null) : base(name)
    {
    }

    /// <inheritdoc/>
    public override string Kind => "global_avg_pool";

    /// <inheritdoc/>
    protected override TensorShape BuildCore(TensorShape inputShape, ParameterStore parameters)
    {
        (_channels, _height, _width) = ImageInput(inputShape, "GlobalAvgPool");
        return new TensorShape(_channels);
    }

    /// <inheritdoc/>
    protected override void AllocateCore(int maxBatchSize)
    {
        _output = Workspace(maxBatchSize * _channels);
        _dInput = Workspace(maxBatchSize * InputShape.Size);
    }

    /// <inheritdoc/>
    public override DeviceBuffer Forward(DeviceBuffer input, int batchSize, in ForwardContext context)
    {
        CheckBatch(batchSize);
        Backend.GlobalAvgPoolForward(input, _output, batchSize, _channels, _height, _width);
        return _output;
    }

    // Linear, so no cache: every element of a plane gets dOutput / (height·width).
    /// <inheritdoc/>
    public override DeviceBuffer? Backward(DeviceBuffer dOutput, int batchSize, bool computeInputGradient)
    {
        CheckBatch(batchSize);
        if (!computeInputGradient) return null;
        Backend.GlobalAvgPoolBackward(dOutput, _dInput, batchSize, _channels, _height, _width);
        return _dInput;
    }
}
