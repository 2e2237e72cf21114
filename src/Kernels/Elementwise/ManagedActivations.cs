using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MLNet.DeepExtensions.Kernels.Elementwise;

/// <summary>
/// The managed CPU backend's activations (forward and backward side by side), maxout and softmax. The common ones
/// (ReLU, leaky ReLU, sigmoid, tanh) are SIMD loops or <see cref="TensorPrimitives"/>; the rest run the shared scalar
/// formulas of <see cref="ActivationMath"/> in a loop specialized per activation.
/// </summary>
internal static class ManagedActivations
{
    /// <summary>output[i] = f(input[i]); output may alias input.</summary>
    public static void Forward(Activation activation, ReadOnlySpan<float> input, Span<float> output)
    {
        float alpha = activation.Alpha;
        switch (activation.Kind)
        {
            case ActivationKind.Identity: input.CopyTo(output); break;
            case ActivationKind.Sigmoid: TensorPrimitives.Sigmoid(input, output); break;
            case ActivationKind.Tanh: TensorPrimitives.Tanh(input, output); break;
            case ActivationKind.Relu: LeakyReluForward(0f, input, output, relu: true); break;
            case ActivationKind.LeakyRelu: LeakyReluForward(alpha, input, output, relu: false); break;
            case ActivationKind.Elu: Forward<EluFunction>(alpha, input, output); break;
            case ActivationKind.Selu: Forward<SeluFunction>(alpha, input, output); break;
            case ActivationKind.Gelu: Forward<GeluFunction>(alpha, input, output); break;
            case ActivationKind.Swish: Forward<SwishFunction>(alpha, input, output); break;
            case ActivationKind.Softplus: Forward<SoftplusFunction>(alpha, input, output); break;
            default: throw new ArgumentOutOfRangeException(nameof(activation), activation.Kind, "Unknown activation.");
        }
    }

    /// <summary>dInput[i] = dOutput[i]·f'(input[i]), output = f(input); dInput may alias dOutput.</summary>
    public static void Backward(Activation activation, ReadOnlySpan<float> input, ReadOnlySpan<float> output,
        ReadOnlySpan<float> dOutput, Span<float> dInput)
    {
        float alpha = activation.Alpha;
        switch (activation.Kind)
        {
            case ActivationKind.Identity: dOutput.CopyTo(dInput); break;
            case ActivationKind.Sigmoid: SigmoidBackward(output, dOutput, dInput); break;
            case ActivationKind.Tanh: TanhBackward(output, dOutput, dInput); break;
            case ActivationKind.Relu: LeakyReluBackward(0f, input, dOutput, dInput, relu: true); break;
            case ActivationKind.LeakyRelu: LeakyReluBackward(alpha, input, dOutput, dInput, relu: false); break;
            case ActivationKind.Elu: Backward<EluFunction>(alpha, input, output, dOutput, dInput); break;
            case ActivationKind.Selu: Backward<SeluFunction>(alpha, input, output, dOutput, dInput); break;
            case ActivationKind.Gelu: Backward<GeluFunction>(alpha, input, output, dOutput, dInput); break;
            case ActivationKind.Swish: Backward<SwishFunction>(alpha, input, output, dOutput, dInput); break;
            case ActivationKind.Softplus: Backward<SoftplusFunction>(alpha, input, output, dOutput, dInput); break;
            default: throw new ArgumentOutOfRangeException(nameof(activation), activation.Kind, "Unknown activation.");
        }
    }

    /// <summary>y = x for x &gt; 0, alpha·x otherwise; ReLU writes an exact 0 (not 0·x, which is NaN for x = −∞).</summary>
    private static void LeakyReluForward(float alpha, ReadOnlySpan<float> input, Span<float> output, bool relu)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            ref float x = ref MemoryMarshal.GetReference(input);
            ref float y = ref MemoryMarshal.GetReference(output);
            Vector512<float> a = Vector512.Create(alpha);
            for (; i <= output.Length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                Vector512<float> v = Vector512.LoadUnsafe(ref x, (nuint)i);
                Vector512<float> negative = relu ? Vector512<float>.Zero : v * a;
                Vector512.ConditionalSelect(Vector512.GreaterThan(v, Vector512<float>.Zero), v, negative).StoreUnsafe(ref y, (nuint)i);
            }
        }
        for (; i < output.Length; i++) output[i] = input[i] > 0f ? input[i] : relu ? 0f : alpha * input[i];
    }

    /// <summary>dInput = dOutput where x &gt; 0, alpha·dOutput (ReLU: exactly 0) otherwise; at x = 0 the left slope (PyTorch's choice).</summary>
    private static void LeakyReluBackward(float alpha, ReadOnlySpan<float> input, ReadOnlySpan<float> dOutput, Span<float> dInput, bool relu)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            ref float x = ref MemoryMarshal.GetReference(input);
            ref float dy = ref MemoryMarshal.GetReference(dOutput);
            ref float dx = ref MemoryMarshal.GetReference(dInput);
            Vector512<float> a = Vector512.Create(alpha);
            for (; i <= dInput.Length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                Vector512<float> g = Vector512.LoadUnsafe(ref dy, (nuint)i);
                Vector512<float> positive = Vector512.GreaterThan(Vector512.LoadUnsafe(ref x, (nuint)i), Vector512<float>.Zero);
                Vector512.ConditionalSelect(positive, g, relu ? Vector512<float>.Zero : g * a).StoreUnsafe(ref dx, (nuint)i);
            }
        }
        for (; i < dInput.Length; i++) dInput[i] = input[i] > 0f ? dOutput[i] : relu ? 0f : alpha * dOutput[i];
    }

    /// <summary>dInput = dOutput·y·(1 − y).</summary>
    private static void SigmoidBackward(ReadOnlySpan<float> output, ReadOnlySpan<float> dOutput, Span<float> dInput)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            ref float y = ref MemoryMarshal.GetReference(output);
            ref float dy = ref MemoryMarshal.GetReference(dOutput);
            ref float dx = ref MemoryMarshal.GetReference(dInput);
            for (; i <= dInput.Length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                Vector512<float> v = Vector512.LoadUnsafe(ref y, (nuint)i);
                (Vector512.LoadUnsafe(ref dy, (nuint)i) * v * (Vector512<float>.One - v)).StoreUnsafe(ref dx, (nuint)i);
            }
        }
        for (; i < dInput.Length; i++) dInput[i] = dOutput[i] * ActivationMath.SigmoidDerivative(output[i]);
    }

    /// <summary>dInput = dOutput·(1 − y²).</summary>
    private static void TanhBackward(ReadOnlySpan<float> output, ReadOnlySpan<float> dOutput, Span<float> dInput)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            ref float y = ref MemoryMarshal.GetReference(output);
            ref float dy = ref MemoryMarshal.GetReference(dOutput);
            ref float dx = ref MemoryMarshal.GetReference(dInput);
            for (; i <= dInput.Length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                Vector512<float> v = Vector512.LoadUnsafe(ref y, (nuint)i);
                (Vector512.LoadUnsafe(ref dy, (nuint)i) * (Vector512<float>.One - v * v)).StoreUnsafe(ref dx, (nuint)i);
            }
        }
        for (; i < dInput.Length; i++) dInput[i] = dOutput[i] * ActivationMath.TanhDerivative(output[i]);
    }

    private static void Forward<TActivation>(float alpha, ReadOnlySpan<float> input, Span<float> output)
        where TActivation : struct, IActivationFunction
    {
        for (int i = 0; i < output.Length; i++) output[i] = TActivation.Apply(alpha, input[i]);
    }

    private static void Backward<TActivation>(float alpha, ReadOnlySpan<float> input, ReadOnlySpan<float> output,
        ReadOnlySpan<float> dOutput, Span<float> dInput)
        where TActivation : struct, IActivationFunction
    {
        for (int i = 0; i < dInput.Length; i++) dInput[i] = dOutput[i] * TActivation.Derivative(alpha, input[i], output[i]);
    }

    /// <summary>Maxout: input (rows, units·pieces), output and argMax (rows, units); first piece wins ties.</summary>
    public static void MaxoutForward(ReadOnlySpan<float> input, Span<float> output, Span<float> argMax, int rows, int units, int pieces)
    {
        for (int u = 0; u < rows * units; u++)
        {
            ReadOnlySpan<float> group = input.Slice(u * pieces, pieces);
            int best = 0;
            for (int j = 1; j < group.Length; j++)
            {
                if (group[j] > group[best]) best = j;
            }
            output[u] = group[best];
            argMax[u] = best;
        }
    }

    /// <summary>dInput (rows, units·pieces) = dOutput routed to the winning piece, 0 elsewhere (overwrite).</summary>
    public static void MaxoutBackward(ReadOnlySpan<float> dOutput, ReadOnlySpan<float> argMax, Span<float> dInput, int rows, int units, int pieces)
    {
        dInput.Clear();
        for (int u = 0; u < rows * units; u++) dInput[u * pieces + (int)argMax[u]] = dOutput[u];
    }

    /// <summary>Row-wise softmax of logits (rows, classes), max-subtracted so e^x cannot overflow.</summary>
    public static void Softmax(ReadOnlySpan<float> logits, Span<float> probabilities, int rows, int classes)
    {
        for (int r = 0; r < rows; r++)
        {
            SoftmaxRow(logits.Slice(r * classes, classes), probabilities.Slice(r * classes, classes));
        }
    }

    /// <summary>p = softmax(x) for one row; returns (max, Σ e^(x − max)) for the loss's log-sum-exp.</summary>
    internal static (float Max, float Sum) SoftmaxRow(ReadOnlySpan<float> x, Span<float> p)
    {
        float max = TensorPrimitives.Max(x);
        TensorPrimitives.Subtract(x, max, p);
        TensorPrimitives.Exp(p, p);
        float sum = TensorPrimitives.Sum(p);
        TensorPrimitives.Divide(p, sum, p);
        return (max, sum);
    }
}
