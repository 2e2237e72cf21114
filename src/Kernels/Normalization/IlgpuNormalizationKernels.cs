using ILGPU;
using ILGPU.Runtime;

namespace MLNet.DeepExtensions.Kernels.Normalization;

/// <summary>
/// ILGPU batch and layer normalization, forward and backward. Statistics are computed by one thread per feature
/// (batch norm) or per row (layer norm) looping in a fixed order, with the two-pass variance Σ(x − μ)²/N; no atomics,
/// so results are deterministic. Layer norm's parameter gradients use a separate one-thread-per-feature kernel that
/// runs before the input gradient, so dInput may alias dOutput.
/// </summary>
internal sealed class IlgpuNormalizationKernels
{
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
        ArrayView<float>, ArrayView<float>, int, int, float, float> _batchNormTraining;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
        int, float> _batchNormInference;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
        ArrayView<float>, ArrayView<float>, int, int> _batchNormBackward;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
        int, float> _layerNormForward;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
        int> _layerNormBackwardInput;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
        int, int> _layerNormBackwardParameters;

    /// <summary>Compiles and loads every normalization kernel for <paramref name="accelerator"/>.</summary>
    public IlgpuNormalizationKernels(Accelerator accelerator)
    {
        _batchNormTraining = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, float, float>(BatchNormForwardTraining);
        _batchNormInference = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, int, float>(BatchNormForwardInference);
        _batchNormBackward = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>(BatchNormBackward);
        _layerNormForward = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, int, float>(LayerNormForward);
        _layerNormBackwardInput = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, int>(LayerNormBackwardInput);
        _layerNormBackwardParameters = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>(LayerNormBackwardParameters);
    }

    public void LaunchBatchNormForwardTraining(ArrayView<float> input, ArrayView<float> gamma, ArrayView<float> beta, ArrayView<float> output,
        ArrayView<float> mean, ArrayView<float> inverseStd, ArrayView<float> runningMean, ArrayView<float> runningVariance,
        int rows, int features, float momentum, float epsilon)
    {
        if (features > 0)
        {
            _batchNormTraining(features, input, gamma, beta, output, mean, inverseStd, runningMean, runningVariance, rows, features, momentum, epsilon);
        }
    }

    public void LaunchBatchNormForwardInference(ArrayView<float> input, ArrayView<float> gamma, ArrayView<float> beta, ArrayView<float> runningMean,
        ArrayView<float> runningVariance, ArrayView<float> output, int rows, int features, float epsilon)
    {
        if (rows > 0 && features > 0) _batchNormInference(rows * features, input, gamma, beta, runningMean, runningVariance, output, features, epsilon);
    }

    public void LaunchBatchNormBackward(ArrayView<float> input, ArrayView<float> gamma, ArrayView<float> mean, ArrayView<float> inverseStd,
        ArrayView<float> dOutput, ArrayView<float> dInput, ArrayView<float> dGamma, ArrayView<float> dBeta, int rows, int features)
    {
        if (features > 0) _batchNormBackward(features, input, gamma, mean, inverseStd, dOutput, dInput, dGamma, dBeta, rows, features);
    }

    public void LaunchLayerNormForward(ArrayView<float> input, ArrayView<float> gamma, ArrayView<float> beta, ArrayView<float> output,
        ArrayView<float> mean, ArrayView<float> inverseStd, int rows, int features, float epsilon)
    {
        if (rows > 0) _layerNormForward(rows, input, gamma, beta, output, mean, inverseStd, features, epsilon);
    }

    public void LaunchLayerNormBackward(ArrayView<float> input, ArrayView<float> gamma, ArrayView<float> mean, ArrayView<float> inverseStd,
        ArrayView<float> dOutput, ArrayView<float> dInput, ArrayView<float> dGamma, ArrayView<float> dBeta, int rows, int features)
    {
        if (rows == 0) return;
        // Parameter gradients first: they read dOutput, which dInput may alias.
        _layerNormBackwardParameters(features, input, mean, inverseStd, dOutput, dGamma, dBeta, rows, features);
        _layerNormBackwardInput(rows, input, gamma, mean, inverseStd, dOutput, dInput, features);
    }

    /// <summary>
    /// Batch norm, training mode, feature f: μ and biased σ² over the rows; output = γ·(x − μ)·inverseStd + β;
    /// saves μ and inverseStd = 1/√(σ² + ε); running = (1 − momentum)·running + momentum·batch (PyTorch), the running
    /// variance fed the unbiased σ²·N/(N − 1) (σ² when N = 1).
    /// </summary>
    /// <param name="feature">Feature index in [0, features).</param>
    /// <param name="input">Matrix (rows, features).</param>
    /// <param name="gamma">Vector (features).</param>
    /// <param name="beta">Vector (features).</param>
    /// <param name="output">Matrix (rows, features); may alias input.</param>
    /// <param name="mean">Vector (features), receives μ.</param>
    /// <param name="inverseStd">Vector (features), receives 1/√(σ² + ε).</param>
    /// <param name="runningMean">Vector (features), updated.</param>
    /// <param name="runningVariance">Vector (features), updated.</param>
    /// <param name="rows">N (positive).</param>
    /// <param name="features">Row length.</param>
    /// <param name="momentum">PyTorch momentum (weight of the batch statistic).</param>
    /// <param name="epsilon">ε.</param>
    internal static void BatchNormForwardTraining(Index1D feature, ArrayView<float> input, ArrayView<float> gamma, ArrayView<float> beta,
        ArrayView<float> output, ArrayView<float> mean, ArrayView<float> inverseStd, ArrayView<float> runningMean, ArrayView<float> runningVariance,
        int rows, int features, float momentum, float epsilon)
    {
        float sum = 0f;
        for (int r = 0; r < rows; r++) sum += input[(long)r * features + feature];
        float mu = sum / rows;
        float squares = 0f;
        for (int r = 0; r < rows; r++)
        {
            float d = input[(long)r * features + feature] - mu;
            squares += d * d;
        }
        float variance = squares / rows;
        float inv = 1f / MathF.Sqrt(variance + epsilon);
        float g = gamma[feature], b = beta[feature];
        for (int r = 0; r < rows; r++)
        {
            long index = (long)r * features + feature;
            output[index] = g * (input[index] - mu) * inv + b;
        }
        mean[feature] = mu;
        inverseStd[feature] = inv;
        float unbiased = rows > 1 ? squares / (rows - 1) : variance;
        runningMean[feature] = (1f - momentum) * runningMean[feature] + momentum * mu;
        runningVariance[feature] = (1f - momentum) * runningVariance[feature] + momentum * unbiased;
    }

    /// <summary>Batch norm, inference mode: output = γ·(x − runningMean)/√(runningVariance + ε) + β.</summary>
    /// <param name="i">Flat index r·features + f in [0, rows·features).</param>
    /// <param name="input">Matrix (rows, features).</param>
    /// <param name="gamma">Vector (features).</param>
    /// <param name="beta">Vector (features).</param>
    /// <param name="runningMean">Vector (features).</param>
    /// <param name="runningVariance">Vector (features).</param>
    /// <param name="output">Matrix (rows, features); may alias input.</param>
    /// <param name="features">Row length.</param>
    /// <param name="epsilon">ε.</param>
    internal static void BatchNormForwardInference(Index1D i, ArrayView<float> input, ArrayView<float> gamma, ArrayView<float> beta,
        ArrayView<float> runningMean, ArrayView<float> runningVariance, ArrayView<float> output, int features, float epsilon)
    {
        int f = i % features;
        output[i] = gamma[f] * (input[i] - runningMean[f]) / MathF.Sqrt(runningVariance[f] + epsilon) + beta[f];
    }

    /// <summary>
    /// Batch norm backward, feature f, x̂ = (x − μ)·inverseStd: dGamma += Σ dy·x̂; dBeta += Σ dy;
    /// dInput = γ·inverseStd/N·(N·dy − Σ dy − x̂·Σ dy·x̂) (overwrite; may alias dOutput: each thread owns its column).
    /// </summary>
    /// <param name="feature">Feature index in [0, features).</param>
    /// <param name="input">Matrix (rows, features), the forward input.</param>
    /// <param name="gamma">Vector (features).</param>
    /// <param name="mean">Vector (features) saved by the forward pass.</param>
    /// <param name="inverseStd">Vector (features) saved by the forward pass.</param>
    /// <param name="dOutput">Matrix (rows, features).</param>
    /// <param name="dInput">Matrix (rows, features).</param>
    /// <param name="dGamma">Vector (features), accumulated.</param>
    /// <param name="dBeta">Vector (features), accumulated.</param>
    /// <param name="rows">N (positive).</param>
    /// <param name="features">Row length.</param>
    internal static void BatchNormBackward(Index1D feature, ArrayView<float> input, ArrayView<float> gamma, ArrayView<float> mean,
        ArrayView<float> inverseStd, ArrayView<float> dOutput, ArrayView<float> dInput, ArrayView<float> dGamma, ArrayView<float> dBeta,
        int rows, int features)
    {
        float mu = mean[feature], inv = inverseStd[feature];
        float sumDy = 0f, sumDyXHat = 0f;
        for (int r = 0; r < rows; r++)
        {
            long index = (long)r * features + feature;
            float dy = dOutput[index];
            sumDy += dy;
            sumDyXHat += dy * (input[index] - mu) * inv;
        }
        dGamma[feature] += sumDyXHat;
        dBeta[feature] += sumDy;
        float scale = gamma[feature] * inv / rows;
        for (int r = 0; r < rows; r++)
        {
            long index = (long)r * features + feature;
            float xHat = (input[index] - mu) * inv;
            dInput[index] = scale * (rows * dOutput[index] - sumDy - xHat * sumDyXHat);
        }
    }

    /// <summary>
    /// Layer norm forward, row r: μ and biased σ² over the features; output = γ·(x − μ)·inverseStd + β; saves μ and
    /// inverseStd = 1/√(σ² + ε).
    /// </summary>
    /// <param name="row">Row index in [0, rows).</param>
    /// <param name="input">Matrix (rows, features).</param>
    /// <param name="gamma">Vector (features).</param>
    /// <param name="beta">Vector (features).</param>
    /// <param name="output">Matrix (rows, features); may alias input.</param>
    /// <param name="mean">Vector (rows), receives μ.</param>
    /// <param name="inverseStd">Vector (rows), receives 1/√(σ² + ε).</param>
    /// <param name="features">Row length F (positive).</param>
    /// <param name="epsilon">ε.</param>
    internal static void LayerNormForward(Index1D row, ArrayView<float> input, ArrayView<float> gamma, ArrayView<float> beta,
        ArrayView<float> output, ArrayView<float> mean, ArrayView<float> inverseStd, int features, float epsilon)
    {
        long start = (long)row.X * features;
        float sum = 0f;
        for (int f = 0; f < features; f++) sum += input[start + f];
        float mu = sum / features;
        float squares = 0f;
        for (int f = 0; f < features; f++)
        {
            float d = input[start + f] - mu;
            squares += d * d;
        }
        float inv = 1f / MathF.Sqrt(squares / features + epsilon);
        for (int f = 0; f < features; f++) output[start + f] = gamma[f] * (input[start + f] - mu) * inv + beta[f];
        mean[row] = mu;
        inverseStd[row] = inv;
    }

    /// <summary>
    /// Layer norm input gradient, row r, g = dy·γ and x̂ = (x − μ)·inverseStd: dInput = inverseStd/F·(F·g − Σ g − x̂·Σ g·x̂)
    /// (overwrite; may alias dOutput: each thread owns its row and reads it fully before writing).
    /// </summary>
    /// <param name="row">Row index in [0, rows).</param>
    /// <param name="input">Matrix (rows, features), the forward input.</param>
    /// <param name="gamma">Vector (features).</param>
    /// <param name="mean">Vector (rows) saved by the forward pass.</param>
    /// <param name="inverseStd">Vector (rows) saved by the forward pass.</param>
    /// <param name="dOutput">Matrix (rows, features).</param>
    /// <param name="dInput">Matrix (rows, features).</param>
    /// <param name="features">Row length F (positive).</param>
    internal static void LayerNormBackwardInput(Index1D row, ArrayView<float> input, ArrayView<float> gamma, ArrayView<float> mean,
        ArrayView<float> inverseStd, ArrayView<float> dOutput, ArrayView<float> dInput, int features)
    {
        long start = (long)row.X * features;
        float mu = mean[row], inv = inverseStd[row];
        float sumG = 0f, sumGXHat = 0f;
        for (int f = 0; f < features; f++)
        {
            float g = dOutput[start + f] * gamma[f];
            sumG += g;
            sumGXHat += g * (input[start + f] - mu) * inv;
        }
        float scale = inv / features;
        for (int f = 0; f < features; f++)
        {
            float g = dOutput[start + f] * gamma[f];
            float xHat = (input[start + f] - mu) * inv;
            dInput[start + f] = scale * (features * g - sumG - xHat * sumGXHat);
        }
    }

    /// <summary>Layer norm parameter gradients, feature f, rows in order: dGamma += Σ_r dy·x̂; dBeta += Σ_r dy.</summary>
    /// <param name="feature">Feature index in [0, features).</param>
    /// <param name="input">Matrix (rows, features), the forward input.</param>
    /// <param name="mean">Vector (rows) saved by the forward pass.</param>
    /// <param name="inverseStd">Vector (rows) saved by the forward pass.</param>
    /// <param name="dOutput">Matrix (rows, features).</param>
    /// <param name="dGamma">Vector (features), accumulated.</param>
    /// <param name="dBeta">Vector (features), accumulated.</param>
    /// <param name="rows">Number of rows.</param>
    /// <param name="features">Row length.</param>
    internal static void LayerNormBackwardParameters(Index1D feature, ArrayView<float> input, ArrayView<float> mean, ArrayView<float> inverseStd,
        ArrayView<float> dOutput, ArrayView<float> dGamma, ArrayView<float> dBeta, int rows, int features)
    {
        float sumDy = 0f, sumDyXHat = 0f;
        for (int r = 0; r < rows; r++)
        {
            long index = (long)r * features + feature;
            float dy = dOutput[index];
            sumDy += dy;
            sumDyXHat += dy * (input[index] - mean[r]) * inverseStd[r];
        }
        dGamma[feature] += sumDyXHat;
        dBeta[feature] += sumDy;
    }
}
