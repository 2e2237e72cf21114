using MLNet.DeepExtensions.Kernels.Backends;
using MLNet.DeepExtensions.Kernels.Tests.Backends;

namespace MLNet.DeepExtensions.Kernels.Tests.Parity;

/// <summary>
/// The ILGPU kernels, run on ILGPU's CPU accelerator, against the managed CPU backend, for every op of the contract.
/// Tolerances are float32's, as for managed vs reference: atol 1e-5, rtol 1e-4. Both sides compute in float32 with the
/// same scalar formulas (<c>ActivationMath</c>, <c>CounterRandom</c>); what differs is the summation order (the tiled
/// GEMM sums k in order, the managed GEMM in SIMD blocks; the ILGPU reductions fold 256 strided partials), which moves
/// results by a few ulps, well inside these bounds, while a wrong index or formula is off by far more.
/// The accelerator is created once per test run (<see cref="IlgpuCpuAcceleratorFixture"/>).
/// </summary>
[Collection(IlgpuCpuAcceleratorCollection.Name)]
public sealed class IlgpuCpuVsManagedParityTests : BackendParityTests
{
    public IlgpuCpuVsManagedParityTests(IlgpuCpuAcceleratorFixture fixture)
        : base(fixture.Backend, new ManagedCpuBackend(numberOfThreads: 1), absoluteTolerance: 1e-5f, relativeTolerance: 1e-4f)
    {
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        // The ILGPU backend belongs to the fixture and is shared by the whole collection; only the oracle is ours.
        if (disposing) Oracle.Dispose();
    }
}
