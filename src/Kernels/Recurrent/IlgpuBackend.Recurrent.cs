namespace MLNet.DeepExtensions.Kernels.Backends;

// ---- recurrent cells: not yet on ILGPU (placeholder until the Recurrent kernels land)
public sealed partial class IlgpuBackend
{
    private static NotSupportedException RecurrentPending() => new("The recurrent cell kernels are not implemented on the ILGPU backend yet.");

    /// <inheritdoc />
    protected override void LstmCellForwardCore(DeviceBuffer gates, DeviceBuffer cellPrevious, DeviceBuffer hiddenPrevious, DeviceBuffer cell, DeviceBuffer hidden,
        int batch, int hiddenSize, DeviceBuffer? lengths, int step) => throw RecurrentPending();

    /// <inheritdoc />
    protected override void LstmCellBackwardCore(DeviceBuffer gates, DeviceBuffer cellPrevious, DeviceBuffer cell, DeviceBuffer? dOutput,
        DeviceBuffer dHidden, DeviceBuffer dCell, DeviceBuffer dGates, int batch, int hiddenSize, DeviceBuffer? lengths, int step) => throw RecurrentPending();

    /// <inheritdoc />
    protected override void GruCellForwardCore(DeviceBuffer inputGates, DeviceBuffer hiddenGates, DeviceBuffer hiddenBias, DeviceBuffer hiddenPrevious, DeviceBuffer hidden,
        int batch, int hiddenSize, DeviceBuffer? lengths, int step) => throw RecurrentPending();

    /// <inheritdoc />
    protected override void GruCellBackwardCore(DeviceBuffer inputGates, DeviceBuffer hiddenGates, DeviceBuffer hiddenPrevious, DeviceBuffer? dOutput,
        DeviceBuffer dHidden, DeviceBuffer dInputGates, DeviceBuffer dHiddenGates, int batch, int hiddenSize, DeviceBuffer? lengths, int step) => throw RecurrentPending();

    /// <inheritdoc />
    protected override void RnnCellForwardCore(DeviceBuffer preActivation, DeviceBuffer hiddenPrevious, DeviceBuffer hidden, ActivationKind activation,
        int batch, int hiddenSize, DeviceBuffer? lengths, int step) => throw RecurrentPending();

    /// <inheritdoc />
    protected override void RnnCellBackwardCore(DeviceBuffer hidden, DeviceBuffer? dOutput, DeviceBuffer dHidden, DeviceBuffer dPreActivation, ActivationKind activation,
        int batch, int hiddenSize, DeviceBuffer? lengths, int step) => throw RecurrentPending();

    /// <inheritdoc />
    protected override void PaddedSequenceLengthsCore(DeviceBuffer ids, DeviceBuffer lengths, int batch, int steps) => throw RecurrentPending();
}
