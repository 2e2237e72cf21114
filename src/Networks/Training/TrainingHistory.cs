namespace MLNet.DeepExtensions.Networks.Training;

/// <summary>The outcome of <see cref="NetworkTrainer.Fit"/>: every epoch's report and what early stopping did.</summary>
public sealed class TrainingHistory
{
    internal TrainingHistory(IReadOnlyList<EpochReport> epochs, int? bestEpoch, bool stoppedEarly, bool restoredBestWeights)
    {
        Epochs = epochs;
        BestEpoch = bestEpoch;
        StoppedEarly = stoppedEarly;
        RestoredBestWeights = restoredBestWeights;
    }

    /// <summary>One report per epoch that ran, in order.</summary>
    public IReadOnlyList<EpochReport> Epochs { get; }

    /// <summary>1-based epoch with the best monitored value, or null without early stopping.</summary>
    public int? BestEpoch { get; }

    /// <summary>True when early stopping ended training before the requested epochs.</summary>
    public bool StoppedEarly { get; }

    /// <summary>True when the weights of <see cref="BestEpoch"/> were restored at the end.</summary>
    public bool RestoredBestWeights { get; }
}
