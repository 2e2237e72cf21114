using System.Globalization;
using MLNet.DeepExtensions.Kernels.Backends;
using MLNet.DeepExtensions.Kernels.Tests.Backends;
using MLNet.DeepExtensions.Kernels.Tests.Layout;

namespace MLNet.DeepExtensions.Kernels.Tests.Recurrent;

/// <summary>
/// The recurrent kernels on the first GPU ILGPU finds against the managed CPU backend, every op at a few awkward sizes
/// with ragged lengths; atol 1e-5 + rtol 1e-4 as in <see cref="CudaBackendTests"/> (the GPU's fast exp and tanh differ
/// by a few ulps). Skips visibly (<see cref="GpuFactAttribute"/>) where there is no GPU.
/// </summary>
public sealed class GpuRecurrentTests : IClassFixture<GpuBackendFixture>, IDisposable
{
    private readonly GpuBackendFixture _fixture;
    private readonly ManagedCpuBackend _managed = new(numberOfThreads: 2);

    public GpuRecurrentTests(GpuBackendFixture fixture) => _fixture = fixture;

    public void Dispose() => _managed.Dispose();

    [GpuFact]
    public void RecurrentOpsMatchManaged()
    {
        foreach (string op in RecurrentScenarios.Ops)
        {
            foreach ((int batch, int h) in new[] { (1, 1), (7, 33), (33, 129), (128, 128) })
            {
                foreach (bool withDOutput in new[] { false, true })
                {
                    int seed = batch * 1000 + h;
                    float[]? lengths = RecurrentScenarios.Lengths(batch, "ragged", seed);
                    float[][] expected, actual;
                    using (var buffers = new BackendBuffers(_managed)) expected = RecurrentScenarios.Run(op, buffers, batch, h, lengths, withDOutput, seed);
                    using (var buffers = new BackendBuffers(_fixture.Backend)) actual = RecurrentScenarios.Run(op, buffers, batch, h, lengths, withDOutput, seed);
                    for (int i = 0; i < expected.Length; i++)
                    {
                        for (int j = 0; j < expected[i].Length; j++)
                        {
                            double diff = Math.Abs((double)actual[i][j] - expected[i][j]);
                            Assert.True(expected[i][j] == actual[i][j] || diff <= 1e-5 + 1e-4 * Math.Abs((double)expected[i][j]), string.Create(CultureInfo.InvariantCulture,
                                $"{op}(batch {batch}, H {h}, dOutput {withDOutput}) output {i}[{j}]: GPU {actual[i][j]:R}, managed {expected[i][j]:R}"));
                        }
                    }
                }
            }
        }
    }

    [GpuFact]
    public void PaddedSequenceLengthsMatchesManaged()
    {
        float[] ids = RecurrentScenarios.PaddedIds(257, 33, 9, out int[] lengths);
        using var buffers = new BackendBuffers(_fixture.Backend);
        DeviceBuffer idBuffer = buffers.Upload(ids), lengthBuffer = buffers.Output(257);
        _fixture.Backend.PaddedSequenceLengths(idBuffer, lengthBuffer, 257, 33);
        BackendBuffers.AssertBitIdentical(lengths.Select(l => (float)l).ToArray(), buffers.Download(lengthBuffer, 257), "GPU PaddedSequenceLengths(257, 33)");
    }
}
