namespace MLNet.DeepExtensions.Kernels.Backends;

// ---- layout (kernels in Layout/IlgpuLayoutKernels, launchers in IlgpuKernelSet.Layout)
public sealed partial class IlgpuBackend
{
    /// <inheritdoc />
    protected override void BatchToTimeMajorCore(DeviceBuffer input, DeviceBuffer output, int batch, int steps, int features) =>
        _kernels.LaunchBatchToTimeMajor(V(input), V(output), batch, steps, features);

    /// <inheritdoc />
    protected override void TimeToBatchMajorCore(DeviceBuffer input, DeviceBuffer output, int batch, int steps, int features) =>
        _kernels.LaunchTimeToBatchMajor(V(input), V(output), batch, steps, features);

    /// <inheritdoc />
    protected override void ConcatColumnsCore(DeviceBuffer a, int aColumns, DeviceBuffer b, int bColumns, DeviceBuffer output, int rows) =>
        _kernels.LaunchConcatColumns(V(a), aColumns, V(b), bColumns, V(output), rows);

    /// <inheritdoc />
    protected override void SplitColumnsCore(DeviceBuffer input, int rows, int aColumns, int bColumns, DeviceBuffer a, DeviceBuffer b) =>
        _kernels.LaunchSplitColumns(V(input), rows, aColumns, bColumns, V(a), V(b));

    /// <inheritdoc />
    /// <remarks>The lengths are not checked (that would synchronize): each is truncated toward zero and clamped into [0, steps].</remarks>
    protected override void ReverseSequencesCore(DeviceBuffer input, DeviceBuffer output, int batch, int steps, int features, DeviceBuffer? lengths) =>
        _kernels.LaunchReverseSequences(V(input), V(output), VOrDummy(lengths), lengths is not null, batch, steps, features);
}
