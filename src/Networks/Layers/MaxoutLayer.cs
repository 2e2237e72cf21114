using MLNet.DeepExtensions.Kernels;

namespace MLNet.DeepExtensions.Networks.Layers;

/// <summary>
/// Maxout (Goodfellow et al., 2013) over <see cref="Pieces"/> pieces: the input's features are grouped in runs of
/// <see cref="Pieces"/> consecutive values and each group outputs its maximum. Input (batch, units·pieces), output
/// (batch, units). Put a Dense(units·pieces) before it for the classic maxout unit (tfa.layers.Maxout semantics).
/// </summary>
public sealed class MaxoutLayer : Layer
{
    private DeviceBuffer _output = null!;
    private DeviceBuffer _argMax = null!; // cache: which piece won, per output
    private DeviceBuffer _dInput = null!;

    /// <summary>Creates a maxout over <paramref name="pieces"/> pieces (at least 2).</summary>
    public MaxoutLayer(int pieces, string? name = null) : base(name)
    {
        if (pieces < 2) throw new ArgumentOutOfRangeException(nameof(pieces), $"Maxout needs at least 2 pieces; got {pieces}.");
        Pieces = pieces;
    }

    /// <summary>Values each output takes the maximum over.</summary>
    public int Pieces { get; }

    /// <inheritdoc/>
    public override string Kind => "maxout";

    private int Units => InputShape.Size / Pieces;

    /// <inheritdoc/>
    protected override TensorShape BuildCore(TensorShape inputShape, ParameterStore parameters)
    {
        if (inputShape.Size % Pieces != 0)
        {
            throw new ArgumentException($"Maxout layer '{Name}' with {Pieces} pieces needs an input size divisible by {Pieces}; got input shape {inputShape} ({inputShape.Size} features).", nameof(inputShape));
        }
        return new TensorShape(inputShape.Size / Pieces);
    }

    /// <inheritdoc/>
    protected override void AllocateCore(int maxBatchSize)
    {
        _output = Workspace(maxBatchSize * Units);
        _argMax = Workspace(maxBatchSize * Units);
        _dInput = Workspace(maxBatchSize * InputShape.Size);
    }

    /// <inheritdoc/>
    public override DeviceBuffer Forward(DeviceBuffer input, int batchSize, in ForwardContext context)
    {
        CheckBatch(batchSize);
        Backend.MaxoutForward(input, _output, _argMax, batchSize, Units, Pieces);
        return _output;
    }

    // the gradient flows only to the winning piece
    /// <inheritdoc/>
    public override DeviceBuffer? Backward(DeviceBuffer dOutput, int batchSize, bool computeInputGradient)
    {
        CheckBatch(batchSize);
        if (!computeInputGradient) return null;
        Backend.MaxoutBackward(dOutput, _argMax, _dInput, batchSize, Units, Pieces);
        return _dInput;
    }

    /// <inheritdoc/>
    public override string Describe() => $"Maxout({Pieces} pieces)";
}
