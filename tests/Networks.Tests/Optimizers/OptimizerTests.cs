using MLNet.DeepExtensions.Kernels;
using MLNet.DeepExtensions.Networks.Layers;
using MLNet.DeepExtensions.Networks.Optimizers;

namespace MLNet.DeepExtensions.Networks.Tests.Optimizers;

/// <summary>
/// Each optimizer on the managed backend: an analytic property of its first step, and a 12-step trajectory against a
/// plain double-precision reference of its update rule (with L1, L2 and weight decay on the regularized range only).
/// </summary>
public sealed class OptimizerTests : IDisposable
{
    private readonly ManagedCpuBackend _backend = new(numberOfThreads: 1);
    private readonly Sequential _model = new(new DenseLayer(3)); // weight (3x4): regularized; bias (3): not

    public OptimizerTests() => _model.Build(_backend, new TensorShape(4), seed: 5);

    public void Dispose()
    {
        _model.Dispose();
        _backend.Dispose();
    }

    private ParameterStore Store => _model.Parameters;

    private float[] Values()
    {
        var v = new float[Store.TrainableCount];
        _backend.Download(Store.Values, v);
        return v;
    }

    private void SetGradients(float[] g) => _backend.Upload(g, Store.Gradients);

    private static float[] Gradients(int n, int step) =>
        Enumerable.Range(0, n).Select(i => (float)Math.Sin(1.3 * i + 0.7 * step + 0.1) * (1 + i % 3)).ToArray();

    [Theory]
    [InlineData(0f)]
    [InlineData(0.9f)] // momentum: v starts at 0, so the first step is plain SGD
    public void SgdFirstStepMovesByLearningRateTimesGradient(float momentum)
    {
        var w0 = Values();
        var g = Gradients(w0.Length, 0);
        SetGradients(g);
        new SgdOptimizer(0.1f, momentum).Step(Store, 0.1f);
        var w1 = Values();
        for (int i = 0; i < w0.Length; i++) Assert.Equal(w0[i] - 0.1f * g[i], w1[i], 6);
    }

    [Fact]
    public void NesterovFirstStepMovesByOnePlusMomentumTimesGradient()
    {
        var w0 = Values();
        var g = Gradients(w0.Length, 0);
        SetGradients(g);
        new SgdOptimizer(0.1f, momentum: 0.9f, nesterov: true).Step(Store, 0.1f);
        var w1 = Values();
        for (int i = 0; i < w0.Length; i++) Assert.Equal(w0[i] - 0.1f * 1.9f * g[i], w1[i], 5);
    }

    [Theory]
    [InlineData("adam")]
    [InlineData("adagrad")]
    public void SignLikeOptimizersFirstStepMovesByLearningRateTimesSign(string name)
    {
        // Adam: m̂ = g, v̂ = g², so Δ = lr·g/(|g| + ε) ≈ lr·sign(g) (keras test_single_step). Adagrad: s = g², same.
        Optimizer optimizer = name == "adam" ? new AdamOptimizer(0.01f) : new AdagradOptimizer(0.01f);
        var w0 = Values();
        var g = Gradients(w0.Length, 0);
        SetGradients(g);
        optimizer.Step(Store, 0.01f);
        var w1 = Values();
        for (int i = 0; i < w0.Length; i++) Assert.Equal(-0.01 * Math.Sign(g[i]), w1[i] - w0[i], 5);
    }

    [Fact]
    public void RmsPropFirstStepMovesByLearningRateOverRootOfOneMinusRho()
    {
        var w0 = Values();
        var g = Gradients(w0.Length, 0);
        SetGradients(g);
        new RmsPropOptimizer(0.01f, rho: 0.99f).Step(Store, 0.01f);
        var w1 = Values();
        for (int i = 0; i < w0.Length; i++) Assert.Equal(-0.01 * Math.Sign(g[i]) / Math.Sqrt(0.01), w1[i] - w0[i], 4);
    }

    [Fact]
    public void AdadeltaFirstStepIsScaledByRootEpsilonOverRootS()
    {
        var w0 = Values();
        var g = Gradients(w0.Length, 0);
        SetGradients(g);
        new AdadeltaOptimizer(1f, rho: 0.9f, epsilon: 1e-6f).Step(Store, 1f);
        var w1 = Values();
        for (int i = 0; i < w0.Length; i++)
        {
            double s = 0.1 * g[i] * g[i];
            Assert.Equal(-Math.Sqrt(1e-6) / Math.Sqrt(s + 1e-6) * g[i], w1[i] - w0[i], 6);
        }
    }

    [Fact]
    public void AdamWFirstStepDecaysOnlyRegularizedWeights()
    {
        var w0 = Values();
        SetGradients(new float[w0.Length]); // zero gradient: Adam moves nothing, only the decay acts
        new AdamWOptimizer(0.1f, weightDecay: 0.5f).Step(Store, 0.1f);
        var w1 = Values();
        for (int i = 0; i < Store.RegularizedCount; i++) Assert.Equal(w0[i] * (1 - 0.1f * 0.5f), w1[i], 6);
        for (int i = Store.RegularizedCount; i < w0.Length; i++) Assert.Equal(w0[i], w1[i]);
    }

    public static TheoryData<string> AllRules => new() { "sgd", "momentum", "nesterov", "adagrad", "adadelta", "rmsprop", "adam", "adamw" };

    [Theory]
    [MemberData(nameof(AllRules))]
    public void TwelveStepTrajectoryMatchesPlainReference(string rule)
    {
        const float lr = 0.05f, l1 = 0.01f, l2 = 0.02f, decay = 0.03f;
        Optimizer optimizer = rule switch
        {
            "sgd" => new SgdOptimizer(lr) { L1Regularization = l1, L2Regularization = l2, WeightDecay = decay },
            "momentum" => new SgdOptimizer(lr, 0.8f) { L1Regularization = l1, L2Regularization = l2, WeightDecay = decay },
            "nesterov" => new SgdOptimizer(lr, 0.8f, nesterov: true) { L1Regularization = l1, L2Regularization = l2, WeightDecay = decay },
            "adagrad" => new AdagradOptimizer(lr) { L1Regularization = l1, L2Regularization = l2, WeightDecay = decay },
            "adadelta" => new AdadeltaOptimizer(1f) { L1Regularization = l1, L2Regularization = l2, WeightDecay = decay },
            "rmsprop" => new RmsPropOptimizer(lr) { L1Regularization = l1, L2Regularization = l2, WeightDecay = decay },
            "adam" => new AdamOptimizer(lr) { L1Regularization = l1, L2Regularization = l2, WeightDecay = decay },
            _ => new AdamWOptimizer(lr, weightDecay: decay) { L1Regularization = l1, L2Regularization = l2 },
        };
        var reference = new ReferenceRule(rule, optimizer, Values().Select(v => (double)v).ToArray(), Store.RegularizedCount);
        for (int step = 1; step <= 12; step++)
        {
            float stepLr = optimizer.LearningRate * (1f - 0.05f * step); // a schedule changes lr between steps
            var g = Gradients(Store.TrainableCount, step);
            SetGradients(g);
            optimizer.Step(Store, stepLr);
            reference.Step(g, stepLr, step);
        }
        var actual = Values();
        for (int i = 0; i < actual.Length; i++)
        {
            double expected = reference.Weights[i];
            Assert.True(Math.Abs(actual[i] - expected) <= 1e-5 + 1e-4 * Math.Abs(expected),
                $"{rule}: weight {i} after 12 steps is {actual[i]}, reference {expected}.");
        }
    }

    /// <summary>The update rules written out plainly in double (PyTorch formulas, see OptimizerKind).</summary>
    private sealed class ReferenceRule(string rule, Optimizer o, double[] weights, int regularized)
    {
        private readonly double[] _s1 = new double[weights.Length];
        private readonly double[] _s2 = new double[weights.Length];

        public double[] Weights => weights;

        public void Step(float[] gradients, double lr, int t)
        {
            for (int i = 0; i < weights.Length; i++)
            {
                bool penalized = i < regularized;
                double w = weights[i];
                double g = gradients[i];
                double decay = penalized ? o.WeightDecay : 0;
                if (penalized) g += o.L2Regularization * w + o.L1Regularization * Math.Sign(w);
                w *= 1 - lr * decay;
                switch (rule)
                {
                    case "sgd": w -= lr * g; break;
                    case "momentum": _s1[i] = 0.8 * _s1[i] + g; w -= lr * _s1[i]; break;
                    case "nesterov": _s1[i] = 0.8 * _s1[i] + g; w -= lr * (g + 0.8 * _s1[i]); break;
                    case "adagrad": _s1[i] += g * g; w -= lr * g / (Math.Sqrt(_s1[i]) + 1e-10); break;
                    case "adadelta":
                        _s1[i] = 0.9 * _s1[i] + 0.1 * g * g;
                        double delta = Math.Sqrt(_s2[i] + 1e-6) / Math.Sqrt(_s1[i] + 1e-6) * g;
                        _s2[i] = 0.9 * _s2[i] + 0.1 * delta * delta;
                        w -= lr * delta;
                        break;
                    case "rmsprop": _s1[i] = 0.99 * _s1[i] + 0.01 * g * g; w -= lr * g / (Math.Sqrt(_s1[i]) + 1e-8); break;
                    default: // adam, adamw
                        _s1[i] = 0.9 * _s1[i] + 0.1 * g;
                        _s2[i] = 0.999 * _s2[i] + 0.001 * g * g;
                        double mHat = _s1[i] / (1 - Math.Pow(0.9, t));
                        double vHat = _s2[i] / (1 - Math.Pow(0.999, t));
                        w -= lr * mHat / (Math.Sqrt(vHat) + 1e-8);
                        break;
                }
                weights[i] = w;
            }
        }
    }
}
