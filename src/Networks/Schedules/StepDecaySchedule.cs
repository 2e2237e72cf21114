namespace MLNet.DeepExtensions.Networks.Schedules;

/// <summary>lr = base · γ^⌊epoch / stepSize⌋ (torch.optim.lr_scheduler.StepLR).</summary>
public sealed class StepDecaySchedule : LearningRateSchedule
{
    /// <summary>Multiplies the rate by <paramref name="gamma"/> every <paramref name="stepSize"/> epochs.</summary>
    public StepDecaySchedule(int stepSize, float gamma = 0.1f)
    {
        CheckEpochs(stepSize, nameof(stepSize));
        CheckFactor(gamma, nameof(gamma));
        StepSize = stepSize;
        Gamma = gamma;
    }

    /// <summary>Epochs between decays.</summary>
    public int StepSize { get; }

    /// <summary>Decay factor.</summary>
    public float Gamma { get; }

    /// <inheritdoc/>
    public override float GetLearningRate(int epoch, float baseLearningRate) =>
        (float)(baseLearningRate * Math.Pow(Gamma, epoch / StepSize));
}
