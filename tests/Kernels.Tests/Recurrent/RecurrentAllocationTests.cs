using MLNet.DeepExtensions.Kernels.Backends;
using MLNet.DeepExtensions.Kernels.Recurrent;
using MLNet.DeepExtensions.Kernels.Tests.Layout;

namespace MLNet.DeepExtensions.Kernels.Tests.Recurrent;

/// <summary>
/// The managed backend's recurrent ops allocate nothing per call (as the other ops, see
/// <see cref="ManagedCpuBackendAllocationTests"/>): after a warm-up round, a round of every cell op (large enough for
/// the row split over two threads), every fused step op and PaddedSequenceLengths allocates nothing on the calling thread.
/// </summary>
public sealed class RecurrentAllocationTests
{
    [Fact]
    public void RecurrentOpsDoNotAllocateAfterWarmUp()
    {
        using var backend = new ManagedCpuBackend(numberOfThreads: 2);
        const int batch = 96, h = 128, s = batch * h;
        Assert.True(s >= ManagedRecurrentCells.ParallelThreshold, "the cell ops must take the parallel path");
        var rng = new Random(3);
        DeviceBuffer Random(int length)
        {
            DeviceBuffer buffer = backend.Allocate(length);
            backend.Upload(BackendBuffers.Random(rng, length), buffer);
            return buffer;
        }
        DeviceBuffer g4 = Random(4 * s), d4 = Random(4 * s), g3 = Random(3 * s), h3 = Random(3 * s), d3 = Random(3 * s), e3 = Random(3 * s);
        DeviceBuffer hp = Random(s), cp = Random(s), c = Random(s), y = Random(s), dy = Random(s), dh = Random(s), dc = Random(s), z = Random(s);
        DeviceBuffer w4 = Random(4 * h * h), w3 = Random(3 * h * h), w1 = Random(h * h), bias = Random(3 * h), lengths = backend.Allocate(batch);
        DeviceBuffer ids = Random(batch * 28);
        backend.Fill(lengths, 2f, batch);
        var host = new float[s];

        void Round()
        {
            backend.LstmStepForward(hp, w4, g4, cp, c, y, batch, h, lengths, 1);
            backend.LstmCellForward(g4, cp, hp, c, y, batch, h, null, 1);
            backend.LstmCellBackward(g4, cp, c, dy, dh, dc, d4, batch, h, lengths, 1);
            backend.GruStepForward(hp, w3, bias, g3, h3, y, batch, h, lengths, 1);
            backend.GruCellForward(g3, h3, bias, hp, y, batch, h, null, 1);
            backend.GruCellBackward(g3, h3, hp, null, dh, d3, e3, batch, h, lengths, 1);
            backend.RnnStepForward(hp, w1, z, y, ActivationKind.Tanh, batch, h, lengths, 1);
            backend.RnnCellForward(z, hp, y, ActivationKind.Relu, batch, h, null, 1);
            backend.RnnCellBackward(y, dy, dh, z, ActivationKind.Tanh, batch, h, lengths, 1);
            backend.PaddedSequenceLengths(ids, lengths, batch, 28);
            backend.Download(y, host);
        }

        Round();
        long before = GC.GetAllocatedBytesForCurrentThread();
        Round();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated == 0, $"one round of recurrent ops allocated {allocated} bytes");
    }
}
