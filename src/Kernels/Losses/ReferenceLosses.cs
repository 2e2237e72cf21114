using MLNet.DeepExtensions.Kernels.Elementwise;
namespace MLNet.DeepExtensions.Kernels.Losses;

/// <summary>
/// The oracle's fused losses in double, written straight from the formulas of <see cref="ComputeBackend"/>:
/// one loss per row, and (when asked) gradientScale·∂rowLoss/∂prediction, overwritten.
/// </summary>
internal static class ReferenceLosses
{
    /// <summary>See <see cref="ComputeBackend.SoftmaxCrossEntropy"/>; logits, probabilities, dLogits (rows, classes).</summary>
    public static void SoftmaxCrossEntropy(ReadOnlySpan<double> logits, ReadOnlySpan<double> targets, ReadOnlySpan<double> classWeights,
        bool weighted, double labelSmoothing, int rows, int classes, double gradientScale,
        Span<double> probabilities, Span<double> dLogits, bool withGradient, Span<double> rowLoss)
    {
        for (int r = 0; r < rows; r++)
        {
            int start = r * classes;
            int y = (int)targets[r];
            double weight = weighted ? classWeights[y] : 1.0;
            double max = double.NegativeInfinity;
            for (int c = 0; c < classes; c++) max = Math.Max(max, logits[start + c]);
            double sum = 0;
            for (int c = 0; c < classes; c++) sum += Math.Exp(logits[start + c] - max);
            double logSum = Math.Log(sum);
            double loss = 0;
            for (int c = 0; c < classes; c++)
            {
                double q = (c == y ? 1.0 - labelSmoothing : 0.0) + labelSmoothing / classes;
                double logP = logits[start + c] - max - logSum; // log-softmax: finite even where p underflows to 0
                double p = Math.Exp(logP);
                probabilities[start + c] = p;
                loss -= q * logP;
                if (withGradient) dLogits[start + c] = gradientScale * weight * (p - q);
            }
            rowLoss[r] = weight * loss;
        }
    }

    /// <summary>See <see cref="ComputeBackend.BinaryCrossEntropyWithLogits"/>; logits, targets, dLogits (rows, columns).</summary>
    public static void BinaryCrossEntropyWithLogits(ReadOnlySpan<double> logits, ReadOnlySpan<double> targets, int rows, int columns,
        double gradientScale, Span<double> dLogits, bool withGradient, Span<double> rowLoss)
    {
        for (int r = 0; r < rows; r++)
        {
            double sum = 0;
            for (int c = 0; c < columns; c++)
            {
                int i = r * columns + c;
                double x = logits[i];
                double t = targets[i];
                sum += Math.Max(x, 0) - x * t + Math.Log(1.0 + Math.Exp(-Math.Abs(x)));
                if (withGradient) dLogits[i] = gradientScale * (1.0 / (1.0 + Math.Exp(-x)) - t) / columns;
            }
            rowLoss[r] = sum / columns;
        }
    }

    /// <summary>See <see cref="ComputeBackend.RegressionLoss"/>; predictions, targets, dPredictions (rows, columns).</summary>
    public static void RegressionLoss(RegressionLossKind kind, double delta, ReadOnlySpan<double> predictions, ReadOnlySpan<double> targets,
        int rows, int columns, double gradientScale, Span<double> dPredictions, bool withGradient, Span<double> rowLoss)
    {
        for (int r = 0; r < rows; r++)
        {
            double sum = 0;
            for (int c = 0; c < columns; c++)
            {
                int i = r * columns + c;
                double d = predictions[i] - targets[i];
                double loss, derivative;
                switch (kind)
                {
                    case RegressionLossKind.MeanSquaredError:
                        loss = d * d;
                        derivative = 2 * d;
                        break;
                    case RegressionLossKind.MeanAbsoluteError:
                        loss = Math.Abs(d);
                        derivative = ScalarMath.Sign(d);
                        break;
                    case RegressionLossKind.Huber:
                        loss = Math.Abs(d) <= delta ? 0.5 * d * d : delta * (Math.Abs(d) - 0.5 * delta);
                        derivative = Math.Abs(d) <= delta ? d : delta * ScalarMath.Sign(d);
                        break;
                    default:
                        throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown regression loss.");
                }
                sum += loss;
                if (withGradient) dPredictions[i] = gradientScale * derivative / columns;
            }
            rowLoss[r] = sum / columns;
        }
    }

    /// <summary>See <see cref="ComputeBackend.MulticlassHinge"/>; scores, dScores (rows, classes).</summary>
    public static void MulticlassHinge(ReadOnlySpan<double> scores, ReadOnlySpan<double> targets, double margin, int rows, int classes,
        double gradientScale, Span<double> dScores, bool withGradient, Span<double> rowLoss)
    {
        for (int r = 0; r < rows; r++)
        {
            int start = r * classes;
            int y = (int)targets[r];
            double sum = 0;
            int active = 0;
            for (int c = 0; c < classes; c++)
            {
                double term = c == y ? 0.0 : margin - scores[start + y] + scores[start + c];
                bool isActive = term > 0;
                if (isActive)
                {
                    sum += term;
                    active++;
                }
                if (withGradient) dScores[start + c] = isActive ? gradientScale / classes : 0.0;
            }
            if (withGradient) dScores[start + y] = -gradientScale * active / classes;
            rowLoss[r] = sum / classes;
        }
    }
}
