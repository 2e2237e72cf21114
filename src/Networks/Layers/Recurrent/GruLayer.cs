using MLNet.DeepExtensions.Kernels;

namespace MLNet.DeepExtensions.Networks.Layers;

/// <summary>
/// Gated recurrent unit layer with the reset gate applied after the recurrent product (torch.nn.GRU; Keras GRU with
/// reset_after=True, its default; cuDNN): per step, with gates [r | z | n], r = σ(x_r + b_ir + h·W_hrᵀ + b_hr),
/// z = σ(x_z + b_iz + h·W_hzᵀ + b_hz), n = tanh(x_n + b_in + r⊙(h·W_hnᵀ + b_hn)) and h_t = (1 − z)⊙n + z⊙h_{t−1};
/// zero initial state.
/// </summary>
/// <remarks>
/// Input (steps, features); output (H) = h_T, or (steps, H) with <paramref name="returnSequences"/>. See
/// <see cref="RecurrentLayer"/> for the parameters, the initialization and masking. b_hh cannot be folded into the
/// input projection (r multiplies it), so the cell adds it; the gates and every step's recurrent product are the cache.
/// </remarks>
public sealed class GruLayer(int hiddenSize, bool returnSequences = false, string? name = null)
    : RecurrentLayer(hiddenSize, returnSequences, name)
{
    private DeviceBuffer _hiddenGates = null!;  // h·W_hhᵀ (+ b_hh after the cell), one (B, 3H) slab per step
    private DeviceBuffer _dHiddenGates = null!; // its gradient per step

    /// <inheritdoc/>
    public override string Kind => "gru";

    /// <inheritdoc/>
    public override int GateCount => 3;

    private protected override string CellName => "GRU";

    private protected override bool CombinesBiases => false;

    private protected override DeviceBuffer RecurrentGateGradients => _dHiddenGates;

    private protected override void AllocateCell(int maxBatchSize)
    {
        _hiddenGates = Workspace(Steps * maxBatchSize * GateWidth);
        _dHiddenGates = Workspace(Steps * maxBatchSize * GateWidth);
    }

    private protected override void ForwardStep(int step, int batch, DeviceBuffer? lengths)
    {
        int h = HiddenSize, slab = batch * GateWidth;
        var hidden = Views(Hidden, Steps + 1, batch * h);
        var gates = Views(Gates, Steps, slab);
        var hiddenGates = Views(_hiddenGates, Steps, slab);
        Backend.GruStepForward(hidden[step], RecurrentWeight.Value, RecurrentBias.Value, gates[step], hiddenGates[step], hidden[step + 1], batch, h, lengths, step);
    }

    private protected override DeviceBuffer BackwardStep(int step, int batch, DeviceBuffer? dOutput, DeviceBuffer? lengths)
    {
        int h = HiddenSize, slab = batch * GateWidth;
        var hidden = Views(Hidden, Steps + 1, batch * h);
        var gates = Views(Gates, Steps, slab);
        var hiddenGates = Views(_hiddenGates, Steps, slab);
        var dGates = Views(DGates, Steps, slab);
        var dHiddenGates = Views(_dHiddenGates, Steps, slab);
        Backend.GruCellBackward(gates[step], hiddenGates[step], hidden[step], dOutput, DHidden, dGates[step], dHiddenGates[step], batch, h, lengths, step);
        return dHiddenGates[step];
    }
}
