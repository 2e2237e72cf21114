namespace MLNet.DeepExtensions.Kernels.Normalization;

/// <summary>
/// The oracle's 2-D batch normalization in double, forward and backward side by side, from the formulas of
/// <see cref="ComputeBackend.BatchNorm2DForwardTraining"/> (two-pass mean and biased variance per channel). Tensors are
/// (batch, channels, spatial) with spatial = height·width; the per-channel vectors are (channels).
/// </summary>
internal static class ReferenceBatchNorm2D
{
    /// <summary>Training mode: batch statistics per channel, running statistics updated (PyTorch's convention).</summary>
    public static void ForwardTraining(ReadOnlySpan<double> input, ReadOnlySpan<double> gamma, ReadOnlySpan<double> beta,
        Span<double> output, Span<double> mean, Span<double> inverseStd, Span<double> runningMean, Span<double> runningVariance,
        int batch, int channels, int spatial, double momentum, double epsilon)
    {
        int count = batch * spatial;
        for (int c = 0; c < channels; c++)
        {
            double mu = 0;
            for (int n = 0; n < batch; n++)
            {
                for (int s = 0; s < spatial; s++) mu += input[Index(n, c, s, channels, spatial)];
            }
            mu /= count;
            double variance = 0;
            for (int n = 0; n < batch; n++)
            {
                for (int s = 0; s < spatial; s++)
                {
                    double d = input[Index(n, c, s, channels, spatial)] - mu;
                    variance += d * d;
                }
            }
            variance /= count;
            double inv = 1.0 / Math.Sqrt(variance + epsilon);
            for (int n = 0; n < batch; n++)
            {
                for (int s = 0; s < spatial; s++)
                {
                    int i = Index(n, c, s, channels, spatial);
                    output[i] = gamma[c] * (input[i] - mu) * inv + beta[c];
                }
            }
            mean[c] = mu;
            inverseStd[c] = inv;
            // PyTorch: the running variance is fed the unbiased estimate over n = batch·spatial values (biased when n = 1).
            double unbiased = count > 1 ? variance * count / (count - 1) : variance;
            runningMean[c] = (1 - momentum) * runningMean[c] + momentum * mu;
            runningVariance[c] = (1 - momentum) * runningVariance[c] + momentum * unbiased;
        }
    }

    /// <summary>Inference mode: output = γ·(x − runningMean)/√(runningVariance + ε) + β.</summary>
    public static void ForwardInference(ReadOnlySpan<double> input, ReadOnlySpan<double> gamma, ReadOnlySpan<double> beta,
        ReadOnlySpan<double> runningMean, ReadOnlySpan<double> runningVariance, Span<double> output, int batch, int channels, int spatial,
        double epsilon)
    {
        for (int n = 0; n < batch; n++)
        {
            for (int c = 0; c < channels; c++)
            {
                double scale = gamma[c] / Math.Sqrt(runningVariance[c] + epsilon);
                for (int s = 0; s < spatial; s++)
                {
                    int i = Index(n, c, s, channels, spatial);
                    output[i] = scale * (input[i] - runningMean[c]) + beta[c];
                }
            }
        }
    }

    /// <summary>Backward of <see cref="ForwardTraining"/>; dInput overwritten, dGamma and dBeta accumulated.</summary>
    public static void Backward(ReadOnlySpan<double> input, ReadOnlySpan<double> gamma, ReadOnlySpan<double> mean,
        ReadOnlySpan<double> inverseStd, ReadOnlySpan<double> dOutput, Span<double> dInput, Span<double> dGamma, Span<double> dBeta,
        int batch, int channels, int spatial)
    {
        int count = batch * spatial;
        for (int c = 0; c < channels; c++)
        {
            double sumDy = 0, sumDyXhat = 0;
            for (int n = 0; n < batch; n++)
            {
                for (int s = 0; s < spatial; s++)
                {
                    int i = Index(n, c, s, channels, spatial);
                    sumDy += dOutput[i];
                    sumDyXhat += dOutput[i] * (input[i] - mean[c]) * inverseStd[c];
                }
            }
            for (int n = 0; n < batch; n++)
            {
                for (int s = 0; s < spatial; s++)
                {
                    int i = Index(n, c, s, channels, spatial);
                    double xhat = (input[i] - mean[c]) * inverseStd[c];
                    dInput[i] = gamma[c] * inverseStd[c] / count * (count * dOutput[i] - sumDy - xhat * sumDyXhat);
                }
            }
            dGamma[c] += sumDyXhat;
            dBeta[c] += sumDy;
        }
    }

    private static int Index(int n, int c, int s, int channels, int spatial) => (n * channels + c) * spatial + s;
}
