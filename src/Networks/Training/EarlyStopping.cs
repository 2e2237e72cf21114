namespace MLNet.DeepExtensions.Networks.Training;

/// <summary>Which per-epoch value early stopping and plateau schedules watch.</summary>
public enum MonitoredValue
{
    /// <summary>Validation loss (lower is better); needs validation data.</summary>
    ValidationLoss,

    /// <summary>The loss's metric on validation data: accuracy (higher is better) or RMSE (lower); needs validation data.</summary>
    ValidationMetric,

    /// <summary>Training loss (lower is better).</summary>
    TrainLoss,
}

/// <summary>Configuration of early stopping (Keras EarlyStopping): stop when the monitored value stops improving.</summary>
public sealed class EarlyStoppingOptions
{
    /// <summary>The value watched. Default: validation loss.</summary>
    public MonitoredValue Monitor { get; init; } = MonitoredValue.ValidationLoss;

    /// <summary>Epochs without improvement before stopping; 0 or more. Default 5.</summary>
    public int Patience { get; init; } = 5;

    /// <summary>Smallest change that counts as an improvement; 0 or more. Default 0.</summary>
    public double MinimumDelta { get; init; }

    /// <summary>Restore the weights of the best epoch at the end. Default true.</summary>
    public bool RestoreBestWeights { get; init; } = true;

    internal void Validate()
    {
        if (Patience < 0) throw new ArgumentOutOfRangeException(nameof(Patience), $"EarlyStoppingOptions.Patience must be non-negative; got {Patience}.");
        if (!(MinimumDelta >= 0)) throw new ArgumentOutOfRangeException(nameof(MinimumDelta), $"EarlyStoppingOptions.MinimumDelta must be non-negative; got {MinimumDelta}.");
    }
}

/// <summary>
/// The decision logic of early stopping, separate from training so it can be driven by a scripted list of values.
/// An epoch improves when its value beats the best by more than MinimumDelta; training stops at the epoch where
/// the count of epochs without improvement reaches Patience (Keras' rule).
/// </summary>
public sealed class EarlyStoppingTracker
{
    private readonly EarlyStoppingOptions _options;
    private readonly bool _higherIsBetter;
    private int _wait;

    /// <summary>Starts tracking; <paramref name="higherIsBetter"/> for accuracy-like values.</summary>
    public EarlyStoppingTracker(EarlyStoppingOptions options, bool higherIsBetter)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _higherIsBetter = higherIsBetter;
        BestValue = higherIsBetter ? double.NegativeInfinity : double.PositiveInfinity;
    }

    /// <summary>Best value so far.</summary>
    public double BestValue { get; private set; }

    /// <summary>1-based epoch of <see cref="BestValue"/>, 0 before the first epoch.</summary>
    public int BestEpoch { get; private set; }

    /// <summary>True when the last <see cref="Update"/> was an improvement (the caller snapshots the weights then).</summary>
    public bool LastWasImprovement { get; private set; }

    /// <summary>Records the value of 1-based <paramref name="epoch"/>; returns true when training should stop now.</summary>
    public bool Update(int epoch, double value)
    {
        bool improved = _higherIsBetter ? value > BestValue + _options.MinimumDelta : value < BestValue - _options.MinimumDelta;
        if (BestEpoch == 0 && !double.IsNaN(value)) improved = true; // the first finite epoch is always the best so far
        LastWasImprovement = improved;
        if (improved)
        {
            BestValue = value;
            BestEpoch = epoch;
            _wait = 0;
            return false;
        }
        return ++_wait >= Math.Max(1, _options.Patience);
    }
}
