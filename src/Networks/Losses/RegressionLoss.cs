using MLNet.DeepExtensions.Kernels;

namespace MLNet.DeepExtensions.Networks.Losses;

/// <summary>
/// Base of the elementwise regression losses (MSE, MAE, Huber): targets have the output's width, the loss is the
/// mean over all outputs of all rows, and the reported metric is the root mean squared error.
/// </summary>
public abstract class RegressionLoss : Loss
{
    /// <summary>Which elementwise loss the kernel computes.</summary>
    protected abstract RegressionLossKind LossKind { get; }

    /// <summary>Huber's δ (ignored by the others).</summary>
    protected virtual float Delta => 1f;

    /// <inheritdoc/>
    public override string MetricName => "rmse";

    /// <inheritdoc/>
    public override bool HigherMetricIsBetter => false;

    /// <inheritdoc/>
    public override int TargetWidth(int outputWidth) => outputWidth;

    /// <inheritdoc/>
    protected override void ComputeCore(DeviceBuffer predictions, DeviceBuffer targets, int rows, float gradientScale, DeviceBuffer? dPredictions, DeviceBuffer rowLoss) =>
        Backend.RegressionLoss(LossKind, Delta, predictions, targets, rows, OutputWidth, gradientScale, dPredictions, rowLoss);

    /// <inheritdoc/>
    public override double MetricContribution(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, int rows, int outputWidth) =>
        ClassificationMetrics.SumSquaredError(outputs, targets, rows * outputWidth);

    /// <inheritdoc/>
    public override double FinishMetric(double total, long rows, int outputWidth) => rows == 0 ? double.NaN : Math.Sqrt(total / (rows * outputWidth));
}
