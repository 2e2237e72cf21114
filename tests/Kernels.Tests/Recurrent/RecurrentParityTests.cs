using System.Globalization;
using MLNet.DeepExtensions.Kernels.Backends;
using MLNet.DeepExtensions.Kernels.Tests.Backends;
using MLNet.DeepExtensions.Kernels.Tests.Layout;

namespace MLNet.DeepExtensions.Kernels.Tests.Recurrent;

/// <summary>
/// Every op of the recurrent family (<see cref="RecurrentScenarios.Ops"/>, plus PaddedSequenceLengths) on a candidate
/// backend against an oracle, at awkward sizes (batch 1, 7, 33; hidden 1, 7, 33, 129 — under, at and over a SIMD width
/// and a GEMM tile), without and with a lengths buffer (edge lengths 0, NaN, equal to the step, fractional), and the
/// backward ops with and without a dOutput. Tolerances are float32's as in the other parity tests: atol 1e-5, rtol
/// 1e-4 (sigmoid and tanh differ by a few ulps between TensorPrimitives, MathF and double; the step ops' GEMM sums H
/// products of unit size in different orders). Padded rows are copies, so any mistake there is far outside these
/// bounds; outputs start as NaN and buffers end in sentinels (<see cref="BackendBuffers"/>).
/// </summary>
public abstract class RecurrentParityTests : IDisposable
{
    private readonly ComputeBackend _candidate;
    private readonly ComputeBackend _oracle;
    private readonly bool _ownsCandidate;
    private readonly float _absoluteTolerance;
    private readonly float _relativeTolerance;

    protected RecurrentParityTests(ComputeBackend candidate, bool ownsCandidate, ComputeBackend oracle, float absoluteTolerance, float relativeTolerance)
    {
        (_candidate, _ownsCandidate, _oracle) = (candidate, ownsCandidate, oracle);
        (_absoluteTolerance, _relativeTolerance) = (absoluteTolerance, relativeTolerance);
    }

    public static TheoryData<string, int, int, string, bool> Cases()
    {
        var data = new TheoryData<string, int, int, string, bool>();
        foreach (string op in RecurrentScenarios.Ops)
        {
            foreach (int batch in new[] { 1, 7, 33 })
            {
                foreach (int h in new[] { 1, 7, 33, 129 })
                {
                    foreach (string masking in new[] { "none", "ragged" })
                    {
                        data.Add(op, batch, h, masking, false);
                        if (op.Contains("Backward", StringComparison.Ordinal)) data.Add(op, batch, h, masking, true);
                    }
                }
            }
        }
        data.Add("LstmCellForward", 0, 7, "none", false);
        data.Add("LstmStepForward", 0, 7, "ragged", false);
        data.Add("GruCellBackward", 0, 7, "ragged", true);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases), MemberType = typeof(RecurrentParityTests))]
    public void MatchesTheOracle(string op, int batch, int hiddenSize, string masking, bool withDOutput)
    {
        int seed = Array.IndexOf(RecurrentScenarios.Ops, op) * 1_000_000 + batch * 1_000 + hiddenSize; // fixed per case (HashCode is per process)
        float[]? lengths = RecurrentScenarios.Lengths(batch, masking, seed + 1);
        float[][] expected = RunOn(_oracle, op, batch, hiddenSize, lengths, withDOutput, seed);
        float[][] actual = RunOn(_candidate, op, batch, hiddenSize, lengths, withDOutput, seed);
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            AssertClose($"{op}(batch {batch}, H {hiddenSize}, {masking}{(withDOutput ? ", dOutput" : "")}) output {i}", expected[i], actual[i]);
        }
    }

    [Theory]
    [InlineData(0, 7)]
    [InlineData(1, 0)]
    [InlineData(1, 1)]
    [InlineData(7, 7)]
    [InlineData(33, 33)]
    [InlineData(33, 1)]
    public void PaddedSequenceLengthsFindsTheLastRealId(int batch, int steps)
    {
        float[] ids = RecurrentScenarios.PaddedIds(batch, steps, batch * 100 + steps, out int[] lengths);
        float[] expected = lengths.Select(l => (float)l).ToArray();
        foreach (ComputeBackend backend in new[] { _candidate, _oracle })
        {
            using var buffers = new BackendBuffers(backend);
            DeviceBuffer idBuffer = buffers.Upload(ids), lengthBuffer = buffers.Output(batch);
            backend.PaddedSequenceLengths(idBuffer, lengthBuffer, batch, steps);
            BackendBuffers.AssertBitIdentical(expected, buffers.Download(lengthBuffer, batch), $"{backend.Description}: PaddedSequenceLengths({batch}, {steps})");
        }
    }

    [Theory]
    [InlineData(ActivationKind.Tanh)]
    [InlineData(ActivationKind.Relu)]
    public void RnnCellForwardMayWriteOverItsPreActivation(ActivationKind activation)
    {
        const int batch = 7, h = 33;
        var rng = new Random(5);
        float[] z = BackendBuffers.Random(rng, batch * h, -3f, 3f), hp = BackendBuffers.Random(rng, batch * h);
        float[]? lengths = RecurrentScenarios.Lengths(batch, "ragged", 6);
        using var buffers = new BackendBuffers(_candidate);
        DeviceBuffer inPlace = buffers.Upload(z), separate = buffers.Upload(z), y = buffers.Output(batch * h), previous = buffers.Upload(hp);
        DeviceBuffer l = buffers.Upload(lengths!);
        _candidate.RnnCellForward(separate, previous, y, activation, batch, h, l, RecurrentScenarios.Step);
        _candidate.RnnCellForward(inPlace, previous, inPlace, activation, batch, h, l, RecurrentScenarios.Step);
        BackendBuffers.AssertBitIdentical(buffers.Download(y, batch * h), buffers.Download(inPlace, batch * h), $"{_candidate.Description}: RnnCellForward in place");
    }

    private static float[][] RunOn(ComputeBackend backend, string op, int batch, int h, float[]? lengths, bool withDOutput, int seed)
    {
        using var buffers = new BackendBuffers(backend);
        return RecurrentScenarios.Run(op, buffers, batch, h, lengths, withDOutput, seed);
    }

    private void AssertClose(string what, float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double diff = Math.Abs((double)actual[i] - expected[i]);
            if (expected[i] == actual[i] || diff <= _absoluteTolerance + _relativeTolerance * Math.Abs((double)expected[i])) continue;
            Assert.Fail(string.Create(CultureInfo.InvariantCulture,
                $"{_candidate.Description} vs {_oracle.Description}, {what}: element {i} of {expected.Length} is {actual[i]:R}, expected {expected[i]:R}."));
        }
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (!disposing) return;
        if (_ownsCandidate) _candidate.Dispose();
        _oracle.Dispose();
    }
}

/// <summary>The managed CPU backend (two threads, so the row split runs at the larger sizes) against the double reference.</summary>
public sealed class ManagedVsReferenceRecurrentParityTests()
    : RecurrentParityTests(new ManagedCpuBackend(numberOfThreads: 2), ownsCandidate: true, new ReferenceBackend(), 1e-5f, 1e-4f);

/// <summary>The ILGPU kernels on ILGPU's CPU accelerator (shared fixture) against the managed CPU backend.</summary>
[Collection(IlgpuCpuAcceleratorCollection.Name)]
public sealed class IlgpuCpuVsManagedRecurrentParityTests(IlgpuCpuAcceleratorFixture fixture)
    : RecurrentParityTests(fixture.Backend, ownsCandidate: false, new ManagedCpuBackend(numberOfThreads: 2), 1e-5f, 1e-4f);
