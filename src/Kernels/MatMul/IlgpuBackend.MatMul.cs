using MLNet.DeepExtensions.Kernels.MatMul;

namespace MLNet.DeepExtensions.Kernels.Backends;

// The matrix multiplication operations of the ILGPU backend (kernels loaded once by IlgpuKernelSet); ComputeBackend.MatMul.cs documents them.
public sealed partial class IlgpuBackend
{
    /// <inheritdoc />
    protected override void GemmCore(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        DeviceBuffer a, DeviceBuffer b, float beta, DeviceBuffer c) =>
        _kernels.Gemm.Launch(transposeA, transposeB, m, n, k, alpha, V(a), V(b), beta, V(c));
}
