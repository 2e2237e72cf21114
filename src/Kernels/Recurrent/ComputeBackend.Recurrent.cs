namespace MLNet.DeepExtensions.Kernels;

// ---- recurrent cells: the per-step gate math of SimpleRNN, LSTM and GRU (PyTorch's equations and gate order), the
// fused recurrent step (the recurrent GEMM with that gate math as its epilogue) and the lengths of padded id sequences.
//
// Layout shared by every op here: one time step of a batch, row-major. A gate buffer is (batch, G·H) with the G gate
// blocks of H columns side by side in PyTorch's order: LSTM [i | f | g | o], GRU [r | z | n]. State buffers are
// (batch, H). Masking: with a lengths buffer (batch; each row's length as a float, as ReverseSequences takes it), row b
// is *padded* at this step when !(step < lengths[b]) (a NaN length pads every step). A padded row carries its state
// unchanged (h_t = h_{t-1}, c_t = c_{t-1}: Keras' masking semantics), gets zero gate gradients and passes its state
// gradients straight through, so padding changes neither results nor gradients. Null lengths: no row is padded.
public abstract partial class ComputeBackend
{
    /// <summary>
    /// LSTM cell, one step. On entry <paramref name="gates"/> (batch, 4H) holds the pre-activations
    /// x·W_ihᵀ + b_ih + h_{t-1}·W_hhᵀ + b_hh in PyTorch's order [i | f | g | o]; on return it holds the activated gates
    /// [σ(i) | σ(f) | tanh(g) | σ(o)] (what <see cref="LstmCellBackward"/> reads). Then
    /// cell = σ(f)⊙cellPrevious + σ(i)⊙tanh(g) and hidden = σ(o)⊙tanh(cell); padded rows copy cellPrevious and
    /// hiddenPrevious instead. cell and hidden must not overlap the other buffers (checked: cell, hidden, gates and the
    /// previous state are four different buffers).
    /// </summary>
    public void LstmCellForward(DeviceBuffer gates, DeviceBuffer cellPrevious, DeviceBuffer hiddenPrevious, DeviceBuffer cell, DeviceBuffer hidden,
        int batch, int hiddenSize, DeviceBuffer? lengths, int step)
    {
        CheckCell(batch, hiddenSize, step);
        CheckMatrix(gates, batch, 4 * hiddenSize, nameof(gates));
        CheckMatrix(cellPrevious, batch, hiddenSize, nameof(cellPrevious));
        CheckMatrix(hiddenPrevious, batch, hiddenSize, nameof(hiddenPrevious));
        CheckMatrix(cell, batch, hiddenSize, nameof(cell));
        CheckMatrix(hidden, batch, hiddenSize, nameof(hidden));
        CheckDistinct(cellPrevious, cell, nameof(cellPrevious), nameof(cell));
        CheckDistinct(hiddenPrevious, hidden, nameof(hiddenPrevious), nameof(hidden));
        CheckDistinct(cell, hidden, nameof(cell), nameof(hidden));
        CheckDistinct(gates, cell, nameof(gates), nameof(cell));
        CheckDistinct(gates, hidden, nameof(gates), nameof(hidden));
        CheckLengths(lengths, batch);
        LstmCellForwardCore(gates, cellPrevious, hiddenPrevious, cell, hidden, batch, hiddenSize, lengths, step);
    }

    /// <summary>
    /// Backward of <see cref="LstmCellForward"/>, one step. Reads the activated <paramref name="gates"/>,
    /// <paramref name="cellPrevious"/> and <paramref name="cell"/> of that step. The gradient reaching h_t is
    /// <paramref name="dHidden"/> (from step t+1) plus <paramref name="dOutput"/> (this step's output gradient; null
    /// for none). Writes <paramref name="dGates"/> (batch, 4H), the gradient of the pre-activations (zero for padded
    /// rows); updates <paramref name="dCell"/> in place from dL/dc_t (from step t+1) to dL/dc_{t-1}; and overwrites
    /// <paramref name="dHidden"/> with the part of dL/dh_{t-1} that does not go through the recurrent product: the
    /// whole h_t gradient for a padded row, zero otherwise. The caller then adds dGates·W_hh into dHidden.
    /// </summary>
    public void LstmCellBackward(DeviceBuffer gates, DeviceBuffer cellPrevious, DeviceBuffer cell, DeviceBuffer? dOutput,
        DeviceBuffer dHidden, DeviceBuffer dCell, DeviceBuffer dGates, int batch, int hiddenSize, DeviceBuffer? lengths, int step)
    {
        CheckCell(batch, hiddenSize, step);
        CheckMatrix(gates, batch, 4 * hiddenSize, nameof(gates));
        CheckMatrix(cellPrevious, batch, hiddenSize, nameof(cellPrevious));
        CheckMatrix(cell, batch, hiddenSize, nameof(cell));
        if (dOutput is not null) CheckMatrix(dOutput, batch, hiddenSize, nameof(dOutput));
        CheckMatrix(dHidden, batch, hiddenSize, nameof(dHidden));
        CheckMatrix(dCell, batch, hiddenSize, nameof(dCell));
        CheckMatrix(dGates, batch, 4 * hiddenSize, nameof(dGates));
        CheckDistinct(gates, dGates, nameof(gates), nameof(dGates));
        CheckLengths(lengths, batch);
        LstmCellBackwardCore(gates, cellPrevious, cell, dOutput, dHidden, dCell, dGates, batch, hiddenSize, lengths, step);
    }

    /// <summary>
    /// GRU cell, one step, with the reset gate applied after the recurrent product (PyTorch, cuDNN, ONNX
    /// linear_before_reset = 1). On entry <paramref name="inputGates"/> (batch, 3H) holds x·W_ihᵀ + b_ih and
    /// <paramref name="hiddenGates"/> (batch, 3H) holds h_{t-1}·W_hhᵀ (no bias), both in order [r | z | n]. Computes
    /// r = σ(x_r + h_r + b_hr), z = σ(x_z + h_z + b_hz), n = tanh(x_n + r⊙(h_n + b_hn)) and
    /// hidden = (1 − z)⊙n + z⊙hiddenPrevious (padded rows copy hiddenPrevious). On return inputGates holds [r | z | n]
    /// and hiddenGates holds h·W_hhᵀ + b_hh (its n block, h_n + b_hn, is what the backward pass needs). hidden must be
    /// a different buffer from the gates and hiddenPrevious.
    /// </summary>
    public void GruCellForward(DeviceBuffer inputGates, DeviceBuffer hiddenGates, DeviceBuffer hiddenBias, DeviceBuffer hiddenPrevious, DeviceBuffer hidden,
        int batch, int hiddenSize, DeviceBuffer? lengths, int step)
    {
        CheckCell(batch, hiddenSize, step);
        CheckMatrix(inputGates, batch, 3 * hiddenSize, nameof(inputGates));
        CheckMatrix(hiddenGates, batch, 3 * hiddenSize, nameof(hiddenGates));
        CheckVector(hiddenBias, 3 * hiddenSize, nameof(hiddenBias));
        CheckMatrix(hiddenPrevious, batch, hiddenSize, nameof(hiddenPrevious));
        CheckMatrix(hidden, batch, hiddenSize, nameof(hidden));
        CheckDistinct(inputGates, hiddenGates, nameof(inputGates), nameof(hiddenGates));
        CheckDistinct(hiddenPrevious, hidden, nameof(hiddenPrevious), nameof(hidden));
        CheckDistinct(inputGates, hidden, nameof(inputGates), nameof(hidden));
        CheckDistinct(hiddenGates, hidden, nameof(hiddenGates), nameof(hidden));
        CheckLengths(lengths, batch);
        GruCellForwardCore(inputGates, hiddenGates, hiddenBias, hiddenPrevious, hidden, batch, hiddenSize, lengths, step);
    }

    /// <summary>
    /// Backward of <see cref="GruCellForward"/>, one step: reads [r | z | n] (<paramref name="inputGates"/>), h_n + b_hn
    /// (the n block of <paramref name="hiddenGates"/>) and <paramref name="hiddenPrevious"/>. With g = dHidden + dOutput
    /// the gradient reaching h_t, writes <paramref name="dInputGates"/> = [dr | dz | dn] (gradients of the input
    /// pre-activations, also of b_ih) and <paramref name="dHiddenGates"/> = [dr | dz | dn⊙r] (gradients of h·W_hhᵀ + b_hh),
    /// zero for padded rows; overwrites <paramref name="dHidden"/> with g⊙z (padded rows: g), the part of dL/dh_{t-1}
    /// outside the recurrent product, to which the caller adds dHiddenGates·W_hh.
    /// </summary>
    public void GruCellBackward(DeviceBuffer inputGates, DeviceBuffer hiddenGates, DeviceBuffer hiddenPrevious, DeviceBuffer? dOutput,
        DeviceBuffer dHidden, DeviceBuffer dInputGates, DeviceBuffer dHiddenGates, int batch, int hiddenSize, DeviceBuffer? lengths, int step)
    {
        CheckCell(batch, hiddenSize, step);
        CheckMatrix(inputGates, batch, 3 * hiddenSize, nameof(inputGates));
        CheckMatrix(hiddenGates, batch, 3 * hiddenSize, nameof(hiddenGates));
        CheckMatrix(hiddenPrevious, batch, hiddenSize, nameof(hiddenPrevious));
        if (dOutput is not null) CheckMatrix(dOutput, batch, hiddenSize, nameof(dOutput));
        CheckMatrix(dHidden, batch, hiddenSize, nameof(dHidden));
        CheckMatrix(dInputGates, batch, 3 * hiddenSize, nameof(dInputGates));
        CheckMatrix(dHiddenGates, batch, 3 * hiddenSize, nameof(dHiddenGates));
        CheckDistinct(dInputGates, dHiddenGates, nameof(dInputGates), nameof(dHiddenGates));
        CheckLengths(lengths, batch);
        GruCellBackwardCore(inputGates, hiddenGates, hiddenPrevious, dOutput, dHidden, dInputGates, dHiddenGates, batch, hiddenSize, lengths, step);
    }

    /// <summary>
    /// Simple (Elman) RNN cell, one step: hidden = f(preActivation) with f tanh or ReLU (torch.nn.RNN's nonlinearity),
    /// where <paramref name="preActivation"/> (batch, H) holds x·W_ihᵀ + b_ih + h_{t-1}·W_hhᵀ + b_hh; padded rows copy
    /// hiddenPrevious. hidden must not overlap hiddenPrevious; it may be preActivation.
    /// </summary>
    public void RnnCellForward(DeviceBuffer preActivation, DeviceBuffer hiddenPrevious, DeviceBuffer hidden, ActivationKind activation,
        int batch, int hiddenSize, DeviceBuffer? lengths, int step)
    {
        CheckCell(batch, hiddenSize, step);
        CheckRnnActivation(activation);
        CheckMatrix(preActivation, batch, hiddenSize, nameof(preActivation));
        CheckMatrix(hiddenPrevious, batch, hiddenSize, nameof(hiddenPrevious));
        CheckMatrix(hidden, batch, hiddenSize, nameof(hidden));
        CheckDistinct(hiddenPrevious, hidden, nameof(hiddenPrevious), nameof(hidden));
        CheckLengths(lengths, batch);
        RnnCellForwardCore(preActivation, hiddenPrevious, hidden, activation, batch, hiddenSize, lengths, step);
    }

    /// <summary>
    /// Backward of <see cref="RnnCellForward"/>, one step: with g = dHidden + dOutput, writes
    /// <paramref name="dPreActivation"/> = g⊙f′ (f′ from the step's output <paramref name="hidden"/>: 1 − h² for tanh,
    /// [h &gt; 0] for ReLU), zero for padded rows, and overwrites <paramref name="dHidden"/> with g for padded rows and
    /// zero otherwise (the caller adds dPreActivation·W_hh).
    /// </summary>
    public void RnnCellBackward(DeviceBuffer hidden, DeviceBuffer? dOutput, DeviceBuffer dHidden, DeviceBuffer dPreActivation, ActivationKind activation,
        int batch, int hiddenSize, DeviceBuffer? lengths, int step)
    {
        CheckCell(batch, hiddenSize, step);
        CheckRnnActivation(activation);
        CheckMatrix(hidden, batch, hiddenSize, nameof(hidden));
        if (dOutput is not null) CheckMatrix(dOutput, batch, hiddenSize, nameof(dOutput));
        CheckMatrix(dHidden, batch, hiddenSize, nameof(dHidden));
        CheckMatrix(dPreActivation, batch, hiddenSize, nameof(dPreActivation));
        CheckDistinct(dHidden, dPreActivation, nameof(dHidden), nameof(dPreActivation));
        CheckLengths(lengths, batch);
        RnnCellBackwardCore(hidden, dOutput, dHidden, dPreActivation, activation, batch, hiddenSize, lengths, step);
    }

    /// <summary>
    /// One LSTM step with the recurrent product and the gate math as one op: gates += hiddenPrevious·W_hhᵀ
    /// (<paramref name="recurrentWeight"/> (4H, H)), then <see cref="LstmCellForward"/>. On entry gates holds this
    /// step's input projection with both biases. Same results as the two calls; a backend fuses them (the managed CPU
    /// backend runs the cell math on each finished row panel of the product while it is in cache).
    /// </summary>
    public void LstmStepForward(DeviceBuffer hiddenPrevious, DeviceBuffer recurrentWeight, DeviceBuffer gates, DeviceBuffer cellPrevious,
        DeviceBuffer cell, DeviceBuffer hidden, int batch, int hiddenSize, DeviceBuffer? lengths, int step)
    {
        CheckCell(batch, hiddenSize, step);
        CheckMatrix(recurrentWeight, 4 * hiddenSize, hiddenSize, nameof(recurrentWeight));
        CheckMatrix(gates, batch, 4 * hiddenSize, nameof(gates));
        CheckMatrix(cellPrevious, batch, hiddenSize, nameof(cellPrevious));
        CheckMatrix(hiddenPrevious, batch, hiddenSize, nameof(hiddenPrevious));
        CheckMatrix(cell, batch, hiddenSize, nameof(cell));
        CheckMatrix(hidden, batch, hiddenSize, nameof(hidden));
        CheckDistinct(cellPrevious, cell, nameof(cellPrevious), nameof(cell));
        CheckDistinct(hiddenPrevious, hidden, nameof(hiddenPrevious), nameof(hidden));
        CheckDistinct(cell, hidden, nameof(cell), nameof(hidden));
        CheckDistinct(gates, cell, nameof(gates), nameof(cell));
        CheckDistinct(gates, hidden, nameof(gates), nameof(hidden));
        CheckDistinct(hiddenPrevious, gates, nameof(hiddenPrevious), nameof(gates));
        CheckLengths(lengths, batch);
        LstmStepForwardCore(hiddenPrevious, recurrentWeight, gates, cellPrevious, cell, hidden, batch, hiddenSize, lengths, step);
    }

    /// <summary>
    /// One GRU step: hiddenGates = hiddenPrevious·W_hhᵀ (<paramref name="recurrentWeight"/> (3H, H), overwritten), then
    /// <see cref="GruCellForward"/>. Same results as the two calls; a backend may fuse them.
    /// </summary>
    public void GruStepForward(DeviceBuffer hiddenPrevious, DeviceBuffer recurrentWeight, DeviceBuffer hiddenBias, DeviceBuffer inputGates,
        DeviceBuffer hiddenGates, DeviceBuffer hidden, int batch, int hiddenSize, DeviceBuffer? lengths, int step)
    {
        CheckCell(batch, hiddenSize, step);
        CheckMatrix(recurrentWeight, 3 * hiddenSize, hiddenSize, nameof(recurrentWeight));
        CheckMatrix(inputGates, batch, 3 * hiddenSize, nameof(inputGates));
        CheckMatrix(hiddenGates, batch, 3 * hiddenSize, nameof(hiddenGates));
        CheckVector(hiddenBias, 3 * hiddenSize, nameof(hiddenBias));
        CheckMatrix(hiddenPrevious, batch, hiddenSize, nameof(hiddenPrevious));
        CheckMatrix(hidden, batch, hiddenSize, nameof(hidden));
        CheckDistinct(inputGates, hiddenGates, nameof(inputGates), nameof(hiddenGates));
        CheckDistinct(hiddenPrevious, hidden, nameof(hiddenPrevious), nameof(hidden));
        CheckDistinct(inputGates, hidden, nameof(inputGates), nameof(hidden));
        CheckDistinct(hiddenGates, hidden, nameof(hiddenGates), nameof(hidden));
        CheckDistinct(hiddenPrevious, hiddenGates, nameof(hiddenPrevious), nameof(hiddenGates));
        CheckLengths(lengths, batch);
        GruStepForwardCore(hiddenPrevious, recurrentWeight, hiddenBias, inputGates, hiddenGates, hidden, batch, hiddenSize, lengths, step);
    }

    /// <summary>
    /// One simple-RNN step: preActivation += hiddenPrevious·W_hhᵀ (<paramref name="recurrentWeight"/> (H, H)), then
    /// <see cref="RnnCellForward"/> into <paramref name="hidden"/>. Same results as the two calls; a backend may fuse them.
    /// </summary>
    public void RnnStepForward(DeviceBuffer hiddenPrevious, DeviceBuffer recurrentWeight, DeviceBuffer preActivation, DeviceBuffer hidden,
        ActivationKind activation, int batch, int hiddenSize, DeviceBuffer? lengths, int step)
    {
        CheckCell(batch, hiddenSize, step);
        CheckRnnActivation(activation);
        CheckMatrix(recurrentWeight, hiddenSize, hiddenSize, nameof(recurrentWeight));
        CheckMatrix(preActivation, batch, hiddenSize, nameof(preActivation));
        CheckMatrix(hiddenPrevious, batch, hiddenSize, nameof(hiddenPrevious));
        CheckMatrix(hidden, batch, hiddenSize, nameof(hidden));
        CheckDistinct(hiddenPrevious, hidden, nameof(hiddenPrevious), nameof(hidden));
        CheckDistinct(hiddenPrevious, preActivation, nameof(hiddenPrevious), nameof(preActivation));
        CheckLengths(lengths, batch);
        RnnStepForwardCore(hiddenPrevious, recurrentWeight, preActivation, hidden, activation, batch, hiddenSize, lengths, step);
    }

    /// <summary>
    /// Lengths of padded id sequences: for <paramref name="ids"/> (batch, steps) where −1 marks padding,
    /// lengths[b] = 1 + the last t with ids[b, t] ≠ −1, or 0 when the whole row is padding (an Embedding layer hands
    /// these to the recurrent layers after it). Written as floats, as the masked ops read them.
    /// </summary>
    public void PaddedSequenceLengths(DeviceBuffer ids, DeviceBuffer lengths, int batch, int steps)
    {
        CheckCount(batch, nameof(batch));
        CheckCount(steps, nameof(steps));
        CheckMatrix(ids, batch, steps, nameof(ids));
        CheckVector(lengths, batch, nameof(lengths));
        CheckDistinct(ids, lengths, nameof(ids), nameof(lengths));
        PaddedSequenceLengthsCore(ids, lengths, batch, steps);
    }

    // ---------------------------------------------------------------- Core methods a backend implements

    /// <summary>See <see cref="LstmCellForward"/>; the arguments are validated.</summary>
    protected abstract void LstmCellForwardCore(DeviceBuffer gates, DeviceBuffer cellPrevious, DeviceBuffer hiddenPrevious, DeviceBuffer cell, DeviceBuffer hidden,
        int batch, int hiddenSize, DeviceBuffer? lengths, int step);
    /// <summary>See <see cref="LstmCellBackward"/>; the arguments are validated.</summary>
    protected abstract void LstmCellBackwardCore(DeviceBuffer gates, DeviceBuffer cellPrevious, DeviceBuffer cell, DeviceBuffer? dOutput,
        DeviceBuffer dHidden, DeviceBuffer dCell, DeviceBuffer dGates, int batch, int hiddenSize, DeviceBuffer? lengths, int step);
    /// <summary>See <see cref="GruCellForward"/>; the arguments are validated.</summary>
    protected abstract void GruCellForwardCore(DeviceBuffer inputGates, DeviceBuffer hiddenGates, DeviceBuffer hiddenBias, DeviceBuffer hiddenPrevious, DeviceBuffer hidden,
        int batch, int hiddenSize, DeviceBuffer? lengths, int step);
    /// <summary>See <see cref="GruCellBackward"/>; the arguments are validated.</summary>
    protected abstract void GruCellBackwardCore(DeviceBuffer inputGates, DeviceBuffer hiddenGates, DeviceBuffer hiddenPrevious, DeviceBuffer? dOutput,
        DeviceBuffer dHidden, DeviceBuffer dInputGates, DeviceBuffer dHiddenGates, int batch, int hiddenSize, DeviceBuffer? lengths, int step);
    /// <summary>See <see cref="RnnCellForward"/>; the arguments are validated.</summary>
    protected abstract void RnnCellForwardCore(DeviceBuffer preActivation, DeviceBuffer hiddenPrevious, DeviceBuffer hidden, ActivationKind activation,
        int batch, int hiddenSize, DeviceBuffer? lengths, int step);
    /// <summary>See <see cref="RnnCellBackward"/>; the arguments are validated.</summary>
    protected abstract void RnnCellBackwardCore(DeviceBuffer hidden, DeviceBuffer? dOutput, DeviceBuffer dHidden, DeviceBuffer dPreActivation, ActivationKind activation,
        int batch, int hiddenSize, DeviceBuffer? lengths, int step);
    /// <summary>See <see cref="PaddedSequenceLengths"/>; the arguments are validated.</summary>
    protected abstract void PaddedSequenceLengthsCore(DeviceBuffer ids, DeviceBuffer lengths, int batch, int steps);

    /// <summary>See <see cref="LstmStepForward"/>; by default the recurrent GEMM, then the cell.</summary>
    protected virtual void LstmStepForwardCore(DeviceBuffer hiddenPrevious, DeviceBuffer recurrentWeight, DeviceBuffer gates, DeviceBuffer cellPrevious,
        DeviceBuffer cell, DeviceBuffer hidden, int batch, int hiddenSize, DeviceBuffer? lengths, int step)
    {
        GemmCore(false, true, batch, 4 * hiddenSize, hiddenSize, 1f, hiddenPrevious, recurrentWeight, 1f, gates);
        LstmCellForwardCore(gates, cellPrevious, hiddenPrevious, cell, hidden, batch, hiddenSize, lengths, step);
    }

    /// <summary>See <see cref="GruStepForward"/>; by default the recurrent GEMM, then the cell.</summary>
    protected virtual void GruStepForwardCore(DeviceBuffer hiddenPrevious, DeviceBuffer recurrentWeight, DeviceBuffer hiddenBias, DeviceBuffer inputGates,
        DeviceBuffer hiddenGates, DeviceBuffer hidden, int batch, int hiddenSize, DeviceBuffer? lengths, int step)
    {
        GemmCore(false, true, batch, 3 * hiddenSize, hiddenSize, 1f, hiddenPrevious, recurrentWeight, 0f, hiddenGates);
        GruCellForwardCore(inputGates, hiddenGates, hiddenBias, hiddenPrevious, hidden, batch, hiddenSize, lengths, step);
    }

    /// <summary>See <see cref="RnnStepForward"/>; by default the recurrent GEMM, then the cell.</summary>
    protected virtual void RnnStepForwardCore(DeviceBuffer hiddenPrevious, DeviceBuffer recurrentWeight, DeviceBuffer preActivation, DeviceBuffer hidden,
        ActivationKind activation, int batch, int hiddenSize, DeviceBuffer? lengths, int step)
    {
        GemmCore(false, true, batch, hiddenSize, hiddenSize, 1f, hiddenPrevious, recurrentWeight, 1f, preActivation);
        RnnCellForwardCore(preActivation, hiddenPrevious, hidden, activation, batch, hiddenSize, lengths, step);
    }

    private static void CheckCell(int batch, int hiddenSize, int step)
    {
        CheckCount(batch, nameof(batch));
        CheckPositive(hiddenSize, nameof(hiddenSize));
        CheckCount(step, nameof(step));
        if ((long)batch * 4 * hiddenSize > int.MaxValue) throw Argument(nameof(hiddenSize), "small enough that batch·4·hiddenSize fits an int", hiddenSize);
    }

    private static void CheckRnnActivation(ActivationKind activation)
    {
        if (activation is not (ActivationKind.Tanh or ActivationKind.Relu)) throw Argument(nameof(activation), "Tanh or Relu", activation);
    }

    private void CheckLengths(DeviceBuffer? lengths, int batch)
    {
        if (lengths is not null) CheckVector(lengths, batch, nameof(lengths));
    }

    /// <summary>Whether row <paramref name="row"/> is padding at <paramref name="step"/> (a NaN length pads every step).</summary>
    private protected static bool IsPadded(ReadOnlySpan<float> lengths, int row, int step) => !lengths.IsEmpty && !(step < lengths[row]);
}
