namespace MLNet.DeepExtensions.Kernels;

// The normalization operations: public methods that check their arguments, and the Core methods a backend implements.
public abstract partial class ComputeBackend
{
    /// <summary>
    /// Batch normalization in training mode over input (rows, features): per feature, the batch mean μ and biased
    /// variance σ²; output = γ·(x − μ)·inverseStd + β with inverseStd = 1/√(σ² + ε); saves mean and inverseStd for the
    /// backward pass; updates running stats PyTorch's way: running = (1 − momentum)·running + momentum·batch, the
    /// running variance fed the unbiased variance σ²·rows/(rows − 1) (the biased one when rows = 1).
    /// </summary>
    public void BatchNormForwardTraining(DeviceBuffer input, DeviceBuffer gamma, DeviceBuffer beta, DeviceBuffer output,
        DeviceBuffer mean, DeviceBuffer inverseStd, DeviceBuffer runningMean, DeviceBuffer runningVariance,
        int rows, int features, float momentum, float epsilon)
    {
        CheckPositive(rows, nameof(rows));
        CheckMatrix(input, rows, features, nameof(input));
        CheckMatrix(output, rows, features, nameof(output));
        CheckVector(gamma, features, nameof(gamma));
        CheckVector(beta, features, nameof(beta));
        CheckVector(mean, features, nameof(mean));
        CheckVector(inverseStd, features, nameof(inverseStd));
        CheckVector(runningMean, features, nameof(runningMean));
        CheckVector(runningVariance, features, nameof(runningVariance));
        BatchNormForwardTrainingCore(input, gamma, beta, output, mean, inverseStd, runningMean, runningVariance, rows, features, momentum, epsilon);
    }

    /// <summary>Batch normalization in inference mode: output = γ·(x − runningMean)/√(runningVariance + ε) + β.</summary>
    public void BatchNormForwardInference(DeviceBuffer input, DeviceBuffer gamma, DeviceBuffer beta,
        DeviceBuffer runningMean, DeviceBuffer runningVariance, DeviceBuffer output, int rows, int features, float epsilon)
    {
        CheckMatrix(input, rows, features, nameof(input));
        CheckMatrix(output, rows, features, nameof(output));
        CheckVector(gamma, features, nameof(gamma));
        CheckVector(beta, features, nameof(beta));
        CheckVector(runningMean, features, nameof(runningMean));
        CheckVector(runningVariance, features, nameof(runningVariance));
        BatchNormForwardInferenceCore(input, gamma, beta, runningMean, runningVariance, output, rows, features, epsilon);
    }

    /// <summary>
    /// Backward of <see cref="BatchNormForwardTraining"/> with x̂ = (x − μ)·inverseStd:
    /// dGamma[f] += Σ_r dy·x̂; dBeta[f] += Σ_r dy (accumulate);
    /// dInput = γ·inverseStd/N · (N·dy − Σ_r dy − x̂·Σ_r dy·x̂) (overwrite), N = rows.
    /// </summary>
    public void BatchNormBackward(DeviceBuffer input, DeviceBuffer gamma, DeviceBuffer mean, DeviceBuffer inverseStd,
        DeviceBuffer dOutput, DeviceBuffer dInput, DeviceBuffer dGamma, DeviceBuffer dBeta, int rows, int features)
    {
        CheckPositive(rows, nameof(rows));
        CheckMatrix(input, rows, features, nameof(input));
        CheckMatrix(dOutput, rows, features, nameof(dOutput));
        CheckMatrix(dInput, rows, features, nameof(dInput));
        CheckVector(gamma, features, nameof(gamma));
        CheckVector(mean, features, nameof(mean));
        CheckVector(inverseStd, features, nameof(inverseStd));
        CheckVector(dGamma, features, nameof(dGamma));
        CheckVector(dBeta, features, nameof(dBeta));
        BatchNormBackwardCore(input, gamma, mean, inverseStd, dOutput, dInput, dGamma, dBeta, rows, features);
    }

    /// <summary>
    /// Batch normalization of an NCHW tensor in training mode, one set of statistics per channel (torch.nn.BatchNorm2d):
    /// input and output are (batch, channels, spatial) with spatial = height·width. For channel c, μ and the biased
    /// variance σ² are taken over the n = batch·spatial values of that channel; output = γ·(x − μ)·inverseStd + β with
    /// inverseStd = 1/√(σ² + ε); mean and inverseStd (channels) are saved for the backward pass. Running statistics
    /// follow PyTorch: running = (1 − momentum)·running + momentum·batch (PyTorch's default momentum is 0.1; Keras'
    /// momentum 0.99 is the mirror image, 1 − 0.01), and the running variance is fed the unbiased variance
    /// σ²·n/(n − 1) (the biased one when n = 1), while the normalization itself uses the biased σ².
    /// <paramref name="output"/> may be <paramref name="input"/>.
    /// </summary>
    public void BatchNorm2DForwardTraining(DeviceBuffer input, DeviceBuffer gamma, DeviceBuffer beta, DeviceBuffer output,
        DeviceBuffer mean, DeviceBuffer inverseStd, DeviceBuffer runningMean, DeviceBuffer runningVariance,
        int batch, int channels, int spatial, float momentum, float epsilon)
    {
        int length = CheckBatchNorm2D(batch, channels, spatial, training: true);
        CheckVector(input, length, nameof(input));
        CheckVector(output, length, nameof(output));
        CheckVector(gamma, channels, nameof(gamma));
        CheckVector(beta, channels, nameof(beta));
        CheckVector(mean, channels, nameof(mean));
        CheckVector(inverseStd, channels, nameof(inverseStd));
        CheckVector(runningMean, channels, nameof(runningMean));
        CheckVector(runningVariance, channels, nameof(runningVariance));
        BatchNorm2DForwardTrainingCore(input, gamma, beta, output, mean, inverseStd, runningMean, runningVariance, batch, channels, spatial,
            momentum, epsilon);
    }

    /// <summary>
    /// Batch normalization of an NCHW tensor (batch, channels, spatial) in inference mode:
    /// output = γ·(x − runningMean)/√(runningVariance + ε) + β, per channel. <paramref name="output"/> may be <paramref name="input"/>.
    /// </summary>
    public void BatchNorm2DForwardInference(DeviceBuffer input, DeviceBuffer gamma, DeviceBuffer beta,
        DeviceBuffer runningMean, DeviceBuffer runningVariance, DeviceBuffer output, int batch, int channels, int spatial, float epsilon)
    {
        int length = CheckBatchNorm2D(batch, channels, spatial, training: false);
        CheckVector(input, length, nameof(input));
        CheckVector(output, length, nameof(output));
        CheckVector(gamma, channels, nameof(gamma));
        CheckVector(beta, channels, nameof(beta));
        CheckVector(runningMean, channels, nameof(runningMean));
        CheckVector(runningVariance, channels, nameof(runningVariance));
        BatchNorm2DForwardInferenceCore(input, gamma, beta, runningMean, runningVariance, output, batch, channels, spatial, epsilon);
    }

    /// <summary>
    /// Backward of <see cref="BatchNorm2DForwardTraining"/> with x̂ = (x − μ)·inverseStd, sums over the batch and the
    /// spatial positions of each channel: dGamma[c] += Σ dy·x̂; dBeta[c] += Σ dy (accumulate);
    /// dInput = γ·inverseStd/n · (n·dy − Σ dy − x̂·Σ dy·x̂) (overwrite), n = batch·spatial. <paramref name="dInput"/>
    /// may be <paramref name="dOutput"/>.
    /// </summary>
    public void BatchNorm2DBackward(DeviceBuffer input, DeviceBuffer gamma, DeviceBuffer mean, DeviceBuffer inverseStd,
        DeviceBuffer dOutput, DeviceBuffer dInput, DeviceBuffer dGamma, DeviceBuffer dBeta, int batch, int channels, int spatial)
    {
        int length = CheckBatchNorm2D(batch, channels, spatial, training: true);
        CheckVector(input, length, nameof(input));
        CheckVector(dOutput, length, nameof(dOutput));
        CheckVector(dInput, length, nameof(dInput));
        CheckVector(gamma, channels, nameof(gamma));
        CheckVector(mean, channels, nameof(mean));
        CheckVector(inverseStd, channels, nameof(inverseStd));
        CheckVector(dGamma, channels, nameof(dGamma));
        CheckVector(dBeta, channels, nameof(dBeta));
        BatchNorm2DBackwardCore(input, gamma, mean, inverseStd, dOutput, dInput, dGamma, dBeta, batch, channels, spatial);
    }

    // Returns batch·channels·spatial once the dimensions are valid: batch statistics need at least one value per
    // channel (batch and spatial positive); inference accepts empty batches, as the 1-D batch norm does.
    private static int CheckBatchNorm2D(int batch, int channels, int spatial, bool training)
    {
        if (training)
        {
            CheckPositive(batch, nameof(batch));
            CheckPositive(spatial, nameof(spatial));
        }
        else
        {
            CheckCount(batch, nameof(batch));
            CheckCount(spatial, nameof(spatial));
        }
        CheckCount(channels, nameof(channels));
        long size = (long)batch * channels * spatial;
        if (size > int.MaxValue) throw Argument(nameof(batch), $"a batch whose tensor has at most {int.MaxValue} elements (this one has {size})", batch);
        return (int)size;
    }

    /// <summary>
    /// Layer normalization over each row of input (rows, features): per row mean μ and biased variance σ²,
    /// output = γ·(x − μ)·inverseStd + β; saves mean[r] and inverseStd[r] = 1/√(σ² + ε).
    /// </summary>
    public void LayerNormForward(DeviceBuffer input, DeviceBuffer gamma, DeviceBuffer beta, DeviceBuffer output,
        DeviceBuffer mean, DeviceBuffer inverseStd, int rows, int features, float epsilon)
    {
        CheckPositive(features, nameof(features));
        CheckMatrix(input, rows, features, nameof(input));
        CheckMatrix(output, rows, features, nameof(output));
        CheckVector(gamma, features, nameof(gamma));
        CheckVector(beta, features, nameof(beta));
        CheckVector(mean, rows, nameof(mean));
        CheckVector(inverseStd, rows, nameof(inverseStd));
        LayerNormForwardCore(input, gamma, beta, output, mean, inverseStd, rows, features, epsilon);
    }

    /// <summary>
    /// Backward of <see cref="LayerNormForward"/>: with g = dy·γ and x̂ = (x − μ)·inverseStd per row,
    /// dInput = inverseStd/F · (F·g − Σ_f g − x̂·Σ_f g·x̂) (overwrite); dGamma += Σ_r dy·x̂; dBeta += Σ_r dy (accumulate).
    /// </summary>
    public void LayerNormBackward(DeviceBuffer input, DeviceBuffer gamma, DeviceBuffer mean, DeviceBuffer inverseStd,
        DeviceBuffer dOutput, DeviceBuffer dInput, DeviceBuffer dGamma, DeviceBuffer dBeta, int rows, int features)
    {
        CheckPositive(features, nameof(features));
        CheckMatrix(input, rows, features, nameof(input));
        CheckMatrix(dOutput, rows, features, nameof(dOutput));
        CheckMatrix(dInput, rows, features, nameof(dInput));
        CheckVector(gamma, features, nameof(gamma));
        CheckVector(mean, rows, nameof(mean));
        CheckVector(inverseStd, rows, nameof(inverseStd));
        CheckVector(dGamma, features, nameof(dGamma));
        CheckVector(dBeta, features, nameof(dBeta));
        LayerNormBackwardCore(input, gamma, mean, inverseStd, dOutput, dInput, dGamma, dBeta, rows, features);
    }

    // ---------------------------------------------------------------- Core methods a backend implements

    /// <summary>See <see cref="BatchNormForwardTraining"/>.</summary>
    protected abstract void BatchNormForwardTrainingCore(DeviceBuffer input, DeviceBuffer gamma, DeviceBuffer beta, DeviceBuffer output, DeviceBuffer mean, DeviceBuffer inverseStd, DeviceBuffer runningMean, DeviceBuffer runningVariance, int rows, int features, float momentum, float epsilon);
    /// <summary>See <see cref="BatchNormForwardInference"/>.</summary>
    protected abstract void BatchNormForwardInferenceCore(DeviceBuffer input, DeviceBuffer gamma, DeviceBuffer beta, DeviceBuffer runningMean, DeviceBuffer runningVariance, DeviceBuffer output, int rows, int features, float epsilon);
    /// <summary>See <see cref="BatchNormBackward"/>.</summary>
    protected abstract void BatchNormBackwardCore(DeviceBuffer input, DeviceBuffer gamma, DeviceBuffer mean, DeviceBuffer inverseStd, DeviceBuffer dOutput, DeviceBuffer dInput, DeviceBuffer dGamma, DeviceBuffer dBeta, int rows, int features);
    /// <summary>See <see cref="BatchNorm2DForwardTraining"/>; the dimensions are validated.</summary>
    protected abstract void BatchNorm2DForwardTrainingCore(DeviceBuffer input, DeviceBuffer gamma, DeviceBuffer beta, DeviceBuffer output, DeviceBuffer mean, DeviceBuffer inverseStd, DeviceBuffer runningMean, DeviceBuffer runningVariance, int batch, int channels, int spatial, float momentum, float epsilon);
    /// <summary>See <see cref="BatchNorm2DForwardInference"/>; the dimensions are validated.</summary>
    protected abstract void BatchNorm2DForwardInferenceCore(DeviceBuffer input, DeviceBuffer gamma, DeviceBuffer beta, DeviceBuffer runningMean, DeviceBuffer runningVariance, DeviceBuffer output, int batch, int channels, int spatial, float epsilon);
    /// <summary>See <see cref="BatchNorm2DBackward"/>; the dimensions are validated.</summary>
    protected abstract void BatchNorm2DBackwardCore(DeviceBuffer input, DeviceBuffer gamma, DeviceBuffer mean, DeviceBuffer inverseStd, DeviceBuffer dOutput, DeviceBuffer dInput, DeviceBuffer dGamma, DeviceBuffer dBeta, int batch, int channels, int spatial);
    /// <summary>See <see cref="LayerNormForward"/>.</summary>
    protected abstract void LayerNormForwardCore(DeviceBuffer input, DeviceBuffer gamma, DeviceBuffer beta, DeviceBuffer output, DeviceBuffer mean, DeviceBuffer inverseStd, int rows, int features, float epsilon);
    /// <summary>See <see cref="LayerNormBackward"/>.</summary>
    protected abstract void LayerNormBackwardCore(DeviceBuffer input, DeviceBuffer gamma, DeviceBuffer mean, DeviceBuffer inverseStd, DeviceBuffer dOutput, DeviceBuffer dInput, DeviceBuffer dGamma, DeviceBuffer dBeta, int rows, int features);
}
