using MLNet.DeepExtensions.Kernels.Elementwise;
using ILGPU;
using ILGPU.Runtime;

namespace MLNet.DeepExtensions.Kernels.Optimizers;

/// <summary>The hyperparameters of one optimizer step, flattened into a kernel argument (kind included).</summary>
internal readonly struct OptimizerConstants
{
    public OptimizerConstants(OptimizerKind kind, in OptimizerStepParameters p)
    {
        Kind = (int)kind;
        LearningRate = p.LearningRate;
        Momentum = p.Momentum;
        Beta1 = p.Beta1;
        Beta2 = p.Beta2;
        Rho = p.Rho;
        Epsilon = p.Epsilon;
        WeightDecay = p.WeightDecay;
        L1 = p.L1;
        L2 = p.L2;
        BiasCorrection1 = p.BiasCorrection1;
        BiasCorrection2 = p.BiasCorrection2;
    }

    public readonly int Kind;
    public readonly float LearningRate;
    public readonly float Momentum;
    public readonly float Beta1;
    public readonly float Beta2;
    public readonly float Rho;
    public readonly float Epsilon;
    public readonly float WeightDecay;
    public readonly float L1;
    public readonly float L2;
    public readonly float BiasCorrection1;
    public readonly float BiasCorrection2;
}

/// <summary>
/// ILGPU optimizer step: one fused elementwise kernel over the flat parameter buffer for every
/// <see cref="OptimizerKind"/> (PyTorch formulas; the switch on the kind is uniform across threads).
/// </summary>
internal sealed class IlgpuOptimizerKernels
{
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, OptimizerConstants> _step;

    /// <summary>Compiles and loads the optimizer kernel for <paramref name="accelerator"/>.</summary>
    public IlgpuOptimizerKernels(Accelerator accelerator)
    {
        _step = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, OptimizerConstants>(
            OptimizerStep);
    }

    /// <summary>Launches one step; unused state views may be any (dummy) view.</summary>
    public void Launch(OptimizerKind kind, in OptimizerStepParameters hyperparameters, ArrayView<float> parameters, ArrayView<float> gradients,
        ArrayView<float> state1, ArrayView<float> state2, int length)
    {
        if (length > 0) _step(length, parameters, gradients, state1, state2, new OptimizerConstants(kind, hyperparameters));
    }

    /// <summary>
    /// One update of parameter i. First the decoupled decay w ← w·(1 − lr·WeightDecay); then, with g' = g + L2·w + L1·sign(w)
    /// (coupled, from the decayed w), the rule of <see cref="OptimizerKind"/>.
    /// </summary>
    /// <param name="i">Parameter index in [0, length).</param>
    /// <param name="parameters">w (length), updated.</param>
    /// <param name="gradients">g (length).</param>
    /// <param name="state1">First state (length): v, s or m per kind; unused by SGD.</param>
    /// <param name="state2">Second state (length): u (Adadelta) or v (Adam, AdamW); unused otherwise.</param>
    /// <param name="h">Kind and hyperparameters.</param>
    internal static void OptimizerStep(Index1D i, ArrayView<float> parameters, ArrayView<float> gradients, ArrayView<float> state1,
        ArrayView<float> state2, OptimizerConstants h)
    {
        float lr = h.LearningRate;
        // Decoupled decay comes first; the coupled L1/L2 terms then see the decayed weight (as the reference backend).
        float w = parameters[i] * (1f - lr * h.WeightDecay);
        float sign = ScalarMath.Sign(w);
        float g = gradients[i] + h.L2 * w + h.L1 * sign;

        switch (h.Kind)
        {
            case (int)OptimizerKind.Sgd:
                w -= lr * g;
                break;
            case (int)OptimizerKind.Momentum:
            {
                float v = h.Momentum * state1[i] + g;
                state1[i] = v;
                w -= lr * v;
                break;
            }
            case (int)OptimizerKind.Nesterov:
            {
                float v = h.Momentum * state1[i] + g;
                state1[i] = v;
                w -= lr * (g + h.Momentum * v);
                break;
            }
            case (int)OptimizerKind.Adagrad:
            {
                float s = state1[i] + g * g;
                state1[i] = s;
                w -= lr * g / (MathF.Sqrt(s) + h.Epsilon);
                break;
            }
            case (int)OptimizerKind.Adadelta:
            {
                float s = h.Rho * state1[i] + (1f - h.Rho) * g * g;
                float u = state2[i];
                float delta = MathF.Sqrt(u + h.Epsilon) / MathF.Sqrt(s + h.Epsilon) * g;
                state1[i] = s;
                state2[i] = h.Rho * u + (1f - h.Rho) * delta * delta;
                w -= lr * delta;
                break;
            }
            case (int)OptimizerKind.RmsProp:
            {
                float s = h.Rho * state1[i] + (1f - h.Rho) * g * g;
                state1[i] = s;
                w -= lr * g / (MathF.Sqrt(s) + h.Epsilon);
                break;
            }
            default: // Adam, AdamW (the decoupled decay above is what makes AdamW)
            {
                float m = h.Beta1 * state1[i] + (1f - h.Beta1) * g;
                float v = h.Beta2 * state2[i] + (1f - h.Beta2) * g * g;
                state1[i] = m;
                state2[i] = v;
                w -= lr * (m / h.BiasCorrection1) / (MathF.Sqrt(v / h.BiasCorrection2) + h.Epsilon);
                break;
            }
        }
        parameters[i] = w;
    }
}
