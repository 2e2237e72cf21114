using MLNet.DeepExtensions.Kernels.Elementwise;

namespace MLNet.DeepExtensions.Kernels.Backends;

// The elementwise operations of the reference backend (double precision, plain loops); ComputeBackend.Elementwise.cs documents them.
public sealed partial class ReferenceBackend
{
    /// <inheritdoc />
    protected override void AddRowVectorCore(DeviceBuffer x, DeviceBuffer bias, int rows, int columns) =>
        ReferenceElementwise.AddRowVector(D(x, rows * columns), D(bias, columns), rows, columns);

    /// <inheritdoc />
    protected override void GatherRowsCore(DeviceBuffer source, int columns, ReadOnlySpan<int> rowIndices, DeviceBuffer destination) =>
        ReferenceElementwise.GatherRows(D(source, source.Length), columns, rowIndices, D(destination, rowIndices.Length * columns));

    /// <inheritdoc />
    protected override void ScaleCore(DeviceBuffer x, float alpha, int length) => ReferenceElementwise.Scale(D(x, length), alpha);

    /// <inheritdoc />
    protected override void AxpyCore(float alpha, DeviceBuffer x, DeviceBuffer y, int length) =>
        ReferenceElementwise.Axpy(alpha, D(x, length), D(y, length));

    /// <inheritdoc />
    protected override void MultiplyCore(DeviceBuffer a, DeviceBuffer b, DeviceBuffer result, int length) =>
        ReferenceElementwise.Multiply(D(a, length), D(b, length), D(result, length));

    /// <inheritdoc />
    protected override void ClampCore(DeviceBuffer x, float min, float max, int length) =>
        ReferenceElementwise.Clamp(D(x, length), min, max);

    /// <inheritdoc />
    protected override void DropoutForwardCore(DeviceBuffer input, DeviceBuffer output, DeviceBuffer mask, int length, float rate, ulong seed) =>
        ReferenceElementwise.DropoutForward(D(input, length), D(output, length), D(mask, length), rate, seed);
}
