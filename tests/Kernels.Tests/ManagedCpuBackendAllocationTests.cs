using MLNet.DeepExtensions.Kernels.Backends;

namespace MLNet.DeepExtensions.Kernels.Tests;

/// <summary>
/// The managed backend must not allocate per call (page churn is expensive on the target machine): after one
/// warm-up round (which grows the scratch arrays), a second round of every non-GEMM op allocates nothing on the
/// calling thread. The GEMM is left to its own tests.
/// </summary>
public sealed class ManagedCpuBackendAllocationTests
{
    [Fact]
    public void OpsDoNotAllocateAfterWarmUp()
    {
        using var backend = new ManagedCpuBackend(numberOfThreads: 1);
        const int rows = 33, columns = 37;
        DeviceBuffer x = backend.Allocate(rows * columns), y = backend.Allocate(rows * columns), z = backend.Allocate(rows * columns);
        DeviceBuffer v1 = backend.Allocate(columns), v2 = backend.Allocate(columns), v3 = backend.Allocate(columns), v4 = backend.Allocate(columns);
        DeviceBuffer r1 = backend.Allocate(rows), r2 = backend.Allocate(rows), r3 = backend.Allocate(rows);
        var host = new float[rows * columns];
        for (int i = 0; i < host.Length; i++) host[i] = MathF.Sin(i);
        backend.Upload(host, x);
        backend.Fill(v3, 1f, columns);
        backend.Fill(r2, 2f, rows); // class index 2 for every row
        int[] indices = [3, 1, 2];
        DeviceBuffer m = v1.Slice(0, 16), v = v2.Slice(0, 16); // views are small objects: made once, outside the measured round
        var h = new OptimizerStepParameters { LearningRate = 0.01f, Beta1 = 0.9f, Beta2 = 0.999f, Epsilon = 1e-8f, BiasCorrection1 = 0.1f, BiasCorrection2 = 0.001f };

        void Round()
        {
            backend.AddRowVector(y, v1, rows, columns);
            backend.SumColumns(x, rows, columns, v1, 0f);
            backend.GatherRows(x, columns, indices, z);
            backend.Scale(y, 0.5f, rows * columns);
            backend.Axpy(0.1f, x, y, rows * columns);
            backend.Multiply(x, y, z, rows * columns);
            backend.Clamp(z, -1f, 1f, rows * columns);
            _ = backend.Sum(x, rows * columns) + backend.Max(x, rows * columns) + backend.SquaredNorm(x, rows * columns);
            backend.ArgMaxRows(x, rows, columns, r1);
            foreach (ActivationKind kind in Kinds)
            {
                backend.ActivationForward(Activation.Default(kind), x, y, rows * columns);
                backend.ActivationBackward(Activation.Default(kind), x, y, z, z, rows * columns);
            }
            backend.Softmax(x, y, rows, columns);
            backend.SoftmaxCrossEntropy(x, r2, v3, 0.1f, rows, columns, 1f / rows, y, z, r1);
            backend.BinaryCrossEntropyWithLogits(x, y, rows, columns, 1f, z, r1);
            backend.RegressionLoss(RegressionLossKind.Huber, 1f, x, y, rows, columns, 1f, z, r1);
            backend.MulticlassHinge(x, r2, 1f, rows, columns, 1f, z, r1);
            backend.DropoutForward(x, y, z, rows * columns, 0.3f, 7);
            backend.BatchNormForwardTraining(x, v3, v2, y, v1, v4, v2, v3, rows, columns, 0.1f, 1e-5f);
            backend.BatchNormForwardInference(x, v3, v2, v1, v3, y, rows, columns, 1e-5f);
            backend.BatchNormBackward(x, v3, v1, v4, y, z, v2, v2, rows, columns);
            foreach ((int batch, int channels, int spatial) in BatchNorm2DShapes) // 3·11·37 = rows·columns; spatial 1 takes the 1-D path
            {
                backend.BatchNorm2DForwardTraining(x, v3, v2, y, v1, v4, v2, v3, batch, channels, spatial, 0.1f, 1e-5f);
                backend.BatchNorm2DForwardInference(x, v3, v2, v1, v3, y, batch, channels, spatial, 1e-5f);
                backend.BatchNorm2DBackward(x, v3, v1, v4, y, z, v2, v2, batch, channels, spatial);
            }
            backend.LayerNormForward(x, v3, v2, y, r1, r3, rows, columns, 1e-5f);
            backend.LayerNormBackward(x, v3, r1, r3, y, z, v2, v2, rows, columns);
            backend.OptimizerStep(OptimizerKind.AdamW, h, y, z, m, v, 16);
            backend.Download(y, host);
        }

        Round();
        long before = GC.GetAllocatedBytesForCurrentThread();
        Round();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated == 0, $"one round of ops allocated {allocated} bytes");
    }

    private static readonly ActivationKind[] Kinds = Enum.GetValues<ActivationKind>();

    private static readonly (int Batch, int Channels, int Spatial)[] BatchNorm2DShapes = [(3, 11, 37), (33, 37, 1)];
}
