namespace MLNet.DeepExtensions.Networks.Schedules;

/// <summary>
/// Linear warm-up: during the first <see cref="WarmupEpochs"/> epochs the rate rises as base·(epoch + 1)/(warmup + 1),
/// then <see cref="After"/> takes over with its epochs counted from the end of the warm-up.
/// </summary>
public sealed class LinearWarmupSchedule : LearningRateSchedule
{
    /// <summary>Warms up for <paramref name="warmupEpochs"/> epochs, then follows <paramref name="after"/> (constant when null).</summary>
    public LinearWarmupSchedule(int warmupEpochs, LearningRateSchedule? after = null)
    {
        CheckEpochs(warmupEpochs, nameof(warmupEpochs));
        WarmupEpochs = warmupEpochs;
        After = after ?? new ConstantSchedule();
    }

    /// <summary>Length of the ramp.</summary>
    public int WarmupEpochs { get; }

    /// <summary>Schedule after the ramp.</summary>
    public LearningRateSchedule After { get; }

    /// <inheritdoc/>
    public override float GetLearningRate(int epoch, float baseLearningRate) => epoch < WarmupEpochs
        ? baseLearningRate * (epoch + 1) / (WarmupEpochs + 1)
        : After.GetLearningRate(epoch - WarmupEpochs, baseLearningRate);

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, double monitoredValue)
    {
        if (epoch >= WarmupEpochs) After.OnEpochEnd(epoch - WarmupEpochs, monitoredValue);
    }

    /// <inheritdoc/>
    public override void Reset() => After.Reset();
}
