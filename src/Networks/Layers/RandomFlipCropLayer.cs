using MLNet.DeepExtensions.Kernels;

namespace MLNet.DeepExtensions.Networks.Layers;

/// <summary>
/// What the geometric augmentations share: in training, each sample is shifted by (dy, dx), each uniform in
/// [−<see cref="Padding"/>, <see cref="Padding"/>], with zero fill, and then mirrored left to right with probability
/// 1/2 when <see cref="HorizontalFlip"/> (<see cref="ComputeBackend.RandomFlipCropForward"/>); in inference the layer
/// is the identity and returns its input buffer. Input (channels, height, width) per sample, output the same shape;
/// every channel of a sample moves together. No parameters.
/// </summary>
/// <remarks>
/// The choices come from the step's seed (<see cref="ForwardContext.Seed"/>, which <see cref="Sequential"/> derives from
/// the model seed, the step and the layer index) through a counter-based hash, so a seeded run augments the same way on
/// every backend. Backward is the adjoint: each input element receives the gradient of the output element that read it.
/// </remarks>
public abstract class RandomFlipCropLayer : Layer
{
    private DeviceBuffer _output = null!;
    private DeviceBuffer _dInput = null!;
    private int _channels, _height, _width;
    // Cache: whether the last forward transformed, and with which seed (Backward redraws the same choices).
    private bool _lastWasTraining;
    private ulong _lastSeed;

    /// <summary>Validates the configuration; only the two layers of this assembly derive from it.</summary>
    private protected RandomFlipCropLayer(bool horizontalFlip, int padding, string? name) : base(name)
    {
        if (padding < 0) throw new ArgumentOutOfRangeException(nameof(padding), padding, $"padding must be non-negative; got {padding}.");
        HorizontalFlip = horizontalFlip;
        Padding = padding;
    }

    /// <summary>True when samples are mirrored left to right with probability 1/2.</summary>
    public bool HorizontalFlip { get; }

    /// <summary>Largest shift in rows and columns (the zero padding of torchvision's RandomCrop); 0 for none.</summary>
    public int Padding { get; }

    /// <inheritdoc/>
    protected sealed override TensorShape BuildCore(TensorShape inputShape, ParameterStore parameters)
    {
        (_channels, _height, _width) = ImageInput(inputShape, Describe());
        int largest = Math.Max(_height, _width);
        if (Padding > largest)
        {
            throw new ArgumentException(
                $"{Describe()} layer '{Name}' cannot shift input shape {inputShape} by up to {Padding}: padding must be at most max(height, width) = {largest}.",
                nameof(inputShape));
        }
        return inputShape;
    }

    /// <inheritdoc/>
    protected sealed override void AllocateCore(int maxBatchSize)
    {
        _output = Workspace(maxBatchSize * InputShape.Size);
        _dInput = Workspace(maxBatchSize * InputShape.Size);
    }

    /// <inheritdoc/>
    public sealed override DeviceBuffer Forward(DeviceBuffer input, int batchSize, in ForwardContext context)
    {
        CheckBatch(batchSize);
        _lastWasTraining = context.Training && (HorizontalFlip || Padding > 0);
        if (!_lastWasTraining) return input;
        _lastSeed = context.Seed;
        Backend.RandomFlipCropForward(input, _output, batchSize, _channels, _height, _width, HorizontalFlip, Padding, _lastSeed);
        return _output;
    }

    // dx = Aᵀ·dy for the forward's partial permutation A (same seed, same choices); the identity after an inference pass.
    /// <inheritdoc/>
    public sealed override DeviceBuffer? Backward(DeviceBuffer dOutput, int batchSize, bool computeInputGradient)
    {
        CheckBatch(batchSize);
        if (!computeInputGradient) return null;
        if (!_lastWasTraining) return dOutput;
        Backend.RandomFlipCropBackward(dOutput, _dInput, batchSize, _channels, _height, _width, HorizontalFlip, Padding, _lastSeed);
        return _dInput;
    }
}
