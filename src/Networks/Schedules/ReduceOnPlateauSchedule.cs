namespace MLNet.DeepExtensions.Networks.Schedules;

/// <summary>
/// Multiplies the rate by <see cref="Factor"/> once the monitored value (lower is better) has gone more than
/// <see cref="Patience"/> consecutive epochs without improving by more than <see cref="MinimumDelta"/>, then waits
/// <see cref="Cooldown"/> epochs before counting again (torch ReduceLROnPlateau, mode "min", absolute threshold). Never goes below
/// <see cref="MinimumLearningRate"/>.
/// </summary>
public sealed class ReduceOnPlateauSchedule : LearningRateSchedule
{
    private double _best;
    private int _wait;
    private int _cooldownLeft;
    private double _scale = 1;

    /// <summary>Creates the schedule.</summary>
    public ReduceOnPlateauSchedule(float factor = 0.1f, int patience = 10, double minimumDelta = 1e-4, int cooldown = 0, float minimumLearningRate = 0f)
    {
        if (!(factor > 0f && factor < 1f)) throw new ArgumentOutOfRangeException(nameof(factor), $"factor must be in (0, 1); got {factor}.");
        if (patience < 0) throw new ArgumentOutOfRangeException(nameof(patience), $"patience must be non-negative; got {patience}.");
        if (cooldown < 0) throw new ArgumentOutOfRangeException(nameof(cooldown), $"cooldown must be non-negative; got {cooldown}.");
        if (!(minimumDelta >= 0)) throw new ArgumentOutOfRangeException(nameof(minimumDelta), $"minimumDelta must be non-negative; got {minimumDelta}.");
        Factor = factor;
        Patience = patience;
        MinimumDelta = minimumDelta;
        Cooldown = cooldown;
        MinimumLearningRate = minimumLearningRate;
        Reset();
    }

    /// <summary>Multiplier applied at each reduction.</summary>
    public float Factor { get; }

    /// <summary>Epochs without improvement before a reduction.</summary>
    public int Patience { get; }

    /// <summary>Smallest decrease that counts as an improvement.</summary>
    public double MinimumDelta { get; }

    /// <summary>Epochs to wait after a reduction before counting again.</summary>
    public int Cooldown { get; }

    /// <summary>Floor of the rate.</summary>
    public float MinimumLearningRate { get; }

    /// <summary>Number of reductions so far.</summary>
    public int Reductions { get; private set; }

    /// <inheritdoc/>
    public override float GetLearningRate(int epoch, float baseLearningRate) =>
        Math.Max(MinimumLearningRate, (float)(baseLearningRate * _scale));

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, double monitoredValue)
    {
        if (monitoredValue < _best - MinimumDelta)
        {
            _best = monitoredValue;
            _wait = 0;
            return;
        }
        if (_cooldownLeft > 0)
        {
            _cooldownLeft--;
            return;
        }
        if (++_wait > Patience)
        {
            _scale *= Factor;
            Reductions++;
            _wait = 0;
            _cooldownLeft = Cooldown;
        }
    }

    /// <inheritdoc/>
    public override void Reset()
    {
        _best = double.PositiveInfinity;
        _wait = 0;
        _cooldownLeft = 0;
        _scale = 1;
        Reductions = 0;
    }
}
