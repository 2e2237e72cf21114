using MLNet.DeepExtensions.Kernels.Backends;

namespace MLNet.DeepExtensions.Kernels.Tests.Parity;

/// <summary>
/// The managed CPU backend (float32, SIMD) against the double-precision reference. Tolerances are float32's:
/// atol 1e-5 (about a hundred ulps at the unit scale of the test data, room for a few chained roundings such as
/// exp → sum → divide), rtol 1e-4. No op needs a looser per-op tolerance; outputs that are long sums (GEMM, column
/// sums, dGamma/dBeta, Sum) get their absolute tolerance widened by √terms in the base class, since their magnitude
/// and rounding grow that way whatever the backend's summation order (measured worst: 1.05e-5 for a K = 257 GEMM).
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
