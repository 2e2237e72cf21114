using System.Numerics.Tensors;
using MLNet.DeepExtensions.Kernels.Reductions;

namespace MLNet.DeepExtensions.Kernels.Normalization;

/// <summary>
/// The managed CPU backend's batch and layer normalization, forward and backward side by side. Rows are walked
/// contiguously with <see cref="TensorPrimitives"/>; per-feature batch statistics accumulate in double scratch
/// (a float sum over a large batch of offset data would lose the digits that (x − μ) keeps). Scratch spans come
/// from the backend (allocated once, grown), so nothing allocates per call.
/// </summary>
internal static class ManagedNormalization
{
    /// <summary>Batch norm, training mode; input/output (rows, features), the rest (features); scratch ≥ 2·features floats and doubles.</summary>
    public static void BatchNormForwardTraining(ReadOnlySpan<float> input, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        Span<float> output, Span<float> mean, Span<float> inverseStd, Span<float> runningMean, Span<float> runningVariance,
        int rows, int features, float momentum, float epsilon, Span<float> scratch, Span<double> doubleScratch)
    {
        Span<double> sum = doubleScratch.Slice(0, features);
        Span<double> squares = doubleScratch.Slice(features, features);
        Span<float> centered = scratch.Slice(0, features);
        Span<float> scale = scratch.Slice(features, features);
        sum.Clear();
        squares.Clear();
        for (int r = 0; r < rows; r++) ManagedReductions.AccumulateWidened(input.Slice(r * features, features), sum);
        for (int f = 0; f < features; f++) mean[f] = (float)(sum[f] / rows);
        // Two-pass variance Σ(x − μ)²: no cancellation, unlike E[x²] − μ².
        for (int r = 0; r < rows; r++)
        {
            TensorPrimitives.Subtract(input.Slice(r * features, features), mean, centered);
            ManagedReductions.AccumulateProductWidened(centered, centered, squares);
        }
        for (int f = 0; f < features; f++)
        {
            double variance = squares[f] / rows;
            inverseStd[f] = (float)(1.0 / Math.Sqrt(variance + epsilon));
            scale[f] = gamma[f] * inverseStd[f];
            // PyTorch: the running variance is fed the unbiased estimate (the biased one when there is a single row).
            double unbiased = rows > 1 ? variance * rows / (rows - 1) : variance;
            runningMean[f] = (1f - momentum) * runningMean[f] + momentum * mean[f];
            runningVariance[f] = (float)((1.0 - momentum) * runningVariance[f] + momentum * unbiased);
        }
        for (int r = 0; r < rows; r++)
        {
            Span<float> y = output.Slice(r * features, features);
            TensorPrimitives.Subtract(input.Slice(r * features, features), mean, y);
            TensorPrimitives.MultiplyAdd(y, scale, beta, y);
        }
    }

    /// <summary>Batch norm, inference mode; scratch ≥ features floats.</summary>
    public static void BatchNormForwardInference(ReadOnlySpan<float> input, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVariance, Span<float> output, int rows, int features, float epsilon,
        Span<float> scratch)
    {
        Span<float> scale = scratch.Slice(0, features);
        for (int f = 0; f < features; f++) scale[f] = gamma[f] / MathF.Sqrt(runningVariance[f] + epsilon);
        for (int r = 0; r < rows; r++)
        {
            Span<float> y = output.Slice(r * features, features);
            TensorPrimitives.Subtract(input.Slice(r * features, features), runningMean, y);
            TensorPrimitives.MultiplyAdd(y, scale, beta, y);
        }
    }

    /// <summary>
    /// Backward of batch norm: dInput = γ·inverseStd/N·(N·dy − Σdy − x̂·Σdy·x̂) (overwrite); dGamma += Σdy·x̂, dBeta += Σdy.
    /// Scratch ≥ 5·features floats and 2·features doubles.
    /// </summary>
    public static void BatchNormBackward(ReadOnlySpan<float> input, ReadOnlySpan<float> gamma, ReadOnlySpan<float> mean,
        ReadOnlySpan<float> inverseStd, ReadOnlySpan<float> dOutput, Span<float> dInput, Span<float> dGamma, Span<float> dBeta,
        int rows, int features, Span<float> scratch, Span<double> doubleScratch)
    {
        Span<double> sumDyD = doubleScratch.Slice(0, features);
        Span<double> sumDyXhatD = doubleScratch.Slice(features, features);
        Span<float> xhat = scratch.Slice(0, features);
        Span<float> term = scratch.Slice(features, features);
        Span<float> sumDy = scratch.Slice(2 * features, features);
        Span<float> sumDyXhat = scratch.Slice(3 * features, features);
        Span<float> k = scratch.Slice(4 * features, features);
        sumDyD.Clear();
        sumDyXhatD.Clear();
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> dy = dOutput.Slice(r * features, features);
            Normalize(input.Slice(r * features, features), mean, inverseStd, xhat);
            ManagedReductions.AccumulateWidened(dy, sumDyD);
            ManagedReductions.AccumulateProductWidened(dy, xhat, sumDyXhatD);
        }
        for (int f = 0; f < features; f++)
        {
            sumDy[f] = (float)sumDyD[f];
            sumDyXhat[f] = (float)sumDyXhatD[f];
            k[f] = gamma[f] * inverseStd[f] / rows;
        }
        for (int r = 0; r < rows; r++)
        {
            Span<float> dx = dInput.Slice(r * features, features);
            Normalize(input.Slice(r * features, features), mean, inverseStd, xhat);
            TensorPrimitives.Multiply(xhat, sumDyXhat, term);
            TensorPrimitives.Multiply(dOutput.Slice(r * features, features), (float)rows, dx);
            TensorPrimitives.Subtract(dx, sumDy, dx);
            TensorPrimitives.Subtract(dx, term, dx);
            TensorPrimitives.Multiply(dx, k, dx);
        }
        TensorPrimitives.Add(dGamma, sumDyXhat, dGamma);
        TensorPrimitives.Add(dBeta, sumDy, dBeta);
    }

    /// <summary>Layer norm over each row; input/output (rows, features), gamma/beta (features), mean/inverseStd (rows).</summary>
    public static void LayerNormForward(ReadOnlySpan<float> input, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        Span<float> output, Span<float> mean, Span<float> inverseStd, int rows, int features, float epsilon)
    {
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> x = input.Slice(r * features, features);
            Span<float> y = output.Slice(r * features, features);
            float mu = (float)(ManagedReductions.Sum(x) / features);
            TensorPrimitives.Subtract(x, mu, y);
            float inv = (float)(1.0 / Math.Sqrt(ManagedReductions.SquaredNorm(y) / features + epsilon));
            TensorPrimitives.Multiply(y, inv, y);
            TensorPrimitives.MultiplyAdd(y, gamma, beta, y);
            mean[r] = mu;
            inverseStd[r] = inv;
        }
    }

    /// <summary>
    /// Backward of layer norm: with g = dy·γ, dInput = inverseStd/F·(F·g − Σg − x̂·Σg·x̂) (overwrite);
    /// dGamma += Σ_r dy·x̂, dBeta += Σ_r dy. Scratch ≥ 2·features floats.
    /// </summary>
    public static void LayerNormBackward(ReadOnlySpan<float> input, ReadOnlySpan<float> gamma, ReadOnlySpan<float> mean,
        ReadOnlySpan<float> inverseStd, ReadOnlySpan<float> dOutput, Span<float> dInput, Span<float> dGamma, Span<float> dBeta,
        int rows, int features, Span<float> scratch)
    {
        Span<float> xhat = scratch.Slice(0, features);
        Span<float> g = scratch.Slice(features, features);
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> dy = dOutput.Slice(r * features, features);
            Span<float> dx = dInput.Slice(r * features, features);
            float inv = inverseStd[r];
            TensorPrimitives.Subtract(input.Slice(r * features, features), mean[r], xhat);
            TensorPrimitives.Multiply(xhat, inv, xhat);
            TensorPrimitives.Multiply(dy, gamma, g);
            float sumG = TensorPrimitives.Sum(g);
            float sumGXhat = TensorPrimitives.Dot(g, xhat);
            TensorPrimitives.MultiplyAdd(dy, xhat, dGamma, dGamma);
            TensorPrimitives.Add(dBeta, dy, dBeta);
            // inverseStd/F·(F·g − Σg − x̂·Σg·x̂) = inverseStd·g − inverseStd·Σg/F − (inverseStd·Σg·x̂/F)·x̂
            TensorPrimitives.Multiply(xhat, -inv * sumGXhat / features, dx);
            TensorPrimitives.MultiplyAdd(g, inv, dx, dx);
            TensorPrimitives.Add(dx, -inv * sumG / features, dx);
        }
    }

    private static void Normalize(ReadOnlySpan<float> x, ReadOnlySpan<float> mean, ReadOnlySpan<float> inverseStd, Span<float> xhat)
    {
        TensorPrimitives.Subtract(x, mean, xhat);
        TensorPrimitives.Multiply(xhat, inverseStd, xhat);
    }
}
