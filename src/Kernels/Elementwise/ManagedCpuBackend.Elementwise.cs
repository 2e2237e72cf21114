using MLNet.DeepExtensions.Kernels.Elementwise;

namespace MLNet.DeepExtensions.Kernels.Backends;

// The elementwise operations of the managed CPU backend; ComputeBackend.Elementwise.cs documents them.
public sealed unsafe partial class ManagedCpuBackend
{
    /// <inheritdoc />
    protected override void AddRowVectorCore(DeviceBuffer x, DeviceBuffer bias, int rows, int columns) =>
        ManagedElementwise.AddRowVector(F(x, rows * columns), F(bias, columns), rows, columns);

    /// <inheritdoc />
    protected override void GatherRowsCore(DeviceBuffer source, int columns, ReadOnlySpan<int> rowIndices, DeviceBuffer destination) =>
        ManagedElementwise.GatherRows(F(source, source.Length), columns, rowIndices, F(destination, rowIndices.Length * columns));

    /// <inheritdoc />
    protected override void ScaleCore(DeviceBuffer x, float alpha, int length) => ManagedElementwise.Scale(F(x, length), alpha);

    /// <inheritdoc />
    protected override void AxpyCore(float alpha, DeviceBuffer x, DeviceBuffer y, int length) =>
        ManagedElementwise.Axpy(alpha, F(x, length), F(y, length));

    /// <inheritdoc />
    protected override void MultiplyCore(DeviceBuffer a, DeviceBuffer b, DeviceBuffer result, int length) =>
        ManagedElementwise.Multiply(F(a, length), F(b, length), F(result, length));

    /// <inheritdoc />
    protected override void ClampCore(DeviceBuffer x, float min, float max, int length) => ManagedElementwise.Clamp(F(x, length), min, max);

    /// <inheritdoc />
    protected override void DropoutForwardCore(DeviceBuffer input, DeviceBuffer output, DeviceBuffer mask, int length, float rate, ulong seed) =>
        ManagedElementwise.DropoutForward(F(input, length), F(output, length), F(mask, length), rate, seed);
}
