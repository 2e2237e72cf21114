using MLNet.DeepExtensions.Kernels;
using MLNet.DeepExtensions.Networks.Layers;
using MLNet.DeepExtensions.Networks.Losses;
using MLNet.DeepExtensions.Networks.Optimizers;
using MLNet.DeepExtensions.Networks.Training;

namespace MLNet.DeepExtensions.Networks.Tests.Training;

/// <summary>
/// The same seeded training run on ILGPU's CPU accelerator and on the managed backend: the loss trajectory and the
/// final weights agree within float rounding (the backends sum in different orders; everything else — initial weights,
/// shuffling, dropout masks — is identical by construction).
/// </summary>
public sealed class BackendEquivalenceTests
{
    // 10 full-batch steps: each epoch is one step, so the per-epoch loss is the per-step loss.
    private static (double[] Losses, float[] Weights) Train(ComputeBackend backend)
    {
        var (train, _) = TestData.Digits;
        var data = train.Subset(Enumerable.Range(0, 48).ToArray(), "digits subset");
        using var model = new Sequential(
            // A bias before batch norm has a zero gradient that Adam would turn into noise.
            new DenseLayer(24, useBias: false), new BatchNormLayer(), new ActivationLayer(ActivationKind.Gelu), new DropoutLayer(0.2f),
            new DenseLayer(12), new LayerNormLayer(), new ActivationLayer(ActivationKind.Tanh), new DenseLayer(10));
        model.Build(backend, data.FeatureShape, seed: 13);
        var options = new TrainingOptions { Epochs = 10, BatchSize = 48, Seed = 5, Optimizer = new AdamOptimizer(0.01f) { L2Regularization = 1e-3f }, GradientClipNorm = 5f };
        var history = new NetworkTrainer(options).Fit(model, new SoftmaxCrossEntropyLoss(labelSmoothing: 0.05f), data);
        return (history.Epochs.Select(e => e.TrainLoss).ToArray(), model.Parameters.Read());
    }

    [Fact]
    public void IlgpuCpuAcceleratorFollowsTheManagedLossTrajectory()
    {
        using var managed = new ManagedCpuBackend(1);
        using var ilgpu = IlgpuBackend.CreateCpuAccelerator();
        var (managedLosses, managedWeights) = Train(managed);
        var (ilgpuLosses, ilgpuWeights) = Train(ilgpu);

        Assert.True(managedLosses[^1] < managedLosses[0] * 0.7, "the run must actually learn for the comparison to mean something");
        // Stated tolerance: relative 1e-4 on each step's loss and 1e-3 + 1e-3·|w| on each weight after 10 Adam steps.
        for (int i = 0; i < managedLosses.Length; i++)
        {
            Assert.True(Math.Abs(managedLosses[i] - ilgpuLosses[i]) <= 1e-4 * Math.Abs(managedLosses[i]),
                $"step {i + 1}: managed loss {managedLosses[i]:G9}, ILGPU {ilgpuLosses[i]:G9}");
        }
        for (int i = 0; i < managedWeights.Length; i++)
        {
            Assert.True(Math.Abs(managedWeights[i] - ilgpuWeights[i]) <= 1e-3 + 1e-3 * Math.Abs(managedWeights[i]),
                $"weight {i}: managed {managedWeights[i]:G9}, ILGPU {ilgpuWeights[i]:G9}");
        }
    }
}
