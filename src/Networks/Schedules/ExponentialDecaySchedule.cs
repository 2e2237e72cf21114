namespace MLNet.DeepExtensions.Networks.Schedules;

/// <summary>lr = base · γ^epoch (torch.optim.lr_scheduler.ExponentialLR).</summary>
public sealed class ExponentialDecaySchedule : LearningRateSchedule
{
    /// <summary>Multiplies the rate by <paramref name="gamma"/> every epoch.</summary>
    public ExponentialDecaySchedule(float gamma)
    {
        CheckFactor(gamma, nameof(gamma));
        Gamma = gamma;
    }

    /// <summary>Per-epoch factor.</summary>
    public float Gamma { get; }

    /// <inheritdoc/>
    public override float GetLearningRate(int epoch, float baseLearningRate) =>
        (float)(baseLearningRate * Math.Pow(Gamma, epoch));
}
