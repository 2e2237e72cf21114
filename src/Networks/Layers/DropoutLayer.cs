using MLNet.DeepExtensions.Kernels;

namespace MLNet.DeepExtensions.Networks.Layers;

/// <summary>
/// Inverted dropout (Keras Dropout, torch.nn.Dropout): in training each value is zeroed with probability
/// <see cref="Rate"/> and the survivors scaled by 1/(1 − rate); in inference it is the identity. The mask comes from a
/// counter-based generator keyed by the step's seed, so a seeded run draws the same masks on every backend.
/// </summary>
public sealed class DropoutLayer : Layer
{
    private DeviceBuffer _output = null!;
    private DeviceBuffer _mask = null!; // cache: the mask Backward multiplies by
    private DeviceBuffer _dInput = null!;
    private bool _lastWasTraining;

    /// <summary>Creates a dropout layer; <paramref name="rate"/> in [0, 1).</summary>
    public DropoutLayer(float rate, string? name = null) : base(name)
    {
        if (!(rate >= 0f && rate < 1f)) throw new ArgumentOutOfRangeException(nameof(rate), $"Dropout rate must be in [0, 1); got {rate}.");
        Rate = rate;
    }

    /// <summary>Probability of zeroing a value.</summary>
    public float Rate { get; }

    /// <inheritdoc/>
    public override string Kind => "dropout";

    /// <inheritdoc/>
    protected override TensorShape BuildCore(TensorShape inputShape, ParameterStore parameters) => inputShape;

    /// <inheritdoc/>
    protected override void AllocateCore(int maxBatchSize)
    {
        _output = Workspace(maxBatchSize * InputShape.Size);
        _mask = Workspace(maxBatchSize * InputShape.Size);
        _dInput = Workspace(maxBatchSize * InputShape.Size);
    }

    /// <inheritdoc/>
    public override DeviceBuffer Forward(DeviceBuffer input, int batchSize, in ForwardContext context)
    {
        CheckBatch(batchSize);
        _lastWasTraining = context.Training && Rate > 0f;
        if (!_lastWasTraining) return input;
        Backend.DropoutForward(input, _output, _mask, batchSize * InputShape.Size, Rate, context.Seed);
        return _output;
    }

    // dx = dy · mask (identity when the forward pass was the identity)
    /// <inheritdoc/>
    public override DeviceBuffer? Backward(DeviceBuffer dOutput, int batchSize, bool computeInputGradient)
    {
        CheckBatch(batchSize);
        if (!computeInputGradient) return null;
        if (!_lastWasTraining) return dOutput;
        Backend.Multiply(dOutput, _mask, _dInput, batchSize * InputShape.Size);
        return _dInput;
    }

    /// <inheritdoc/>
    public override string Describe() => $"Dropout({Rate})";
}
