using ILGPU;
using ILGPU.Runtime;
using MLNet.DeepExtensions.Kernels.Elementwise;

namespace MLNet.DeepExtensions.Kernels.Losses;

/// <summary>
/// ILGPU loss kernels, forward and backward fused: one thread per row writes the row's loss and, when a gradient
/// buffer is given (hasGradient = 1), the row's gradient. Optional buffers that are absent are passed as a one-element
/// dummy view together with a 0 flag, because a kernel cannot take a null view.
/// </summary>
internal sealed class IlgpuLossKernels
{
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, float, int, float,
        ArrayView<float>, ArrayView<float>, int, ArrayView<float>> _softmaxCrossEntropy;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, int, float, ArrayView<float>, int, ArrayView<float>> _binaryCrossEntropy;
    private readonly Action<Index1D, int, float, ArrayView<float>, ArrayView<float>, int, float, ArrayView<float>, int, ArrayView<float>> _regression;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, float, int, float, ArrayView<float>, int, ArrayView<float>> _hinge;

    /// <summary>Compiles and loads every loss kernel for <paramref name="accelerator"/>.</summary>
    public IlgpuLossKernels(Accelerator accelerator)
    {
        _softmaxCrossEntropy = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, float, int, float,
            ArrayView<float>, ArrayView<float>, int, ArrayView<float>>(SoftmaxCrossEntropy);
        _binaryCrossEntropy = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int, float, ArrayView<float>, int, ArrayView<float>>(
            BinaryCrossEntropyWithLogits);
        _regression = accelerator.LoadAutoGroupedStreamKernel<Index1D, int, float, ArrayView<float>, ArrayView<float>, int, float, ArrayView<float>, int, ArrayView<float>>(
            RegressionLoss);
        _hinge = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, float, int, float, ArrayView<float>, int, ArrayView<float>>(
            MulticlassHinge);
    }

    public void LaunchSoftmaxCrossEntropy(ArrayView<float> logits, ArrayView<float> targets, ArrayView<float> classWeights, bool hasClassWeights,
        float labelSmoothing, int rows, int classes, float gradientScale, ArrayView<float> probabilities, ArrayView<float> dLogits, bool hasGradient,
        ArrayView<float> rowLoss)
    {
        if (rows > 0)
        {
            _softmaxCrossEntropy(rows, logits, targets, classWeights, hasClassWeights ? 1 : 0, labelSmoothing, classes, gradientScale,
                probabilities, dLogits, hasGradient ? 1 : 0, rowLoss);
        }
    }

    public void LaunchBinaryCrossEntropy(ArrayView<float> logits, ArrayView<float> targets, int rows, int columns, float gradientScale,
        ArrayView<float> dLogits, bool hasGradient, ArrayView<float> rowLoss)
    {
        if (rows > 0) _binaryCrossEntropy(rows, logits, targets, columns, gradientScale, dLogits, hasGradient ? 1 : 0, rowLoss);
    }

    public void LaunchRegression(RegressionLossKind kind, float delta, ArrayView<float> predictions, ArrayView<float> targets, int rows, int columns,
        float gradientScale, ArrayView<float> dPredictions, bool hasGradient, ArrayView<float> rowLoss)
    {
        if (rows > 0) _regression(rows, (int)kind, delta, predictions, targets, columns, gradientScale, dPredictions, hasGradient ? 1 : 0, rowLoss);
    }

    public void LaunchMulticlassHinge(ArrayView<float> scores, ArrayView<float> targets, float margin, int rows, int classes, float gradientScale,
        ArrayView<float> dScores, bool hasGradient, ArrayView<float> rowLoss)
    {
        if (rows > 0) _hinge(rows, scores, targets, margin, classes, gradientScale, dScores, hasGradient ? 1 : 0, rowLoss);
    }

    /// <summary>
    /// Softmax cross-entropy with label smoothing ε and class weights w: q_c = (1 − ε)[c = y] + ε/K;
    /// rowLoss = w_y·(−Σ_c q_c·log p_c) with log p_c = x_c − m − log Σ e^(x − m); dLogits = scale·w_y·(p_c − q_c).
    /// </summary>
    /// <param name="row">Row index in [0, rows).</param>
    /// <param name="logits">Matrix (rows, classes).</param>
    /// <param name="targets">Vector (rows): class index y as a float.</param>
    /// <param name="classWeights">Vector (classes), read only when hasClassWeights = 1.</param>
    /// <param name="hasClassWeights">1 when classWeights holds weights, 0 for all-ones.</param>
    /// <param name="labelSmoothing">ε in [0, 1).</param>
    /// <param name="classes">K, the row length (positive).</param>
    /// <param name="gradientScale">Scale of the gradient (1/rows for the batch mean).</param>
    /// <param name="probabilities">Matrix (rows, classes), receives the softmax.</param>
    /// <param name="dLogits">Matrix (rows, classes), written only when hasGradient = 1.</param>
    /// <param name="hasGradient">1 to write dLogits.</param>
    /// <param name="rowLoss">Vector (rows).</param>
    internal static void SoftmaxCrossEntropy(Index1D row, ArrayView<float> logits, ArrayView<float> targets, ArrayView<float> classWeights,
        int hasClassWeights, float labelSmoothing, int classes, float gradientScale, ArrayView<float> probabilities, ArrayView<float> dLogits,
        int hasGradient, ArrayView<float> rowLoss)
    {
        long start = (long)row.X * classes;
        int y = (int)targets[row];
        float max = logits[start];
        for (int c = 1; c < classes; c++) max = MathF.Max(max, logits[start + c]);
        float sum = 0f;
        for (int c = 0; c < classes; c++) sum += MathF.Exp(logits[start + c] - max);
        float logSum = MathF.Log(sum);
        float inverse = 1f / sum;

        float weight = hasClassWeights != 0 ? classWeights[y] : 1f;
        float offTarget = labelSmoothing / classes;
        float onTarget = 1f - labelSmoothing + offTarget;
        float loss = 0f;
        for (int c = 0; c < classes; c++)
        {
            float shifted = logits[start + c] - max;
            float p = MathF.Exp(shifted) * inverse;
            float q = c == y ? onTarget : offTarget;
            probabilities[start + c] = p;
            if (q != 0f) loss -= q * (shifted - logSum);
            if (hasGradient != 0) dLogits[start + c] = gradientScale * weight * (p - q);
        }
        rowLoss[row] = weight * loss;
    }

    /// <summary>
    /// Binary cross-entropy on logits, per element l = max(x, 0) − x·t + log(1 + e^−|x|); rowLoss = mean over the row;
    /// dLogits = scale·(σ(x) − t)/columns.
    /// </summary>
    /// <param name="row">Row index in [0, rows).</param>
    /// <param name="logits">Matrix (rows, columns).</param>
    /// <param name="targets">Matrix (rows, columns), values in [0, 1].</param>
    /// <param name="columns">Row length (positive).</param>
    /// <param name="gradientScale">Scale of the gradient.</param>
    /// <param name="dLogits">Matrix (rows, columns), written only when hasGradient = 1.</param>
    /// <param name="hasGradient">1 to write dLogits.</param>
    /// <param name="rowLoss">Vector (rows).</param>
    internal static void BinaryCrossEntropyWithLogits(Index1D row, ArrayView<float> logits, ArrayView<float> targets, int columns,
        float gradientScale, ArrayView<float> dLogits, int hasGradient, ArrayView<float> rowLoss)
    {
        long start = (long)row.X * columns;
        float gradientFactor = gradientScale / columns;
        float sum = 0f;
        for (int c = 0; c < columns; c++)
        {
            float x = logits[start + c];
            float t = targets[start + c];
            sum += MathF.Max(x, 0f) - x * t + MathF.Log(1f + MathF.Exp(-MathF.Abs(x)));
            if (hasGradient != 0) dLogits[start + c] = gradientFactor * (ActivationMath.Sigmoid(x) - t);
        }
        rowLoss[row] = sum / columns;
    }

    /// <summary>
    /// MSE (d², 2d), MAE (|d|, sign d) or Huber (½d² / δ(|d| − ½δ), d / δ·sign d) of d = p − t; rowLoss = mean over the
    /// row; dPredictions = scale·l'(d)/columns.
    /// </summary>
    /// <param name="row">Row index in [0, rows).</param>
    /// <param name="kind">A <see cref="RegressionLossKind"/> as int.</param>
    /// <param name="delta">Huber δ (positive; ignored by the others).</param>
    /// <param name="predictions">Matrix (rows, columns).</param>
    /// <param name="targets">Matrix (rows, columns).</param>
    /// <param name="columns">Row length (positive).</param>
    /// <param name="gradientScale">Scale of the gradient.</param>
    /// <param name="dPredictions">Matrix (rows, columns), written only when hasGradient = 1.</param>
    /// <param name="hasGradient">1 to write dPredictions.</param>
    /// <param name="rowLoss">Vector (rows).</param>
    internal static void RegressionLoss(Index1D row, int kind, float delta, ArrayView<float> predictions, ArrayView<float> targets, int columns,
        float gradientScale, ArrayView<float> dPredictions, int hasGradient, ArrayView<float> rowLoss)
    {
        long start = (long)row.X * columns;
        float gradientFactor = gradientScale / columns;
        float sum = 0f;
        for (int c = 0; c < columns; c++)
        {
            float d = predictions[start + c] - targets[start + c];
            float absolute = MathF.Abs(d);
            float sign = ScalarMath.Sign(d);
            float loss, derivative;
            if (kind == (int)RegressionLossKind.MeanSquaredError)
            {
                loss = d * d;
                derivative = 2f * d;
            }
            else if (kind == (int)RegressionLossKind.MeanAbsoluteError)
            {
                loss = absolute;
                derivative = sign;
            }
            else if (absolute <= delta)
            {
                loss = 0.5f * d * d;
                derivative = d;
            }
            else
            {
                loss = delta * (absolute - 0.5f * delta);
                derivative = delta * sign;
            }
            sum += loss;
            if (hasGradient != 0) dPredictions[start + c] = gradientFactor * derivative;
        }
        rowLoss[row] = sum / columns;
    }

    /// <summary>
    /// Multiclass hinge (PyTorch MultiMarginLoss, p = 1): rowLoss = Σ_{c≠y} max(0, margin − s_y + s_c)/K; a term is
    /// active when strictly positive; dScores = scale/K at each active c, −scale·(active count)/K at y, 0 elsewhere.
    /// </summary>
    /// <param name="row">Row index in [0, rows).</param>
    /// <param name="scores">Matrix (rows, classes).</param>
    /// <param name="targets">Vector (rows): class index y as a float.</param>
    /// <param name="margin">The margin.</param>
    /// <param name="classes">K, the row length (positive).</param>
    /// <param name="gradientScale">Scale of the gradient.</param>
    /// <param name="dScores">Matrix (rows, classes), written only when hasGradient = 1.</param>
    /// <param name="hasGradient">1 to write dScores.</param>
    /// <param name="rowLoss">Vector (rows).</param>
    internal static void MulticlassHinge(Index1D row, ArrayView<float> scores, ArrayView<float> targets, float margin, int classes,
        float gradientScale, ArrayView<float> dScores, int hasGradient, ArrayView<float> rowLoss)
    {
        long start = (long)row.X * classes;
        int y = (int)targets[row];
        float target = scores[start + y];
        float step = gradientScale / classes;
        float sum = 0f;
        int active = 0;
        for (int c = 0; c < classes; c++)
        {
            float term = c == y ? 0f : margin - target + scores[start + c];
            bool isActive = term > 0f;
            if (isActive)
            {
                sum += term;
                active++;
            }
            if (hasGradient != 0) dScores[start + c] = isActive ? step : 0f;
        }
        if (hasGradient != 0) dScores[start + y] = -step * active;
        rowLoss[row] = sum / classes;
    }
}
