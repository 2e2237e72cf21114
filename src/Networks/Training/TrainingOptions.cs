using MLNet.DeepExtensions.Networks.Optimizers;
using MLNet.DeepExtensions.Networks.Schedules;

namespace MLNet.DeepExtensions.Networks.Training;

/// <summary>How <see cref="NetworkTrainer"/> runs. Every field states its default and valid range.</summary>
public sealed class TrainingOptions
{
    /// <summary>Passes over the training data; positive. Default 10.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Samples per minibatch; positive (the last batch of an epoch may be smaller). Default 32.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>The update rule. Default: Adam with PyTorch's defaults (lr 1e-3).</summary>
    public Optimizer Optimizer { get; init; } = new AdamOptimizer();

    /// <summary>Per-epoch learning-rate schedule, or null for the optimizer's constant rate. Default null.</summary>
    public LearningRateSchedule? Schedule { get; init; }

    /// <summary>Reshuffle the training samples every epoch. Default true.</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>Seed of shuffling and of the validation split; the same seed on the same backend gives bit-identical runs. Default 0.</summary>
    public int Seed { get; init; }

    /// <summary>
    /// Fraction of the training data held out for validation when no validation set is given; in [0, 1), 0 for none.
    /// Default 0.
    /// </summary>
    public float ValidationFraction { get; init; }

    /// <summary>Early stopping, or null to always run every epoch. Default null.</summary>
    public EarlyStoppingOptions? EarlyStopping { get; init; }

    /// <summary>Rescale the gradient when its global L2 norm exceeds this; positive, or 0 for no clipping. Default 0.</summary>
    public float GradientClipNorm { get; init; }

    /// <summary>Clamp each gradient value to ±this; positive, or 0 for no clipping. Default 0.</summary>
    public float GradientClipValue { get; init; }

    /// <summary>Receives one <see cref="EpochReport"/> per epoch, on the training thread. Default null.</summary>
    public IProgress<EpochReport>? Progress { get; init; }

    /// <summary>Checked between batches; cancellation throws <see cref="OperationCanceledException"/>. Default none.</summary>
    public CancellationToken CancellationToken { get; init; }

    /// <summary>Throws an <see cref="ArgumentOutOfRangeException"/> naming the first invalid option, its valid range and its value.</summary>
    public void Validate()
    {
        if (Epochs <= 0) throw Invalid(nameof(Epochs), "positive", Epochs);
        if (BatchSize <= 0) throw Invalid(nameof(BatchSize), "positive", BatchSize);
        if (Optimizer is null) throw new ArgumentNullException(nameof(Optimizer), "TrainingOptions.Optimizer must be set; got null.");
        if (!(ValidationFraction >= 0f && ValidationFraction < 1f)) throw Invalid(nameof(ValidationFraction), "in [0, 1)", ValidationFraction);
        if (!(GradientClipNorm >= 0f) || float.IsInfinity(GradientClipNorm)) throw Invalid(nameof(GradientClipNorm), "0 (off) or a positive finite value", GradientClipNorm);
        if (!(GradientClipValue >= 0f) || float.IsInfinity(GradientClipValue)) throw Invalid(nameof(GradientClipValue), "0 (off) or a positive finite value", GradientClipValue);
        EarlyStopping?.Validate();
    }

    private static ArgumentOutOfRangeException Invalid(string name, string expected, object value) =>
        new(name, value, $"TrainingOptions.{name} must be {expected}; got {value}.");
}
