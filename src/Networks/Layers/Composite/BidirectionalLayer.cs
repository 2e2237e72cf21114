using MLNet.DeepExtensions.Kernels;

namespace MLNet.DeepExtensions.Networks.Layers;

/// <summary>
/// Runs two recurrent layers over the sequence, one forward and one on each sequence's valid prefix reversed, and
/// concatenates their outputs (Keras Bidirectional(layer, merge_mode="concat"); torch.nn.LSTM(bidirectional=True)):
/// (2H) = [forward last | backward last], or (steps, 2H) with each step's [forward | backward] when the layers return
/// sequences (the backward sequence reversed back, so step t of both halves is about input step t).
/// </summary>
/// <remarks>
/// Both layers must be of the same type with the same hidden size, output mode and options; they are named
/// "{Name}.forward" and "{Name}.backward" (their parameters "{Name}.forward.weight_ih", …). After an
/// <see cref="EmbeddingLayer"/> the reversal and the masking use each row's length, so padding stays trailing for the
/// backward layer and changes nothing; without one, the whole sequence is reversed. Built from two verified layers
/// and the reversal (its own adjoint) and concat (adjoint split): no hand-written gradient of its own.
/// </remarks>
public sealed class BidirectionalLayer : Layer, ISequenceLengthsReader
{
    private EmbeddingLayer? _lengthsSource;
    private DeviceBuffer _reversedInput = null!, _output = null!, _dForward = null!, _dBackward = null!, _dInput = null!;
    private DeviceBuffer? _reversedOutput, _dBackwardReversed; // sequence output only
    private DeviceBuffer? _lengths;

    /// <summary>Creates the layer from <paramref name="forward"/> and <paramref name="backward"/> (two distinct, unbuilt layers of one configuration).</summary>
    public BidirectionalLayer(RecurrentLayer forward, RecurrentLayer backward, string? name = null)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(forward);
        ArgumentNullException.ThrowIfNull(backward);
        if (ReferenceEquals(forward, backward))
        {
            throw new ArgumentException("A Bidirectional layer needs two distinct layer instances; the same one was passed for both directions.", nameof(backward));
        }
        if (!forward.SameConfiguration(backward))
        {
            throw new ArgumentException(
                $"A Bidirectional layer needs two layers of the same configuration; got forward {forward.Describe()} and backward {backward.Describe()}.", nameof(backward));
        }
        if (forward.IsBuilt || backward.IsBuilt) throw new ArgumentException("A Bidirectional layer needs layers that are not built yet.", forward.IsBuilt ? nameof(forward) : nameof(backward));
        ForwardLayer = forward;
        BackwardLayer = backward;
    }

    /// <summary>The layer that reads the sequence in order.</summary>
    public RecurrentLayer ForwardLayer { get; }

    /// <summary>The layer that reads each sequence reversed.</summary>
    public RecurrentLayer BackwardLayer { get; }

    /// <inheritdoc/>
    public override string Kind => "bidirectional";

    EmbeddingLayer? ISequenceLengthsReader.LengthsSource
    {
        get => _lengthsSource;
        set
        {
            _lengthsSource = value;
            ((ISequenceLengthsReader)ForwardLayer).LengthsSource = value;
            ((ISequenceLengthsReader)BackwardLayer).LengthsSource = value;
        }
    }

    private protected override void OnNameChanged()
    {
        ForwardLayer.Name = $"{Name}.forward";
        BackwardLayer.Name = $"{Name}.backward";
    }

    private int Hidden => ForwardLayer.HiddenSize;

    /// <inheritdoc/>
    protected override TensorShape BuildCore(TensorShape inputShape, ParameterStore parameters)
    {
        ForwardLayer.Build(inputShape, parameters);
        BackwardLayer.Build(inputShape, parameters);
        return ForwardLayer.ReturnSequences ? new TensorShape(ForwardLayer.Steps, 2 * Hidden) : new TensorShape(2 * Hidden);
    }

    /// <inheritdoc/>
    protected override void AllocateCore(int maxBatchSize)
    {
        ForwardLayer.Allocate(Backend, maxBatchSize);
        BackwardLayer.Allocate(Backend, maxBatchSize);
        int inputSize = InputShape.Size, half = ForwardLayer.OutputShape.Size;
        _reversedInput = Workspace(maxBatchSize * inputSize);
        _output = Workspace(maxBatchSize * 2 * half);
        _dForward = Workspace(maxBatchSize * half);
        _dBackward = Workspace(maxBatchSize * half);
        _dInput = Workspace(maxBatchSize * inputSize);
        _reversedOutput = ForwardLayer.ReturnSequences ? Workspace(maxBatchSize * half) : null;
        _dBackwardReversed = ForwardLayer.ReturnSequences ? Workspace(maxBatchSize * half) : null;
    }

    /// <inheritdoc/>
    public override DeviceBuffer Forward(DeviceBuffer input, int batchSize, in ForwardContext context)
    {
        CheckBatch(batchSize);
        int steps = ForwardLayer.Steps, h = Hidden;
        _lengths = _lengthsSource?.Lengths;
        var forwardOutput = ForwardLayer.Forward(input, batchSize, context);
        Backend.ReverseSequences(input, _reversedInput, batchSize, steps, ForwardLayer.Features, _lengths);
        var backwardOutput = BackwardLayer.Forward(_reversedInput, batchSize, context);
        if (ForwardLayer.ReturnSequences)
        {
            Backend.ReverseSequences(backwardOutput, _reversedOutput!, batchSize, steps, h, _lengths);
            Backend.ConcatColumns(forwardOutput, h, _reversedOutput!, h, _output, batchSize * steps);
        }
        else
        {
            Backend.ConcatColumns(forwardOutput, h, backwardOutput, h, _output, batchSize);
        }
        return _output;
    }

    // The adjoints in reverse: split the halves, un-reverse the backward half, run both layers back, reverse the
    // backward layer's input gradient and add the two.
    /// <inheritdoc/>
    public override DeviceBuffer? Backward(DeviceBuffer dOutput, int batchSize, bool computeInputGradient)
    {
        CheckBatch(batchSize);
        int steps = ForwardLayer.Steps, h = Hidden;
        int rows = ForwardLayer.ReturnSequences ? batchSize * steps : batchSize;
        Backend.SplitColumns(dOutput, rows, h, h, _dForward, _dBackward);
        var dBackward = _dBackward;
        if (ForwardLayer.ReturnSequences)
        {
            Backend.ReverseSequences(_dBackward, _dBackwardReversed!, batchSize, steps, h, _lengths);
            dBackward = _dBackwardReversed!;
        }
        var dxForward = ForwardLayer.Backward(_dForward, batchSize, computeInputGradient);
        var dxBackward = BackwardLayer.Backward(dBackward, batchSize, computeInputGradient);
        if (!computeInputGradient) return null;
        int inputSize = InputShape.Size;
        Backend.ReverseSequences(dxBackward!, _dInput, batchSize, steps, ForwardLayer.Features, _lengths);
        Backend.Axpy(1f, dxForward!, _dInput, batchSize * inputSize);
        return _dInput;
    }

    /// <inheritdoc/>
    public override string Describe() => $"Bidirectional({ForwardLayer.Describe()})";

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            ForwardLayer.Dispose();
            BackwardLayer.Dispose();
        }
        base.Dispose(disposing);
    }
}
