namespace MLNet.DeepExtensions.Networks.Schedules;

/// <summary>The base learning rate in every epoch.</summary>
public sealed class ConstantSchedule : LearningRateSchedule
{
    /// <inheritdoc/>
    public override float GetLearningRate(int epoch, float baseLearningRate) => baseLearningRate;
}
