namespace MLNet.DeepExtensions.Networks.Schedules;

/// <summary>
/// Cosine annealing from the base rate to <see cref="MinimumLearningRate"/> over <see cref="Epochs"/> epochs, then flat:
/// lr = min + (base − min)·(1 + cos(π·epoch/Epochs))/2 (torch.optim.lr_scheduler.CosineAnnealingLR, T_max = Epochs).
/// </summary>
public sealed class CosineDecaySchedule : LearningRateSchedule
{
    /// <summary>Anneals over <paramref name="epochs"/> epochs down to <paramref name="minimumLearningRate"/>.</summary>
    public CosineDecaySchedule(int epochs, float minimumLearningRate = 0f)
    {
        CheckEpochs(epochs, nameof(epochs));
        if (!(minimumLearningRate >= 0f)) throw new ArgumentOutOfRangeException(nameof(minimumLearningRate), $"minimumLearningRate must be non-negative; got {minimumLearningRate}.");
        Epochs = epochs;
        MinimumLearningRate = minimumLearningRate;
    }

    /// <summary>Length of the annealing (T_max).</summary>
    public int Epochs { get; }

    /// <summary>Rate reached at the end.</summary>
    public float MinimumLearningRate { get; }

    /// <inheritdoc/>
    public override float GetLearningRate(int epoch, float baseLearningRate)
    {
        int t = Math.Min(epoch, Epochs);
        return (float)(MinimumLearningRate + (baseLearningRate - MinimumLearningRate) * (1 + Math.Cos(Math.PI * t / Epochs)) / 2);
    }
}
