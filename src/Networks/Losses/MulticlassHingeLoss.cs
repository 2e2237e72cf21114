using MLNet.DeepExtensions.Kernels;

namespace MLNet.DeepExtensions.Networks.Losses;

/// <summary>
/// Multiclass hinge (SVM) loss on raw scores with class-index targets, torch.nn.MultiMarginLoss(p=1, margin):
/// Σ_{c≠y} max(0, margin − s_y + s_c) / classes per row.
/// </summary>
public sealed class MulticlassHingeLoss : Loss
{
    /// <summary>Creates the loss with the given margin (default 1).</summary>
    public MulticlassHingeLoss(float margin = 1f)
    {
        if (!(margin > 0f) || !float.IsFinite(margin)) throw new ArgumentOutOfRangeException(nameof(margin), $"Hinge margin must be positive and finite; got {margin}.");
        Margin = margin;
    }

    /// <summary>Required score gap between the true class and the others.</summary>
    public float Margin { get; }

    /// <inheritdoc/>
    public override string Name => "multiclass_hinge";

    /// <inheritdoc/>
    public override string MetricName => "accuracy";

    /// <inheritdoc/>
    public override bool HigherMetricIsBetter => true;

    /// <inheritdoc/>
    public override int TargetWidth(int outputWidth) => 1;

    /// <inheritdoc/>
    protected override void ValidateOutputWidth(int outputWidth)
    {
        if (outputWidth < 2) throw new ArgumentOutOfRangeException(nameof(outputWidth), $"Multiclass hinge needs at least 2 outputs (one per class); the model has {outputWidth}.");
    }

    /// <inheritdoc/>
    protected override void ComputeCore(DeviceBuffer predictions, DeviceBuffer targets, int rows, float gradientScale, DeviceBuffer? dPredictions, DeviceBuffer rowLoss) =>
        Backend.MulticlassHinge(predictions, targets, Margin, rows, OutputWidth, gradientScale, dPredictions, rowLoss);

    /// <inheritdoc/>
    public override void ValidateTargets(ReadOnlySpan<float> targets, int outputWidth, string source) =>
        ClassificationMetrics.ValidateClassIndices(targets, outputWidth, source);

    /// <inheritdoc/>
    public override double MetricContribution(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, int rows, int outputWidth) =>
        ClassificationMetrics.CountArgMaxHits(outputs, targets, rows, outputWidth);

    /// <inheritdoc/>
    public override double FinishMetric(double total, long rows, int outputWidth) => rows == 0 ? double.NaN : total / rows;
}
