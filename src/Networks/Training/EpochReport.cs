using System.Globalization;

namespace MLNet.DeepExtensions.Networks.Training;

/// <summary>What happened in one epoch, delivered through <see cref="TrainingOptions.Progress"/>.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="TotalEpochs">Epochs requested.</param>
/// <param name="TrainLoss">Mean training loss over the epoch's batches (weighted by batch size; dropout active).</param>
/// <param name="ValidationLoss">Loss on the validation data in inference mode, or null without validation data.</param>
/// <param name="ValidationMetric">The loss's metric (accuracy or RMSE) on the validation data, or null.</param>
/// <param name="MetricName">"accuracy" or "rmse".</param>
/// <param name="LearningRate">Learning rate used in this epoch.</param>
/// <param name="Seconds">Wall time of the epoch's training loop (validation excluded).</param>
/// <param name="SamplesPerSecond">Training samples processed per second.</param>
public sealed record EpochReport(int Epoch, int TotalEpochs, double TrainLoss, double? ValidationLoss, double? ValidationMetric,
    string MetricName, float LearningRate, double Seconds, double SamplesPerSecond)
{
    /// <summary>"epoch  3/20  loss 0.1234  val_loss 0.1500  val_accuracy 0.9611  lr 1.0e-03  0.21 s  6,845 samples/s".</summary>
    public override string ToString()
    {
        var c = CultureInfo.InvariantCulture;
        string width = TotalEpochs.ToString(c);
        string text = string.Create(c, $"epoch {Epoch.ToString(c).PadLeft(width.Length)}/{width}  loss {TrainLoss:F4}");
        if (ValidationLoss is double vl) text += string.Create(c, $"  val_loss {vl:F4}");
        if (ValidationMetric is double vm) text += string.Create(c, $"  val_{MetricName} {vm:F4}");
        return text + string.Create(c, $"  lr {LearningRate:0.0e+00}  {Seconds:F2} s  {SamplesPerSecond:N0} samples/s");
    }
}
