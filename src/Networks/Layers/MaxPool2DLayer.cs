using MLNet.DeepExtensions.Kernels;

namespace MLNet.DeepExtensions.Networks.Layers;

/// <summary>
/// 2-D max pooling: input (channels, height, width) per sample, output (channels, Hout, Wout) holding each window's
/// maximum (see <see cref="Pool2DLayer"/> for Hout). Padding never wins (PyTorch's −∞ padding). Equivalent to
/// torch.nn.MaxPool2d(poolSize, stride, padding) and, with padding 0, Keras MaxPooling2D(poolSize, strides, "valid").
/// </summary>
public sealed class MaxPool2DLayer : Pool2DLayer
{
    private DeviceBuffer _output = null!;
    private DeviceBuffer _argMax = null!; // cache: which input won each window, all Backward needs
    private DeviceBuffer _dInput = null!;

    /// <summary>Creates the layer; <paramref name="stride"/> null means <paramref name="poolSize"/>.</summary>
    public MaxPool2DLayer(int poolSize, int? stride = null, int padding = 0, string? name = null)
        : base(poolSize, stride, padding, name)
    {
    }

    /// <inheritdoc/>
    public override string Kind => "max_pool2d";

    /// <inheritdoc/>
    protected override void AllocateCore(int maxBatchSize)
    {
        _output = Workspace(maxBatchSize * OutputShape.Size);
        _argMax = Workspace(maxBatchSize * OutputShape.Size);
        _dInput = Workspace(maxBatchSize * InputShape.Size);
    }

    /// <inheritdoc/>
    public override DeviceBuffer Forward(DeviceBuffer input, int batchSize, in ForwardContext context)
    {
        CheckBatch(batchSize);
        Backend.MaxPool2DForward(input, _output, _argMax, Shape.WithBatch(batchSize));
        return _output;
    }

    // The gradient goes to each window's winner; where overlapping windows share one, their gradients add up.
    /// <inheritdoc/>
    public override DeviceBuffer? Backward(DeviceBuffer dOutput, int batchSize, bool computeInputGradient)
    {
        CheckBatch(batchSize);
        if (!computeInputGradient) return null;
        Backend.MaxPool2DBackward(dOutput, _argMax, _dInput, Shape.WithBatch(batchSize));
        return _dInput;
    }
}
