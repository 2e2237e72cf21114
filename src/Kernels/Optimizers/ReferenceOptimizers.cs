using MLNet.DeepExtensions.Kernels.Elementwise;
namespace MLNet.DeepExtensions.Kernels.Optimizers;

/// <summary>The oracle's optimizer step: each <see cref="OptimizerKind"/> rule written out per element, in double.</summary>
internal static class ReferenceOptimizers
{
    /// <summary>One step over the parameters; see <see cref="OptimizerKind"/>. state1/state2 are empty for kinds that do not use them.</summary>
    public static void Step(OptimizerKind kind, in OptimizerStepParameters h, Span<double> parameters, ReadOnlySpan<double> gradients,
        Span<double> state1, Span<double> state2)
    {
        double lr = h.LearningRate;
        double eps = h.Epsilon;
        for (int i = 0; i < parameters.Length; i++)
        {
            // Decoupled decay comes first; the coupled L1/L2 terms then see the decayed weight.
            double w = parameters[i] * (1.0 - lr * h.WeightDecay);
            double g = gradients[i] + h.L2 * w + h.L1 * ScalarMath.Sign(w);
            switch (kind)
            {
                case OptimizerKind.Sgd:
                    w -= lr * g;
                    break;
                case OptimizerKind.Momentum:
                    state1[i] = h.Momentum * state1[i] + g;
                    w -= lr * state1[i];
                    break;
                case OptimizerKind.Nesterov:
                    state1[i] = h.Momentum * state1[i] + g;
                    w -= lr * (g + h.Momentum * state1[i]);
                    break;
                case OptimizerKind.Adagrad:
                    state1[i] += g * g;
                    w -= lr * g / (Math.Sqrt(state1[i]) + eps);
                    break;
                case OptimizerKind.Adadelta:
                {
                    state1[i] = h.Rho * state1[i] + (1 - h.Rho) * g * g;
                    double delta = Math.Sqrt(state2[i] + eps) / Math.Sqrt(state1[i] + eps) * g;
                    state2[i] = h.Rho * state2[i] + (1 - h.Rho) * delta * delta;
                    w -= lr * delta;
                    break;
                }
                case OptimizerKind.RmsProp:
                    state1[i] = h.Rho * state1[i] + (1 - h.Rho) * g * g;
                    w -= lr * g / (Math.Sqrt(state1[i]) + eps);
                    break;
                case OptimizerKind.Adam:
                case OptimizerKind.AdamW:
                    state1[i] = h.Beta1 * state1[i] + (1 - h.Beta1) * g;
                    state2[i] = h.Beta2 * state2[i] + (1 - h.Beta2) * g * g;
                    // PyTorch: ε is added to the bias-corrected √v̂ (Keras adds it before the correction).
                    w -= lr * (state1[i] / h.BiasCorrection1) / (Math.Sqrt(state2[i] / h.BiasCorrection2) + eps);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown optimizer.");
            }
            parameters[i] = w;
        }
    }
}
