using MLNet.DeepExtensions.Kernels;
using MLNet.DeepExtensions.Networks.Initializers;

namespace MLNet.DeepExtensions.Networks.Layers;

/// <summary>
/// The time loop shared by <see cref="SimpleRnnLayer"/>, <see cref="LstmLayer"/> and <see cref="GruLayer"/>: input
/// (steps, features) per sample, output the last hidden state (HiddenSize), or every step's (steps, HiddenSize) when
/// <see cref="ReturnSequences"/>. Parameters have PyTorch's names and layouts (torch.nn.LSTM/GRU/RNN, one layer,
/// batch_first): weight_ih (G·H, F), weight_hh (G·H, H), bias_ih and bias_hh (G·H), gate blocks in PyTorch's order.
/// </summary>
/// <remarks>
/// <para>Initialization follows Keras: weight_ih Glorot uniform, weight_hh orthogonal (the whole (G·H, H) matrix),
/// biases zero (LSTM: bias_ih's forget block 1, Keras' unit_forget_bias). The weights are regularized, the biases not.</para>
/// <para>The loop keeps everything that is not truly sequential out of it. Forward: the input goes time-major (T, B, F);
/// the input projection of every step is one GEMM over T·B rows (with both biases for LSTM and SimpleRNN, which the
/// cell math only ever sees summed; b_ih alone for GRU, whose b_hh sits inside the reset product); then per step one
/// fused step op (recurrent GEMM + cell) reads and writes slabs of workspaces that hold every step (hidden states in
/// T + 1 slabs, slab 0 the zero initial state), which is the cache the backward pass needs. Backward: per step from
/// T − 1 down to 0 the cell backward and one GEMM dHidden += dGates_t·W_hh (none at t = 0: h_0 is a constant); then
/// the weight gradients as one GEMM each over all T·B rows, the bias gradients as one column sum, and the input
/// gradient as one GEMM and a transpose back to batch-major.</para>
/// <para>Masking: after an <see cref="EmbeddingLayer"/> the steps past each row's length are padding; there the state
/// is carried unchanged (a sequence output repeats it, Keras' semantics) and nothing flows into the gradients, so
/// padding changes neither results nor gradients. Without an embedding before it a layer does not mask.</para>
/// <para>No allocation per batch: the per-step views of the workspaces are made once per batch size and kept.</para>
/// </remarks>
public abstract class RecurrentLayer : Layer, ISequenceLengthsReader
{
    private readonly Dictionary<(DeviceBuffer Buffer, int Slab), DeviceBuffer[]> _views = new();
    private readonly Dictionary<(DeviceBuffer Buffer, int Start), DeviceBuffer> _ranges = new();
    private Parameter _inputWeight = null!, _recurrentWeight = null!, _inputBias = null!, _recurrentBias = null!;
    private DeviceBuffer _inputTimeMajor = null!; // cache: dW_ih = dGatesᵀ·X
    private DeviceBuffer? _combinedBias;
    private DeviceBuffer? _sequenceOutput, _dOutputTimeMajor;
    private DeviceBuffer _dInputTimeMajor = null!, _dInput = null!;
    private DeviceBuffer? _lengths; // the masking lengths of the last forward (null: no masking)
    private int _forwardBatch;

    private protected RecurrentLayer(int hiddenSize, bool returnSequences, string? name)
        : base(name)
    {
        if (hiddenSize <= 0) throw new ArgumentOutOfRangeException(nameof(hiddenSize), $"A {CellName} layer needs a positive hidden size; got {hiddenSize}.");
        HiddenSize = hiddenSize;
        ReturnSequences = returnSequences;
    }

    /// <summary>H, the size of the hidden state.</summary>
    public int HiddenSize { get; }

    /// <summary>True: the output is every step's hidden state (steps, H); false: the last state (H).</summary>
    public bool ReturnSequences { get; }

    /// <summary>G, the number of gate blocks in the weights: 1 (SimpleRNN), 4 (LSTM), 3 (GRU).</summary>
    public abstract int GateCount { get; }

    /// <summary>T, the number of time steps (after <see cref="Layer.Build"/>).</summary>
    public int Steps { get; private set; }

    /// <summary>F, the features per step (after <see cref="Layer.Build"/>).</summary>
    public int Features { get; private set; }

    /// <summary>weight_ih "{Name}.weight_ih", (G·H, F).</summary>
    public Parameter InputWeight => _inputWeight;

    /// <summary>weight_hh "{Name}.weight_hh", (G·H, H).</summary>
    public Parameter RecurrentWeight => _recurrentWeight;

    /// <summary>bias_ih "{Name}.bias_ih", (G·H).</summary>
    public Parameter InputBias => _inputBias;

    /// <summary>bias_hh "{Name}.bias_hh", (G·H).</summary>
    public Parameter RecurrentBias => _recurrentBias;

    /// <summary>The name of the cell in messages and summaries ("LSTM").</summary>
    private protected abstract string CellName { get; }

    /// <summary>True when the cell sees only b_ih + b_hh (LSTM, SimpleRNN): the input projection adds both.</summary>
    private protected virtual bool CombinesBiases => true;

    /// <summary>The initializer of bias_ih (zeros unless the cell says otherwise).</summary>
    private protected virtual Initializer InputBiasInitializer => new ZerosInitializer();

    EmbeddingLayer? ISequenceLengthsReader.LengthsSource { get; set; }

    /// <summary>The embedding whose lengths this layer masks with; null when it does not mask.</summary>
    internal EmbeddingLayer? LengthsSource => ((ISequenceLengthsReader)this).LengthsSource;

    /// <summary>G·H, the width of a gate buffer row.</summary>
    private protected int GateWidth => GateCount * HiddenSize;

    /// <summary>The input projections and then the cells' gate values, one (B, G·H) slab per step.</summary>
    private protected DeviceBuffer Gates { get; private set; } = null!;

    /// <summary>The hidden states, T + 1 slabs of (B, H); slab 0 is the zero initial state.</summary>
    private protected DeviceBuffer Hidden { get; private set; } = null!;

    /// <summary>The gradients of the gate pre-activations (input side), one (B, G·H) slab per step.</summary>
    private protected DeviceBuffer DGates { get; private set; } = null!;

    /// <summary>dL/dh carried from step to step, (B, H).</summary>
    private protected DeviceBuffer DHidden { get; private set; } = null!;

    /// <summary>The gradients of the recurrent products h·W_hhᵀ + b_hh per step: <see cref="DGates"/> unless the cell keeps its own.</summary>
    private protected virtual DeviceBuffer RecurrentGateGradients => DGates;

    /// <inheritdoc/>
    protected sealed override TensorShape BuildCore(TensorShape inputShape, ParameterStore parameters)
    {
        if (inputShape.Rank != 2)
        {
            throw new ArgumentException($"{CellName} layer '{Name}' needs an input shape (steps, features); got {inputShape}.", nameof(inputShape));
        }
        Steps = inputShape.Dimensions[0];
        Features = inputShape.Dimensions[1];
        int g = GateWidth, h = HiddenSize;
        _inputWeight = parameters.AddTrainable($"{Name}.weight_ih", g * Features, new GlorotUniformInitializer(), Features, g, regularized: true);
        _recurrentWeight = parameters.AddTrainable($"{Name}.weight_hh", g * h, new OrthogonalInitializer(), h, g, regularized: true);
        _inputBias = parameters.AddTrainable($"{Name}.bias_ih", g, InputBiasInitializer, Features, g, regularized: false);
        _recurrentBias = parameters.AddTrainable($"{Name}.bias_hh", g, new ZerosInitializer(), h, g, regularized: false);
        return ReturnSequences ? new TensorShape(Steps, h) : new TensorShape(h);
    }

    /// <inheritdoc/>
    protected sealed override void AllocateCore(int maxBatchSize)
    {
        _views.Clear();
        _ranges.Clear();
        int t = Steps, f = Features, h = HiddenSize, g = GateWidth, b = maxBatchSize;
        _inputTimeMajor = Workspace(t * b * f);
        Gates = Workspace(t * b * g);
        Hidden = Workspace((t + 1) * b * h);
        DGates = Workspace(t * b * g);
        DHidden = Workspace(b * h);
        _combinedBias = CombinesBiases ? Workspace(g) : null;
        _sequenceOutput = ReturnSequences ? Workspace(b * t * h) : null;
        _dOutputTimeMajor = ReturnSequences ? Workspace(t * b * h) : null;
        _dInputTimeMajor = Workspace(t * b * f);
        _dInput = Workspace(b * t * f);
        AllocateCell(maxBatchSize);
    }

    /// <summary>Allocates the cell's own workspaces (LSTM cell states, GRU recurrent gates).</summary>
    private protected abstract void AllocateCell(int maxBatchSize);

    /// <summary>
    /// <paramref name="count"/> consecutive views of <paramref name="slab"/> elements of <paramref name="buffer"/>
    /// (one per step for the current batch size), made on first use and kept until the next allocation.
    /// </summary>
    private protected DeviceBuffer[] Views(DeviceBuffer buffer, int count, int slab)
    {
        if (!_views.TryGetValue((buffer, slab), out var views))
        {
            views = new DeviceBuffer[count];
            for (int i = 0; i < count; i++) views[i] = buffer.Slice(i * slab, slab);
            _views.Add((buffer, slab), views);
        }
        return views;
    }

    // The view [start, start + length) of a buffer, kept like Views (start fixes the batch size, length follows).
    private DeviceBuffer Range(DeviceBuffer buffer, int start, int length)
    {
        if (!_ranges.TryGetValue((buffer, start), out var view))
        {
            view = buffer.Slice(start, length);
            _ranges.Add((buffer, start), view);
        }
        return view;
    }

    /// <summary>Sets the initial state of a forward pass (slab 0 of the cell states, for LSTM) to zero.</summary>
    private protected virtual void BeginForward(int batch)
    {
    }

    /// <summary>Step <paramref name="step"/> of the forward pass: the recurrent product and the cell, into slab step + 1.</summary>
    private protected abstract void ForwardStep(int step, int batch, DeviceBuffer? lengths);

    /// <summary>Sets the state gradients other than dHidden (LSTM's dCell) to zero before the backward loop.</summary>
    private protected virtual void BeginBackward(int batch)
    {
    }

    /// <summary>
    /// Step <paramref name="step"/> of the backward pass: the cell backward with <paramref name="dOutput"/> (this step's
    /// output gradient or null) and <see cref="DHidden"/>, which it leaves holding the part of dL/dh_{t−1} outside the
    /// recurrent product. Returns this step's slab of <see cref="RecurrentGateGradients"/>.
    /// </summary>
    private protected abstract DeviceBuffer BackwardStep(int step, int batch, DeviceBuffer? dOutput, DeviceBuffer? lengths);

    /// <inheritdoc/>
    public sealed override DeviceBuffer Forward(DeviceBuffer input, int batchSize, in ForwardContext context)
    {
        CheckBatch(batchSize);
        int t = Steps, f = Features, h = HiddenSize, g = GateWidth, b = batchSize;
        _forwardBatch = b;
        _lengths = LengthsSource?.Lengths;
        Backend.BatchToTimeMajor(input, _inputTimeMajor, b, t, f);
        var bias = _inputBias.Value;
        if (_combinedBias is not null)
        {
            Backend.Copy(_inputBias.Value, _combinedBias, g);
            Backend.Axpy(1f, _recurrentBias.Value, _combinedBias, g);
            bias = _combinedBias;
        }
        Backend.DenseForward(_inputTimeMajor, _inputWeight.Value, bias, new Activation(ActivationKind.Identity), Gates, Gates, t * b, g, f);
        Backend.Fill(Hidden, 0f, b * h);
        BeginForward(b);
        for (int step = 0; step < t; step++) ForwardStep(step, b, _lengths);
        if (!ReturnSequences) return Views(Hidden, t + 1, b * h)[t];
        Backend.TimeToBatchMajor(Range(Hidden, b * h, t * b * h), _sequenceOutput!, b, t, h);
        return _sequenceOutput!;
    }

    // Per step: cell backward, dh_{t-1} += dGates_t·W_hh. Then over all steps at once: dW_ih += dGatesᵀ·X,
    // dW_hh += dRecurrentᵀ·H_{0..T-1}, db_ih += Σ dGates, db_hh += Σ dRecurrent, dX = dGates·W_ih.
    /// <inheritdoc/>
    public sealed override DeviceBuffer? Backward(DeviceBuffer dOutput, int batchSize, bool computeInputGradient)
    {
        CheckBatch(batchSize);
        if (batchSize != _forwardBatch)
        {
            throw new InvalidOperationException($"{CellName} layer '{Name}': backward of batch size {batchSize} after a forward of {_forwardBatch}.");
        }
        int t = Steps, f = Features, h = HiddenSize, g = GateWidth, b = batchSize;
        DeviceBuffer[]? dOutputs = null;
        if (ReturnSequences)
        {
            Backend.BatchToTimeMajor(dOutput, _dOutputTimeMajor!, b, t, h);
            dOutputs = Views(_dOutputTimeMajor!, t, b * h);
            Backend.Fill(DHidden, 0f, b * h);
        }
        else
        {
            Backend.Copy(dOutput, DHidden, b * h);
        }
        BeginBackward(b);
        for (int step = t - 1; step >= 0; step--)
        {
            var dRecurrent = BackwardStep(step, b, dOutputs?[step], _lengths);
            if (step > 0) Backend.Gemm(false, false, b, h, g, 1f, dRecurrent, _recurrentWeight.Value, 1f, DHidden);
        }
        int rows = t * b;
        Backend.Gemm(true, false, g, f, rows, 1f, DGates, _inputTimeMajor, 1f, _inputWeight.RequiredGradient);
        Backend.Gemm(true, false, g, h, rows, 1f, RecurrentGateGradients, Hidden, 1f, _recurrentWeight.RequiredGradient);
        Backend.SumColumns(DGates, rows, g, _inputBias.RequiredGradient, 1f);
        Backend.SumColumns(RecurrentGateGradients, rows, g, _recurrentBias.RequiredGradient, 1f);
        if (!computeInputGradient) return null;
        Backend.Gemm(false, false, rows, f, g, 1f, DGates, _inputWeight.Value, 0f, _dInputTimeMajor);
        Backend.TimeToBatchMajor(_dInputTimeMajor, _dInput, b, t, f);
        return _dInput;
    }

    /// <summary>The description's arguments after the hidden size (", relu").</summary>
    private protected virtual string DescribeOptions => "";

    /// <inheritdoc/>
    public override string Describe() => $"{CellName}({HiddenSize}{DescribeOptions}{(ReturnSequences ? ", sequences" : "")})";

    /// <summary>Whether <paramref name="other"/> has this layer's type, hidden size, output mode and options (what Bidirectional requires).</summary>
    internal virtual bool SameConfiguration(RecurrentLayer other) =>
        other.GetType() == GetType() && other.HiddenSize == HiddenSize && other.ReturnSequences == ReturnSequences;
}
