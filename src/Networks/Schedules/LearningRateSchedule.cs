namespace MLNet.DeepExtensions.Networks.Schedules;

/// <summary>
/// Sets the learning rate of each epoch from the optimizer's base rate (Keras LearningRateScheduler,
/// torch.optim.lr_scheduler stepped once per epoch). Epochs are 0-based here; reports show them 1-based.
/// A schedule may read the monitored metric after each epoch (<see cref="ReduceOnPlateauSchedule"/>); its state
/// resets at the start of every training run.
/// </summary>
public abstract class LearningRateSchedule
{
    /// <summary>Learning rate for 0-based <paramref name="epoch"/>, given the optimizer's <paramref name="baseLearningRate"/>.</summary>
    public abstract float GetLearningRate(int epoch, float baseLearningRate);

    /// <summary>Called after each epoch with the monitored value (validation loss when there is validation data, else training loss).</summary>
    public virtual void OnEpochEnd(int epoch, double monitoredValue)
    {
    }

    /// <summary>Forgets any state (at the start of each training run).</summary>
    public virtual void Reset()
    {
    }

    /// <summary>Checks a factor in (0, 1], naming it.</summary>
    protected static void CheckFactor(float value, string name)
    {
        if (!(value > 0f && value <= 1f)) throw new ArgumentOutOfRangeException(name, $"{name} must be in (0, 1]; got {value}.");
    }

    /// <summary>Checks a positive epoch count, naming it.</summary>
    protected static void CheckEpochs(int value, string name)
    {
        if (value <= 0) throw new ArgumentOutOfRangeException(name, $"{name} must be a positive number of epochs; got {value}.");
    }
}
