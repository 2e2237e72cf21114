using MLNet.DeepExtensions.Kernels.MatMul;

namespace MLNet.DeepExtensions.Kernels.Backends;

// The matrix multiplication operations of the reference backend (double precision, plain loops); ComputeBackend.MatMul.cs documents them.
public sealed partial class ReferenceBackend
{
    /// <inheritdoc />
    protected override void GemmCore(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        DeviceBuffer a, DeviceBuffer b, float beta, DeviceBuffer c) =>
        ReferenceGemm.Multiply(transposeA, transposeB, m, n, k, alpha, D(a, m * k), D(b, k * n), beta, D(c, m * n));
}
