using MLNet.DeepExtensions.Kernels;

namespace MLNet.DeepExtensions.Networks.Losses;

/// <summary>
/// Binary cross-entropy on logits, one independent sigmoid per output (torch.nn.BCEWithLogitsLoss; Keras
/// BinaryCrossentropy(from_logits=True)), computed in the stable form max(x, 0) − x·t + log(1 + e^−|x|).
/// Targets have the output's width, values in [0, 1]. Metric: accuracy of (logit &gt; 0) against (target &gt; 0.5), per output.
/// </summary>
public sealed class BinaryCrossEntropyWithLogitsLoss : Loss
{
    /// <inheritdoc/>
    public override string Name => "binary_cross_entropy";

    /// <inheritdoc/>
    public override string MetricName => "accuracy";

    /// <inheritdoc/>
    public override bool HigherMetricIsBetter => true;

    /// <inheritdoc/>
    public override int TargetWidth(int outputWidth) => outputWidth;

    /// <inheritdoc/>
    protected override void ComputeCore(DeviceBuffer predictions, DeviceBuffer targets, int rows, float gradientScale, DeviceBuffer? dPredictions, DeviceBuffer rowLoss) =>
        Backend.BinaryCrossEntropyWithLogits(predictions, targets, rows, OutputWidth, gradientScale, dPredictions, rowLoss);

    /// <inheritdoc/>
    public override void ValidateTargets(ReadOnlySpan<float> targets, int outputWidth, string source)
    {
        for (int i = 0; i < targets.Length; i++)
        {
            if (!(targets[i] >= 0f && targets[i] <= 1f))
            {
                throw new ArgumentOutOfRangeException(nameof(targets), $"{source}: row {i / outputWidth} has target {targets[i]}; binary cross-entropy expects values in [0, 1].");
            }
        }
    }

    /// <inheritdoc/>
    public override double MetricContribution(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, int rows, int outputWidth)
    {
        int hits = 0;
        for (int i = 0; i < rows * outputWidth; i++) if ((outputs[i] > 0f) == (targets[i] > 0.5f)) hits++;
        return hits;
    }

    /// <inheritdoc/>
    public override double FinishMetric(double total, long rows, int outputWidth) => rows == 0 ? double.NaN : total / (rows * outputWidth);
}
