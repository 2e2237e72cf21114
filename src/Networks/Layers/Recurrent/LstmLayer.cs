using MLNet.DeepExtensions.Kernels;
using MLNet.DeepExtensions.Networks.Initializers;

namespace MLNet.DeepExtensions.Networks.Layers;

/// <summary>
/// Long short-term memory layer (Keras LSTM(units), torch.nn.LSTM with batch_first): per step, with gates in PyTorch's
/// order [i | f | g | o], i, f, o = σ(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh) blocks, g = tanh(…),
/// c_t = f⊙c_{t−1} + i⊙g and h_t = o⊙tanh(c_t); zero initial h and c.
/// </summary>
/// <remarks>
/// Input (steps, features); output (H) = h_T, or (steps, H) with <paramref name="returnSequences"/>. See
/// <see cref="RecurrentLayer"/> for the parameters, the initialization (bias_ih's forget block starts at 1, Keras'
/// unit_forget_bias) and masking. The activated gates and every step's cell state are the cache of the backward pass.
/// </remarks>
public sealed class LstmLayer(int hiddenSize, bool returnSequences = false, string? name = null)
    : RecurrentLayer(hiddenSize, returnSequences, name)
{
    private DeviceBuffer _cell = null!; // T + 1 slabs of (B, H); slab 0 the zero initial cell state
    private DeviceBuffer _dCell = null!;

    /// <inheritdoc/>
    public override string Kind => "lstm";

    /// <inheritdoc/>
    public override int GateCount => 4;

    private protected override string CellName => "LSTM";

    private protected override Initializer InputBiasInitializer => new ForgetGateBiasInitializer(HiddenSize);

    private protected override void AllocateCell(int maxBatchSize)
    {
        _cell = Workspace((Steps + 1) * maxBatchSize * HiddenSize);
        _dCell = Workspace(maxBatchSize * HiddenSize);
    }

    private protected override void BeginForward(int batch) => Backend.Fill(_cell, 0f, batch * HiddenSize);

    private protected override void ForwardStep(int step, int batch, DeviceBuffer? lengths)
    {
        int h = HiddenSize;
        var hidden = Views(Hidden, Steps + 1, batch * h);
        var cell = Views(_cell, Steps + 1, batch * h);
        var gates = Views(Gates, Steps, batch * GateWidth);
        Backend.LstmStepForward(hidden[step], RecurrentWeight.Value, gates[step], cell[step], cell[step + 1], hidden[step + 1], batch, h, lengths, step);
    }

    private protected override void BeginBackward(int batch) => Backend.Fill(_dCell, 0f, batch * HiddenSize);

    private protected override DeviceBuffer BackwardStep(int step, int batch, DeviceBuffer? dOutput, DeviceBuffer? lengths)
    {
        int h = HiddenSize;
        var cell = Views(_cell, Steps + 1, batch * h);
        var gates = Views(Gates, Steps, batch * GateWidth);
        var dGates = Views(DGates, Steps, batch * GateWidth);
        Backend.LstmCellBackward(gates[step], cell[step], cell[step + 1], dOutput, DHidden, _dCell, dGates[step], batch, h, lengths, step);
        return dGates[step];
    }

    // Zeros with the forget block [H, 2H) at 1; draws nothing.
    private sealed class ForgetGateBiasInitializer(int hiddenSize) : Initializer
    {
        public override void Initialize(Span<float> values, int fanIn, int fanOut, Random random)
        {
            values.Clear();
            values.Slice(hiddenSize, hiddenSize).Fill(1f);
        }
    }
}
