using MLNet.DeepExtensions.Kernels.Backends;
using MLNet.DeepExtensions.Kernels.Tests.Backends;

namespace MLNet.DeepExtensions.Kernels.Tests;

/// <summary>
/// A diverged run feeds NaN into losses and optimizer steps: every backend must pass it through as NaN (which the
/// trainer reports with the epoch and batch), never throw (MathF.Sign throws ArithmeticException on NaN).
/// </summary>
[Collection(IlgpuCpuAcceleratorCollection.Name)]
public sealed class NonFiniteInputTests(IlgpuCpuAcceleratorFixture ilgpu)
{
    public static TheoryData<string, RegressionLossKind> Cases()
    {
        var data = new TheoryData<string, RegressionLossKind>();
        foreach (var backend in new[] { "reference", "managed", "ilgpu" })
        {
            foreach (var kind in Enum.GetValues<RegressionLossKind>()) data.Add(backend, kind);
        }
        return data;
    }

    private ComputeBackend Create(string name) => name switch
    {
        "reference" => new ReferenceBackend(),
        "managed" => new ManagedCpuBackend(1),
        _ => ilgpu.Backend,
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void RegressionLossOfANaNPredictionIsNaN(string backendName, RegressionLossKind kind)
    {
        var backend = Create(backendName);
        try
        {
            using var predictions = backend.Allocate(3);
            using var targets = backend.Allocate(3);
            using var gradient = backend.Allocate(3);
            using var rowLoss = backend.Allocate(1);
            backend.Upload([0.5f, float.NaN, -2f], predictions);
            backend.Upload([0f, 1f, 1f], targets);
            backend.RegressionLoss(kind, 1f, predictions, targets, 1, 3, 1f, gradient, rowLoss);
            var loss = new float[1];
            var dPredictions = new float[3];
            backend.Download(rowLoss, loss);
            backend.Download(gradient, dPredictions);
            Assert.True(float.IsNaN(loss[0]), $"{backendName} {kind}: loss {loss[0]}");
            Assert.True(float.IsNaN(dPredictions[1]), $"{backendName} {kind}: gradient {dPredictions[1]}");
            Assert.True(float.IsFinite(dPredictions[0]) && float.IsFinite(dPredictions[2]));
        }
        finally
        {
            if (backendName != "ilgpu") backend.Dispose();
        }
    }

    [Theory]
    [InlineData("reference")]
    [InlineData("managed")]
    [InlineData("ilgpu")]
    public void L1StepOnANaNWeightStaysNaN(string backendName)
    {
        var backend = Create(backendName);
        try
        {
            // 37 weights: the managed backend's 16-lane loop and its scalar tail both see a NaN.
            var values = Enumerable.Range(0, 37).Select(i => i % 17 == 3 ? float.NaN : 0.1f * i).ToArray();
            using var weights = backend.Allocate(37);
            using var gradients = backend.Allocate(37);
            using var state = backend.Allocate(37);
            backend.Upload(values, weights);
            backend.OptimizerStep(OptimizerKind.Momentum, new OptimizerStepParameters { LearningRate = 0.1f, Momentum = 0.9f, L1 = 0.01f }, weights, gradients, state, null, 37);
            var after = new float[37];
            backend.Download(weights, after);
            for (int i = 0; i < 37; i++) Assert.Equal(float.IsNaN(values[i]), float.IsNaN(after[i]));
        }
        finally
        {
            if (backendName != "ilgpu") backend.Dispose();
        }
    }
}
