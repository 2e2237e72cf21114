namespace MLNet.DeepExtensions.Kernels.Normalization;

/// <summary>
/// The oracle's batch and layer normalization in double, forward and backward side by side, from the formulas of
/// <see cref="ComputeBackend"/> (two-pass mean and biased variance).
/// </summary>
internal static class ReferenceNormalization
{
    /// <summary>Batch norm, training mode; input/output (rows, features), the rest (features). See <see cref="ComputeBackend.BatchNormForwardTraining"/>.</summary>
    public static void BatchNormForwardTraining(ReadOnlySpan<double> input, ReadOnlySpan<double> gamma, ReadOnlySpan<double> beta,
        Span<double> output, Span<double> mean, Span<double> inverseStd, Span<double> runningMean, Span<double> runningVariance,
        int rows, int features, double momentum, double epsilon)
    {
        for (int f = 0; f < features; f++)
        {
            double mu = 0;
            for (int r = 0; r < rows; r++) mu += input[r * features + f];
            mu /= rows;
            double variance = 0;
            for (int r = 0; r < rows; r++) variance += (input[r * features + f] - mu) * (input[r * features + f] - mu);
            variance /= rows;
            double inv = 1.0 / Math.Sqrt(variance + epsilon);
            for (int r = 0; r < rows; r++)
            {
                output[r * features + f] = gamma[f] * (input[r * features + f] - mu) * inv + beta[f];
            }
            mean[f] = mu;
            inverseStd[f] = inv;
            // PyTorch: the running variance is fed the unbiased estimate (the biased one when there is a single row).
            double unbiased = rows > 1 ? variance * rows / (rows - 1) : variance;
            runningMean[f] = (1 - momentum) * runningMean[f] + momentum * mu;
            runningVariance[f] = (1 - momentum) * runningVariance[f] + momentum * unbiased;
        }
    }

    /// <summary>Batch norm, inference mode: output = γ·(x − runningMean)/√(runningVariance + ε) + β.</summary>
    public static void BatchNormForwardInference(ReadOnlySpan<double> input, ReadOnlySpan<double> gamma, ReadOnlySpan<double> beta,
        ReadOnlySpan<double> runningMean, ReadOnlySpan<double> runningVariance, Span<double> output, int rows, int features, double epsilon)
    {
        for (int r = 0; r < rows; r++)
        {
            for (int f = 0; f < features; f++)
            {
                int i = r * features + f;
                output[i] = gamma[f] * (input[i] - runningMean[f]) / Math.Sqrt(runningVariance[f] + epsilon) + beta[f];
            }
        }
    }

    /// <summary>Backward of batch norm; dInput overwritten, dGamma and dBeta accumulated. See <see cref="ComputeBackend.BatchNormBackward"/>.</summary>
    public static void BatchNormBackward(ReadOnlySpan<double> input, ReadOnlySpan<double> gamma, ReadOnlySpan<double> mean,
        ReadOnlySpan<double> inverseStd, ReadOnlySpan<double> dOutput, Span<double> dInput, Span<double> dGamma, Span<double> dBeta,
        int rows, int features)
    {
        for (int f = 0; f < features; f++)
        {
            double sumDy = 0, sumDyXhat = 0;
            for (int r = 0; r < rows; r++)
            {
                int i = r * features + f;
                sumDy += dOutput[i];
                sumDyXhat += dOutput[i] * (input[i] - mean[f]) * inverseStd[f];
            }
            for (int r = 0; r < rows; r++)
            {
                int i = r * features + f;
                double xhat = (input[i] - mean[f]) * inverseStd[f];
                dInput[i] = gamma[f] * inverseStd[f] / rows * (rows * dOutput[i] - sumDy - xhat * sumDyXhat);
            }
            dGamma[f] += sumDyXhat;
            dBeta[f] += sumDy;
        }
    }

    /// <summary>Layer norm over each row; input/output (rows, features), gamma/beta (features), mean/inverseStd (rows).</summary>
    public static void LayerNormForward(ReadOnlySpan<double> input, ReadOnlySpan<double> gamma, ReadOnlySpan<double> beta,
        Span<double> output, Span<double> mean, Span<double> inverseStd, int rows, int features, double epsilon)
    {
        for (int r = 0; r < rows; r++)
        {
            int start = r * features;
            double mu = 0;
            for (int f = 0; f < features; f++) mu += input[start + f];
            mu /= features;
            double variance = 0;
            for (int f = 0; f < features; f++) variance += (input[start + f] - mu) * (input[start + f] - mu);
            variance /= features;
            double inv = 1.0 / Math.Sqrt(variance + epsilon);
            for (int f = 0; f < features; f++) output[start + f] = gamma[f] * (input[start + f] - mu) * inv + beta[f];
            mean[r] = mu;
            inverseStd[r] = inv;
        }
    }

    /// <summary>Backward of layer norm; dInput overwritten, dGamma and dBeta accumulated. See <see cref="ComputeBackend.LayerNormBackward"/>.</summary>
    public static void LayerNormBackward(ReadOnlySpan<double> input, ReadOnlySpan<double> gamma, ReadOnlySpan<double> mean,
        ReadOnlySpan<double> inverseStd, ReadOnlySpan<double> dOutput, Span<double> dInput, Span<double> dGamma, Span<double> dBeta,
        int rows, int features)
    {
        for (int r = 0; r < rows; r++)
        {
            int start = r * features;
            double sumG = 0, sumGXhat = 0;
            for (int f = 0; f < features; f++)
            {
                double g = dOutput[start + f] * gamma[f];
                sumG += g;
                sumGXhat += g * (input[start + f] - mean[r]) * inverseStd[r];
            }
            for (int f = 0; f < features; f++)
            {
                double xhat = (input[start + f] - mean[r]) * inverseStd[r];
                double g = dOutput[start + f] * gamma[f];
                dInput[start + f] = inverseStd[r] / features * (features * g - sumG - xhat * sumGXhat);
                dGamma[f] += dOutput[start + f] * xhat;
                dBeta[f] += dOutput[start + f];
            }
        }
    }
}
