namespace MLNet.DeepExtensions.Kernels.Elementwise;

/// <summary>
/// The oracle's activations, in double: the textbook formulas of <see cref="ActivationKind"/> (forward and
/// derivative side by side), maxout and softmax.
/// </summary>
internal static class ReferenceActivations
{
    /// <summary>f(x) in double.</summary>
    public static double Apply(ActivationKind kind, double alpha, double x) => kind switch
    {
        ActivationKind.Identity => x,
        ActivationKind.Sigmoid => 1.0 / (1.0 + Math.Exp(-x)),
        ActivationKind.Tanh => Math.Tanh(x),
        ActivationKind.Relu => x > 0 ? x : 0.0,
        ActivationKind.LeakyRelu => x > 0 ? x : alpha * x,
        ActivationKind.Elu => x > 0 ? x : alpha * (Math.Exp(x) - 1.0),
        ActivationKind.Selu => x > 0 ? SeluLambda * x : SeluLambda * SeluAlpha * (Math.Exp(x) - 1.0),
        ActivationKind.Gelu => x * NormalCdf(x),
        ActivationKind.Swish => x / (1.0 + Math.Exp(-x)),
        ActivationKind.Softplus => Math.Max(x, 0.0) + Math.Log(1.0 + Math.Exp(-Math.Abs(x))),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown activation."),
    };

    /// <summary>f'(x) in double; sigmoid and tanh use the output y, as the fast backends do.</summary>
    public static double Derivative(ActivationKind kind, double alpha, double x, double y) => kind switch
    {
        ActivationKind.Identity => 1.0,
        ActivationKind.Sigmoid => y * (1.0 - y),
        ActivationKind.Tanh => 1.0 - y * y,
        ActivationKind.Relu => x > 0 ? 1.0 : 0.0,
        ActivationKind.LeakyRelu => x > 0 ? 1.0 : alpha,
        ActivationKind.Elu => x > 0 ? 1.0 : alpha * Math.Exp(x),
        ActivationKind.Selu => x > 0 ? SeluLambda : SeluLambda * SeluAlpha * Math.Exp(x),
        ActivationKind.Gelu => NormalCdf(x) + x * Math.Exp(-0.5 * x * x) / Math.Sqrt(2.0 * Math.PI),
        ActivationKind.Swish => Sigmoid(x) * (1.0 + x * (1.0 - Sigmoid(x))),
        ActivationKind.Softplus => Sigmoid(x),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown activation."),
    };

    /// <summary>output[i] = f(input[i]); output may alias input.</summary>
    public static void Forward(Activation activation, ReadOnlySpan<double> input, Span<double> output)
    {
        for (int i = 0; i < output.Length; i++) output[i] = Apply(activation.Kind, activation.Alpha, input[i]);
    }

    /// <summary>dInput[i] = dOutput[i]·f'(input[i]), output = f(input); dInput may alias dOutput.</summary>
    public static void Backward(Activation activation, ReadOnlySpan<double> input, ReadOnlySpan<double> output,
        ReadOnlySpan<double> dOutput, Span<double> dInput)
    {
        for (int i = 0; i < dInput.Length; i++)
        {
            dInput[i] = dOutput[i] * Derivative(activation.Kind, activation.Alpha, input[i], output[i]);
        }
    }

    /// <summary>Maxout: input (rows, units·pieces), output and argMax (rows, units); first piece wins ties.</summary>
    public static void MaxoutForward(ReadOnlySpan<double> input, Span<double> output, Span<double> argMax, int rows, int units, int pieces)
    {
        for (int r = 0; r < rows; r++)
        {
            for (int u = 0; u < units; u++)
            {
                int start = (r * units + u) * pieces;
                int best = 0;
                for (int j = 1; j < pieces; j++)
                {
                    if (input[start + j] > input[start + best]) best = j;
                }
                output[r * units + u] = input[start + best];
                argMax[r * units + u] = best;
            }
        }
    }

    /// <summary>dInput (rows, units·pieces) = dOutput routed to the winning piece, 0 elsewhere (overwrite).</summary>
    public static void MaxoutBackward(ReadOnlySpan<double> dOutput, ReadOnlySpan<double> argMax, Span<double> dInput, int rows, int units, int pieces)
    {
        for (int r = 0; r < rows; r++)
        {
            for (int u = 0; u < units; u++)
            {
                int start = (r * units + u) * pieces;
                for (int j = 0; j < pieces; j++)
                {
                    dInput[start + j] = j == (int)argMax[r * units + u] ? dOutput[r * units + u] : 0.0;
                }
            }
        }
    }

    /// <summary>Row-wise softmax of logits (rows, classes), max-subtracted.</summary>
    public static void Softmax(ReadOnlySpan<double> logits, Span<double> probabilities, int rows, int classes)
    {
        for (int r = 0; r < rows; r++)
        {
            int start = r * classes;
            double max = double.NegativeInfinity;
            for (int c = 0; c < classes; c++) max = Math.Max(max, logits[start + c]);
            double sum = 0;
            for (int c = 0; c < classes; c++) sum += Math.Exp(logits[start + c] - max);
            for (int c = 0; c < classes; c++) probabilities[start + c] = Math.Exp(logits[start + c] - max) / sum;
        }
    }

    private const double SeluLambda = 1.0507009873554805;
    private const double SeluAlpha = 1.6732632423543772;

    private static double Sigmoid(double x) => 1.0 / (1.0 + Math.Exp(-x));

    private static double NormalCdf(double x) => 0.5 * (1.0 + ErrorFunction.Evaluate(x / Math.Sqrt(2.0)));
}
