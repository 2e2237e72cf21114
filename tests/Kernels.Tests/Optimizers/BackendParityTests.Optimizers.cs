namespace MLNet.DeepExtensions.Kernels.Tests.Parity;

// Parity of the optimizers operations (see BackendParityTests.cs for the backends, tolerances and helpers).
public abstract partial class BackendParityTests
{
    /// <summary>Every optimizer at lengths 1, 7, 33 and 257 (whole SIMD vectors plus tails).</summary>
    public static IEnumerable<object[]> OptimizerCases() =>
        from kind in Enum.GetValues<OptimizerKind>()
        from length in new[] { 1, 7, 33, 257 }
        select new object[] { kind, length };

    [Theory]
    [MemberData(nameof(OptimizerCases), MemberType = typeof(BackendParityTests))]
    public void OptimizerThreeSteps(OptimizerKind kind, int length)
    {
        var rng = new Random(length + 10 * (int)kind);
        float[] initial = RandomArray(rng, length, -1f, 1f);
        initial[0] = 0f; // sign(0) = 0 for the L1 term
        Twin parameters = Upload(initial);
        Twin state1 = Allocate(length);
        Twin state2 = Allocate(length);
        Twin gradients = Allocate(length);
        const float beta1 = 0.9f, beta2 = 0.999f;
        for (int t = 1; t <= 3; t++)
        {
            float[] g = RandomArray(rng, length, -1f, 1f);
            Candidate.Upload(g, gradients.C);
            Oracle.Upload(g, gradients.O);
            var h = new OptimizerStepParameters
            {
                LearningRate = 0.05f,
                Momentum = 0.9f,
                Beta1 = beta1,
                Beta2 = beta2,
                Rho = 0.9f,
                Epsilon = 1e-6f,
                WeightDecay = 0.01f,
                L1 = 0.001f,
                L2 = 0.01f,
                BiasCorrection1 = 1f - MathF.Pow(beta1, t),
                BiasCorrection2 = 1f - MathF.Pow(beta2, t),
            };
            Candidate.OptimizerStep(kind, h, parameters.C, gradients.C, state1.C, state2.C, length);
            Oracle.OptimizerStep(kind, h, parameters.O, gradients.O, state1.O, state2.O, length);
            Compare($"OptimizerStep({kind}) step {t} parameters", parameters, length);
            Compare($"OptimizerStep({kind}) step {t} state1", state1, length);
            Compare($"OptimizerStep({kind}) step {t} state2", state2, length);
        }
    }
}
