using MLNet.DeepExtensions.Kernels.MatMul;
using MLNet.DeepExtensions.Kernels.Recurrent;

namespace MLNet.DeepExtensions.Kernels.Backends;

// ---- recurrent cells: SIMD row code (Recurrent/ManagedRecurrentCells), split by rows over the pool when large enough;
// the step ops run it as the recurrent GEMM's row-panel epilogue (ManagedGemm.MultiplyRows) where that pays.
public sealed unsafe partial class ManagedCpuBackend
{
    // Fusing pays only when the product would otherwise leave the cache between the GEMM and the cell: measured at
    // batch 128, H 128 (rnn-step benchmark), the whole step sits in L2 and the fused LSTM step is as fast as the GEMM
    // then the cell, the fused GRU step 5-15% slower (the fusion needs a row split of the GEMM, which shares the packed
    // B between cores). So: fuse when the rows become final in one block (n ≤ NC, k ≤ KC) and the product is at least
    // 1 MB (256k floats), past a core's share of L2.
    private const long FusedStepMinimumProduct = 256 * 1024;

    private readonly ManagedRecurrentCells _cells = new();

    /// <summary>Whether the step ops fuse the cell into the GEMM: null (the default) decides by size, true or false
    /// forces it (tests, benchmarks). Both paths give bit-identical results.</summary>
    internal bool? FuseSteps { get; set; }

    private static float* OptionalPointer(DeviceBuffer? buffer) => buffer is null ? null : P(buffer);

    /// <inheritdoc />
    protected override void LstmCellForwardCore(DeviceBuffer gates, DeviceBuffer cellPrevious, DeviceBuffer hiddenPrevious, DeviceBuffer cell, DeviceBuffer hidden,
        int batch, int hiddenSize, DeviceBuffer? lengths, int step)
    {
        _cells.SetLstmForward(P(gates), P(cellPrevious), P(hiddenPrevious), P(cell), P(hidden), batch, hiddenSize, OptionalPointer(lengths), step);
        _cells.Run(_pool);
    }

    /// <inheritdoc />
    protected override void LstmCellBackwardCore(DeviceBuffer gates, DeviceBuffer cellPrevious, DeviceBuffer cell, DeviceBuffer? dOutput,
        DeviceBuffer dHidden, DeviceBuffer dCell, DeviceBuffer dGates, int batch, int hiddenSize, DeviceBuffer? lengths, int step)
    {
        _cells.SetLstmBackward(P(gates), P(cellPrevious), P(cell), OptionalPointer(dOutput), P(dHidden), P(dCell), P(dGates),
            batch, hiddenSize, OptionalPointer(lengths), step);
        _cells.Run(_pool);
    }

    /// <inheritdoc />
    protected override void GruCellForwardCore(DeviceBuffer inputGates, DeviceBuffer hiddenGates, DeviceBuffer hiddenBias, DeviceBuffer hiddenPrevious, DeviceBuffer hidden,
        int batch, int hiddenSize, DeviceBuffer? lengths, int step)
    {
        _cells.SetGruForward(P(inputGates), P(hiddenGates), P(hiddenBias), P(hiddenPrevious), P(hidden), batch, hiddenSize, OptionalPointer(lengths), step);
        _cells.Run(_pool);
    }

    /// <inheritdoc />
    protected override void GruCellBackwardCore(DeviceBuffer inputGates, DeviceBuffer hiddenGates, DeviceBuffer hiddenPrevious, DeviceBuffer? dOutput,
        DeviceBuffer dHidden, DeviceBuffer dInputGates, DeviceBuffer dHiddenGates, int batch, int hiddenSize, DeviceBuffer? lengths, int step)
    {
        _cells.SetGruBackward(P(inputGates), P(hiddenGates), P(hiddenPrevious), OptionalPointer(dOutput), P(dHidden), P(dInputGates), P(dHiddenGates),
            batch, hiddenSize, OptionalPointer(lengths), step);
        _cells.Run(_pool);
    }

    /// <inheritdoc />
    protected override void RnnCellForwardCore(DeviceBuffer preActivation, DeviceBuffer hiddenPrevious, DeviceBuffer hidden, ActivationKind activation,
        int batch, int hiddenSize, DeviceBuffer? lengths, int step)
    {
        _cells.SetRnnForward(P(preActivation), P(hiddenPrevious), P(hidden), activation == ActivationKind.Tanh, batch, hiddenSize, OptionalPointer(lengths), step);
        _cells.Run(_pool);
    }

    /// <inheritdoc />
    protected override void RnnCellBackwardCore(DeviceBuffer hidden, DeviceBuffer? dOutput, DeviceBuffer dHidden, DeviceBuffer dPreActivation, ActivationKind activation,
        int batch, int hiddenSize, DeviceBuffer? lengths, int step)
    {
        _cells.SetRnnBackward(P(hidden), OptionalPointer(dOutput), P(dHidden), P(dPreActivation), activation == ActivationKind.Tanh,
            batch, hiddenSize, OptionalPointer(lengths), step);
        _cells.Run(_pool);
    }

    /// <inheritdoc />
    /// <remarks>Fused where it pays (see <see cref="FuseSteps"/>): the gate math runs on each finished row panel of
    /// gates += hiddenPrevious·W_hhᵀ while it is in cache.</remarks>
    protected override void LstmStepForwardCore(DeviceBuffer hiddenPrevious, DeviceBuffer recurrentWeight, DeviceBuffer gates, DeviceBuffer cellPrevious,
        DeviceBuffer cell, DeviceBuffer hidden, int batch, int hiddenSize, DeviceBuffer? lengths, int step)
    {
        _cells.SetLstmForward(P(gates), P(cellPrevious), P(hiddenPrevious), P(cell), P(hidden), batch, hiddenSize, OptionalPointer(lengths), step);
        RunStep(batch, 4 * hiddenSize, hiddenSize, hiddenPrevious, recurrentWeight, 1f, gates);
    }

    /// <inheritdoc />
    /// <remarks>Fused where it pays: the gate math runs on each finished row panel of hiddenGates = hiddenPrevious·W_hhᵀ.</remarks>
    protected override void GruStepForwardCore(DeviceBuffer hiddenPrevious, DeviceBuffer recurrentWeight, DeviceBuffer hiddenBias, DeviceBuffer inputGates,
        DeviceBuffer hiddenGates, DeviceBuffer hidden, int batch, int hiddenSize, DeviceBuffer? lengths, int step)
    {
        _cells.SetGruForward(P(inputGates), P(hiddenGates), P(hiddenBias), P(hiddenPrevious), P(hidden), batch, hiddenSize, OptionalPointer(lengths), step);
        RunStep(batch, 3 * hiddenSize, hiddenSize, hiddenPrevious, recurrentWeight, 0f, hiddenGates);
    }

    /// <inheritdoc />
    /// <remarks>Fused where it pays: the activation runs on each finished row panel of preActivation += hiddenPrevious·W_hhᵀ.</remarks>
    protected override void RnnStepForwardCore(DeviceBuffer hiddenPrevious, DeviceBuffer recurrentWeight, DeviceBuffer preActivation, DeviceBuffer hidden,
        ActivationKind activation, int batch, int hiddenSize, DeviceBuffer? lengths, int step)
    {
        _cells.SetRnnForward(P(preActivation), P(hiddenPrevious), P(hidden), activation == ActivationKind.Tanh, batch, hiddenSize, OptionalPointer(lengths), step);
        RunStep(batch, hiddenSize, hiddenSize, hiddenPrevious, recurrentWeight, 1f, preActivation);
    }

    // The cell op set last on _cells, after product = hiddenPrevious·W_hhᵀ + beta·product: fused or one after the other.
    private void RunStep(int batch, int n, int k, DeviceBuffer hiddenPrevious, DeviceBuffer recurrentWeight, float beta, DeviceBuffer product)
    {
        bool fuse = FuseSteps ?? (n <= ManagedGemm.DefaultColumnBlock && k <= ManagedGemm.DefaultDepthBlock && (long)batch * n >= FusedStepMinimumProduct);
        try
        {
            if (fuse)
            {
                _gemm.MultiplyRows(batch, n, k, P(hiddenPrevious), P(recurrentWeight), beta, P(product), _cells);
            }
            else
            {
                _gemm.Multiply(false, true, batch, n, k, 1f, P(hiddenPrevious), P(recurrentWeight), beta, P(product));
                _cells.Run(_pool);
            }
        }
        finally
        {
            _cells.Clear();
        }
    }

    /// <summary>The unfused step (the GEMM, then the cell op over all rows): what the fused step ops must equal bit for bit.</summary>
    internal void LstmStepForwardUnfused(DeviceBuffer hiddenPrevious, DeviceBuffer recurrentWeight, DeviceBuffer gates, DeviceBuffer cellPrevious,
        DeviceBuffer cell, DeviceBuffer hidden, int batch, int hiddenSize, DeviceBuffer? lengths, int step) =>
        base.LstmStepForwardCore(hiddenPrevious, recurrentWeight, gates, cellPrevious, cell, hidden, batch, hiddenSize, lengths, step);

    /// <summary>The unfused GRU step (see <see cref="LstmStepForwardUnfused"/>).</summary>
    internal void GruStepForwardUnfused(DeviceBuffer hiddenPrevious, DeviceBuffer recurrentWeight, DeviceBuffer hiddenBias, DeviceBuffer inputGates,
        DeviceBuffer hiddenGates, DeviceBuffer hidden, int batch, int hiddenSize, DeviceBuffer? lengths, int step) =>
        base.GruStepForwardCore(hiddenPrevious, recurrentWeight, hiddenBias, inputGates, hiddenGates, hidden, batch, hiddenSize, lengths, step);

    /// <summary>The unfused simple-RNN step (see <see cref="LstmStepForwardUnfused"/>).</summary>
    internal void RnnStepForwardUnfused(DeviceBuffer hiddenPrevious, DeviceBuffer recurrentWeight, DeviceBuffer preActivation, DeviceBuffer hidden,
        ActivationKind activation, int batch, int hiddenSize, DeviceBuffer? lengths, int step) =>
        base.RnnStepForwardCore(hiddenPrevious, recurrentWeight, preActivation, hidden, activation, batch, hiddenSize, lengths, step);

    /// <inheritdoc />
    protected override void PaddedSequenceLengthsCore(DeviceBuffer ids, DeviceBuffer lengths, int batch, int steps)
    {
        Span<float> x = F(ids, batch * steps), l = F(lengths, batch);
        for (int b = 0; b < batch; b++)
        {
            // The last non-padding id, searched from the end: padding is trailing, so this usually stops at once.
            int t = steps - 1;
            while (t >= 0 && x[b * steps + t] == -1) t--;
            l[b] = t + 1;
        }
    }
}
