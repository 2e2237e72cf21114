using MLNet.DeepExtensions.Kernels.MatMul;

namespace MLNet.DeepExtensions.Kernels.Backends;

// The matrix multiplication operations of the managed CPU backend; ComputeBackend.MatMul.cs documents them.
public sealed unsafe partial class ManagedCpuBackend
{
    /// <inheritdoc />
    protected override void GemmCore(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        DeviceBuffer a, DeviceBuffer b, float beta, DeviceBuffer c) =>
        _gemm.Multiply(transposeA, transposeB, m, n, k, alpha, P(a), P(b), beta, P(c));

    /// <inheritdoc />
    /// <remarks>Bias and activation run in the GEMM's epilogue, per finished tile row panel (see <see cref="ManagedGemm.MultiplyDense"/>).</remarks>
    protected override void DenseForwardCore(DeviceBuffer input, DeviceBuffer weight, DeviceBuffer? bias, Activation activation,
        DeviceBuffer preActivation, DeviceBuffer output, int rows, int units, int inputs) =>
        _gemm.MultiplyDense(rows, units, inputs, P(input), P(weight), bias is null ? null : P(bias), activation, P(preActivation), P(output));
}
