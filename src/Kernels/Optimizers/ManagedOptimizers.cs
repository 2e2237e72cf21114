using MLNet.DeepExtensions.Kernels.Elementwise;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MLNet.DeepExtensions.Kernels.Optimizers;

/// <summary>
/// The managed CPU backend's fused optimizer step: one pass over the flat parameter buffer (llm.c's layout).
/// SGD, momentum, Nesterov and Adam/AdamW (the hot ones) are AVX-512 loops; every kind has the scalar form, which
/// also handles the tails. Formulas: see <see cref="OptimizerKind"/> (PyTorch's).
/// </summary>
internal static class ManagedOptimizers
{
    /// <summary>One step over the parameters; state1/state2 are empty spans for kinds that do not use them.</summary>
    public static void Step(OptimizerKind kind, in OptimizerStepParameters h, Span<float> parameters, ReadOnlySpan<float> gradients,
        Span<float> state1, Span<float> state2)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            i = kind switch
            {
                OptimizerKind.Sgd or OptimizerKind.Momentum or OptimizerKind.Nesterov => VectorSgd(kind, h, parameters, gradients, state1),
                OptimizerKind.Adam or OptimizerKind.AdamW => VectorAdam(h, parameters, gradients, state1, state2),
                _ => 0,
            };
        }
        for (; i < parameters.Length; i++)
        {
            ScalarStep(kind, h, ref parameters[i], gradients[i],
                ref state1.IsEmpty ? ref Unsafe.NullRef<float>() : ref state1[i],
                ref state2.IsEmpty ? ref Unsafe.NullRef<float>() : ref state2[i]);
        }
    }

    /// <summary>The update of one parameter w with gradient g; s1 and s2 are its optimizer state (unused ones may be null refs).</summary>
    private static void ScalarStep(OptimizerKind kind, in OptimizerStepParameters h, ref float w, float g, ref float s1, ref float s2)
    {
        float lr = h.LearningRate;
        // Decoupled decay comes first; the coupled L1/L2 terms then see the decayed weight.
        float weight = w * (1f - lr * h.WeightDecay);
        g += h.L2 * weight + h.L1 * ScalarMath.Sign(weight);
        switch (kind)
        {
            case OptimizerKind.Sgd:
                weight -= lr * g;
                break;
            case OptimizerKind.Momentum:
                s1 = h.Momentum * s1 + g;
                weight -= lr * s1;
                break;
            case OptimizerKind.Nesterov:
                s1 = h.Momentum * s1 + g;
                weight -= lr * (g + h.Momentum * s1);
                break;
            case OptimizerKind.Adagrad:
                s1 += g * g;
                weight -= lr * g / (MathF.Sqrt(s1) + h.Epsilon);
                break;
            case OptimizerKind.Adadelta:
            {
                s1 = h.Rho * s1 + (1f - h.Rho) * g * g;
                float delta = MathF.Sqrt(s2 + h.Epsilon) / MathF.Sqrt(s1 + h.Epsilon) * g;
                s2 = h.Rho * s2 + (1f - h.Rho) * delta * delta;
                weight -= lr * delta;
                break;
            }
            case OptimizerKind.RmsProp:
                s1 = h.Rho * s1 + (1f - h.Rho) * g * g;
                weight -= lr * g / (MathF.Sqrt(s1) + h.Epsilon);
                break;
            default: // Adam, AdamW
                s1 = h.Beta1 * s1 + (1f - h.Beta1) * g;
                s2 = h.Beta2 * s2 + (1f - h.Beta2) * g * g;
                // PyTorch: ε is added to the bias-corrected √v̂ (Keras adds it before the correction).
                weight -= lr * (s1 / h.BiasCorrection1) / (MathF.Sqrt(s2 / h.BiasCorrection2) + h.Epsilon);
                break;
        }
        w = weight;
    }

    /// <summary>The decayed weight and the regularized gradient g' = g + L2·w + L1·sign(w), 16 lanes at a time.</summary>
    private static (Vector512<float> Weight, Vector512<float> Gradient) Regularize(in OptimizerStepParameters h,
        Vector512<float> w, Vector512<float> g)
    {
        w *= Vector512.Create(1f - h.LearningRate * h.WeightDecay);
        Vector512<float> one = Vector512<float>.One;
        Vector512<float> sign = (Vector512.GreaterThan(w, Vector512<float>.Zero) & one) - (Vector512.LessThan(w, Vector512<float>.Zero) & one);
        return (w, g + Vector512.Create(h.L2) * w + Vector512.Create(h.L1) * sign);
    }

    /// <summary>SGD, momentum and Nesterov over whole vectors; returns how many elements it did.</summary>
    private static int VectorSgd(OptimizerKind kind, in OptimizerStepParameters h, Span<float> parameters, ReadOnlySpan<float> gradients,
        Span<float> state1)
    {
        ref float pw = ref MemoryMarshal.GetReference(parameters);
        ref float pg = ref MemoryMarshal.GetReference(gradients);
        ref float pv = ref MemoryMarshal.GetReference(state1);
        Vector512<float> lr = Vector512.Create(h.LearningRate), mu = Vector512.Create(h.Momentum);
        int i = 0;
        for (; i <= parameters.Length - Vector512<float>.Count; i += Vector512<float>.Count)
        {
            nuint at = (nuint)i;
            (Vector512<float> w, Vector512<float> g) = Regularize(h, Vector512.LoadUnsafe(ref pw, at), Vector512.LoadUnsafe(ref pg, at));
            if (kind == OptimizerKind.Sgd)
            {
                w -= lr * g;
            }
            else
            {
                Vector512<float> v = mu * Vector512.LoadUnsafe(ref pv, at) + g;
                v.StoreUnsafe(ref pv, at);
                w -= kind == OptimizerKind.Nesterov ? lr * (g + mu * v) : lr * v;
            }
            w.StoreUnsafe(ref pw, at);
        }
        return i;
    }

    /// <summary>Adam/AdamW over whole vectors; returns how many elements it did.</summary>
    private static int VectorAdam(in OptimizerStepParameters h, Span<float> parameters, ReadOnlySpan<float> gradients,
        Span<float> state1, Span<float> state2)
    {
        ref float pw = ref MemoryMarshal.GetReference(parameters);
        ref float pg = ref MemoryMarshal.GetReference(gradients);
        ref float pm = ref MemoryMarshal.GetReference(state1);
        ref float pv = ref MemoryMarshal.GetReference(state2);
        Vector512<float> beta1 = Vector512.Create(h.Beta1), oneMinusBeta1 = Vector512.Create(1f - h.Beta1);
        Vector512<float> beta2 = Vector512.Create(h.Beta2), oneMinusBeta2 = Vector512.Create(1f - h.Beta2);
        Vector512<float> c1 = Vector512.Create(h.BiasCorrection1), c2 = Vector512.Create(h.BiasCorrection2);
        Vector512<float> lr = Vector512.Create(h.LearningRate), eps = Vector512.Create(h.Epsilon);
        int i = 0;
        for (; i <= parameters.Length - Vector512<float>.Count; i += Vector512<float>.Count)
        {
            nuint at = (nuint)i;
            (Vector512<float> w, Vector512<float> g) = Regularize(h, Vector512.LoadUnsafe(ref pw, at), Vector512.LoadUnsafe(ref pg, at));
            Vector512<float> m = beta1 * Vector512.LoadUnsafe(ref pm, at) + oneMinusBeta1 * g;
            Vector512<float> v = beta2 * Vector512.LoadUnsafe(ref pv, at) + oneMinusBeta2 * g * g;
            m.StoreUnsafe(ref pm, at);
            v.StoreUnsafe(ref pv, at);
            (w - lr * (m / c1) / (Vector512.Sqrt(v / c2) + eps)).StoreUnsafe(ref pw, at);
        }
        return i;
    }
}
