namespace MLNet.DeepExtensions.Kernels;

// The matrix multiplication operations: public methods that check their arguments, and the Core methods a backend implements.
public abstract partial class ComputeBackend
{
    /// <summary>
    /// C = alpha · op(A) · op(B) + beta · C, with op(A) of shape (m, k), op(B) (k, n) and C (m, n).
    /// A is stored (m, k), or (k, m) when <paramref name="transposeA"/>; B is stored (k, n), or (n, k) when
    /// <paramref name="transposeB"/>. With beta = 0, C is overwritten without being read (NaN in C does not leak).
    /// </summary>
    public void Gemm(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        DeviceBuffer a, DeviceBuffer b, float beta, DeviceBuffer c)
    {
        CheckCount(m, nameof(m));
        CheckCount(n, nameof(n));
        CheckCount(k, nameof(k));
        CheckMatrix(a, transposeA ? k : m, transposeA ? m : k, nameof(a));
        CheckMatrix(b, transposeB ? n : k, transposeB ? k : n, nameof(b));
        CheckMatrix(c, m, n, nameof(c));
        GemmCore(transposeA, transposeB, m, n, k, alpha, a, b, beta, c);
    }

    /// <summary>
    /// A fully connected layer's forward pass with its bias and activation fused: for input (rows, inputs), weight
    /// (units, inputs) and bias (units) or null, preActivation = input·weightᵀ + bias (rows, units) and
    /// output = f(preActivation). <paramref name="output"/> may be <paramref name="preActivation"/> itself (then only
    /// f(z) is kept, which is all inference needs); with the identity, that is a plain linear layer.
    /// </summary>
    /// <remarks>Same results as <see cref="Gemm"/> (transposeB, beta 0), <see cref="AddRowVector"/> and
    /// <see cref="ActivationForward"/> in turn; a backend may fuse them so the output is written once, while it is hot
    /// in cache (the managed CPU backend applies bias and activation to each GEMM tile as it finishes).</remarks>
    public void DenseForward(DeviceBuffer input, DeviceBuffer weight, DeviceBuffer? bias, Activation activation,
        DeviceBuffer preActivation, DeviceBuffer output, int rows, int units, int inputs)
    {
        CheckCount(rows, nameof(rows));
        CheckCount(units, nameof(units));
        CheckCount(inputs, nameof(inputs));
        CheckMatrix(input, rows, inputs, nameof(input));
        CheckMatrix(weight, units, inputs, nameof(weight));
        if (bias is not null) CheckVector(bias, units, nameof(bias));
        if (!Enum.IsDefined(activation.Kind)) throw Argument(nameof(activation), "a defined activation kind", activation.Kind);
        CheckMatrix(preActivation, rows, units, nameof(preActivation));
        CheckMatrix(output, rows, units, nameof(output));
        DenseForwardCore(input, weight, bias, activation, preActivation, output, rows, units, inputs);
    }

    // ---------------------------------------------------------------- Core methods a backend implements

    /// <summary>See <see cref="Gemm"/>.</summary>
    protected abstract void GemmCore(bool transposeA, bool transposeB, int m, int n, int k, float alpha, DeviceBuffer a, DeviceBuffer b, float beta, DeviceBuffer c);
    /// <summary>See <see cref="DenseForward"/>; by default the three unfused operations in turn.</summary>
    protected virtual void DenseForwardCore(DeviceBuffer input, DeviceBuffer weight, DeviceBuffer? bias, Activation activation,
        DeviceBuffer preActivation, DeviceBuffer output, int rows, int units, int inputs)
    {
        GemmCore(false, true, rows, units, inputs, 1f, input, weight, 0f, preActivation);
        if (bias is not null) AddRowVectorCore(preActivation, bias, rows, units);
        if (activation.Kind != ActivationKind.Identity || !ReferenceEquals(output, preActivation))
        {
            ActivationForwardCore(activation, preActivation, output, rows * units);
        }
    }
}
