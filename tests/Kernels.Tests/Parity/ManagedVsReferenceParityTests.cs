using MLNet.DeepExtensions.Kernels.Backends;

namespace MLNet.DeepExtensions.Kernels.Tests.Parity;

/// <summary>
/// The managed CPU backend (float32, SIMD) against the double-precision reference. Tolerances are float32's:
/// atol 1e-5 (a few ulps at the unit scale of the test data), rtol 1e-4.
/// </summary>
public sealed class ManagedVsReferenceParityTests : BackendParityTests
{
    /// <summary>Two threads, as on the target machine, so the GEMM's split is exercised.</summary>
    public ManagedVsReferenceParityTests()
        : base(new ManagedCpuBackend(numberOfThreads: 2), new ReferenceBackend(), absoluteTolerance: 1e-5f, relativeTolerance: 1e-4f)
    {
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Candidate.Dispose();
            Oracle.Dispose();
        }
    }
}
