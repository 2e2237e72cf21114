namespace MLNet.DeepExtensions.Kernels.Backends;

// ---- recurrent cells (kernels in Recurrent/IlgpuRecurrentKernels, launchers in IlgpuKernelSet.Recurrent). The step ops
// keep the base class's two launches (the tiled GEMM, then the cell kernel).
public sealed partial class IlgpuBackend
{
    /// <inheritdoc />
    protected override void LstmCellForwardCore(DeviceBuffer gates, DeviceBuffer cellPrevious, DeviceBuffer hiddenPrevious, DeviceBuffer cell, DeviceBuffer hidden,
        int batch, int hiddenSize, DeviceBuffer? lengths, int step) =>
        _kernels.LaunchLstmCellForward(V(gates), V(cellPrevious), V(hiddenPrevious), V(cell), V(hidden), batch, hiddenSize, VOrDummy(lengths), lengths is not null, step);

    /// <inheritdoc />
    protected override void LstmCellBackwardCore(DeviceBuffer gates, DeviceBuffer cellPrevious, DeviceBuffer cell, DeviceBuffer? dOutput,
        DeviceBuffer dHidden, DeviceBuffer dCell, DeviceBuffer dGates, int batch, int hiddenSize, DeviceBuffer? lengths, int step) =>
        _kernels.LaunchLstmCellBackward(V(gates), V(cellPrevious), V(cell), VOrDummy(dOutput), dOutput is not null, V(dHidden), V(dCell), V(dGates),
            batch, hiddenSize, VOrDummy(lengths), lengths is not null, step);

    /// <inheritdoc />
    protected override void GruCellForwardCore(DeviceBuffer inputGates, DeviceBuffer hiddenGates, DeviceBuffer hiddenBias, DeviceBuffer hiddenPrevious, DeviceBuffer hidden,
        int batch, int hiddenSize, DeviceBuffer? lengths, int step) =>
        _kernels.LaunchGruCellForward(V(inputGates), V(hiddenGates), V(hiddenBias), V(hiddenPrevious), V(hidden), batch, hiddenSize,
            VOrDummy(lengths), lengths is not null, step);

    /// <inheritdoc />
    protected override void GruCellBackwardCore(DeviceBuffer inputGates, DeviceBuffer hiddenGates, DeviceBuffer hiddenPrevious, DeviceBuffer? dOutput,
        DeviceBuffer dHidden, DeviceBuffer dInputGates, DeviceBuffer dHiddenGates, int batch, int hiddenSize, DeviceBuffer? lengths, int step) =>
        _kernels.LaunchGruCellBackward(V(inputGates), V(hiddenGates), V(hiddenPrevious), VOrDummy(dOutput), dOutput is not null, V(dHidden),
            V(dInputGates), V(dHiddenGates), batch, hiddenSize, VOrDummy(lengths), lengths is not null, step);

    /// <inheritdoc />
    protected override void RnnCellForwardCore(DeviceBuffer preActivation, DeviceBuffer hiddenPrevious, DeviceBuffer hidden, ActivationKind activation,
        int batch, int hiddenSize, DeviceBuffer? lengths, int step) =>
        _kernels.LaunchRnnCellForward(V(preActivation), V(hiddenPrevious), V(hidden), activation == ActivationKind.Tanh, batch, hiddenSize,
            VOrDummy(lengths), lengths is not null, step);

    /// <inheritdoc />
    protected override void RnnCellBackwardCore(DeviceBuffer hidden, DeviceBuffer? dOutput, DeviceBuffer dHidden, DeviceBuffer dPreActivation, ActivationKind activation,
        int batch, int hiddenSize, DeviceBuffer? lengths, int step) =>
        _kernels.LaunchRnnCellBackward(V(hidden), VOrDummy(dOutput), dOutput is not null, V(dHidden), V(dPreActivation), activation == ActivationKind.Tanh,
            batch, hiddenSize, VOrDummy(lengths), lengths is not null, step);

    /// <inheritdoc />
    protected override void PaddedSequenceLengthsCore(DeviceBuffer ids, DeviceBuffer lengths, int batch, int steps) =>
        _kernels.LaunchPaddedSequenceLengths(V(ids), V(lengths), batch, steps);
}
