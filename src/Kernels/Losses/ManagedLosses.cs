using System.Numerics.Tensors;
using MLNet.DeepExtensions.Kernels.Elementwise;
using MLNet.DeepExtensions.Kernels.Reductions;

namespace MLNet.DeepExtensions.Kernels.Losses;

/// <summary>
/// The managed CPU backend's fused losses: one loss per row, and (when a gradient span is non-empty)
/// gradientScale·∂rowLoss/∂prediction, overwritten. See <see cref="ComputeBackend"/> for the formulas.
/// </summary>
internal static class ManagedLosses
{
    /// <summary>Softmax cross-entropy with optional class weights and label smoothing; logits, probabilities, dLogits (rows, classes).</summary>
    public static void SoftmaxCrossEntropy(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, ReadOnlySpan<float> classWeights,
        bool weighted, float labelSmoothing, int rows, int classes, float gradientScale,
        Span<float> probabilities, Span<float> dLogits, bool withGradient, Span<float> rowLoss)
    {
        float smooth = labelSmoothing / classes;
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> x = logits.Slice(r * classes, classes);
            Span<float> p = probabilities.Slice(r * classes, classes);
            int y = (int)targets[r];
            float weight = weighted ? classWeights[y] : 1f;
            (float max, float sum) = ManagedActivations.SoftmaxRow(x, p);
            // log p_c = x_c − (max + log Σ): the log-sum-exp form, finite even where p_c underflows to 0.
            float logNormalizer = max + MathF.Log(sum);
            float loss = -(1f - labelSmoothing) * (x[y] - logNormalizer);
            if (labelSmoothing != 0f)
            {
                // Σ_c q_c log p_c with the uniform part ε/K: ε/K · (Σ_c x_c − K·logNormalizer).
                loss -= smooth * (float)(ManagedReductions.Sum(x) - (double)classes * logNormalizer);
            }
            rowLoss[r] = weight * loss;
            if (withGradient)
            {
                Span<float> d = dLogits.Slice(r * classes, classes);
                TensorPrimitives.Subtract(p, smooth, d);
                d[y] -= 1f - labelSmoothing;
                TensorPrimitives.Multiply(d, gradientScale * weight, d);
            }
        }
    }

    /// <summary>Binary cross-entropy on logits; logits, targets, dLogits (rows, columns).</summary>
    public static void BinaryCrossEntropyWithLogits(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, int rows, int columns,
        float gradientScale, Span<float> dLogits, bool withGradient, Span<float> rowLoss)
    {
        float scale = gradientScale / columns;
        for (int r = 0; r < rows; r++)
        {
            float sum = 0f;
            for (int i = r * columns; i < (r + 1) * columns; i++)
            {
                float x = logits[i], t = targets[i];
                // max(x, 0) − x·t + log(1 + e^−|x|): never exponentiates a positive number.
                sum += MathF.Max(x, 0f) - x * t + MathF.Log(1f + MathF.Exp(-MathF.Abs(x)));
                if (withGradient) dLogits[i] = scale * (ActivationMath.Sigmoid(x) - t);
            }
            rowLoss[r] = sum / columns;
        }
    }

    /// <summary>MSE, MAE or Huber; predictions, targets, dPredictions (rows, columns).</summary>
    public static void RegressionLoss(RegressionLossKind kind, float delta, ReadOnlySpan<float> predictions, ReadOnlySpan<float> targets,
        int rows, int columns, float gradientScale, Span<float> dPredictions, bool withGradient, Span<float> rowLoss)
    {
        float scale = gradientScale / columns;
        for (int r = 0; r < rows; r++)
        {
            float sum = 0f;
            for (int i = r * columns; i < (r + 1) * columns; i++)
            {
                float d = predictions[i] - targets[i];
                float a = MathF.Abs(d);
                float loss, derivative;
                switch (kind)
                {
                    case RegressionLossKind.MeanSquaredError:
                        loss = d * d;
                        derivative = 2f * d;
                        break;
                    case RegressionLossKind.MeanAbsoluteError:
                        loss = a;
                        derivative = ScalarMath.Sign(d);
                        break;
                    default:
                        loss = a <= delta ? 0.5f * d * d : delta * (a - 0.5f * delta);
                        derivative = a <= delta ? d : delta * ScalarMath.Sign(d);
                        break;
                }
                sum += loss;
                if (withGradient) dPredictions[i] = scale * derivative;
            }
            rowLoss[r] = sum / columns;
        }
    }

    /// <summary>Multiclass hinge (PyTorch MultiMarginLoss, p = 1); scores, dScores (rows, classes).</summary>
    public static void MulticlassHinge(ReadOnlySpan<float> scores, ReadOnlySpan<float> targets, float margin, int rows, int classes,
        float gradientScale, Span<float> dScores, bool withGradient, Span<float> rowLoss)
    {
        float step = gradientScale / classes;
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> s = scores.Slice(r * classes, classes);
            int y = (int)targets[r];
            float sum = 0f;
            int active = 0;
            for (int c = 0; c < classes; c++)
            {
                float term = c == y ? 0f : margin - s[y] + s[c];
                bool isActive = term > 0f; // strictly positive, so a term exactly at the margin passes no gradient
                if (isActive)
                {
                    sum += term;
                    active++;
                }
                if (withGradient) dScores[r * classes + c] = isActive ? step : 0f;
            }
            if (withGradient) dScores[r * classes + y] = -step * active;
            rowLoss[r] = sum / classes;
        }
    }
}
