using MLNet.DeepExtensions.Networks.Schedules;
using MLNet.DeepExtensions.Networks.Training;

namespace MLNet.DeepExtensions;

/// <summary>
/// The training options every deep trainer shares (<see cref="DeepMlpTrainer.Options"/>, DeepCnnTrainer.Options),
/// so a setting has one name and one meaning whichever network it trains. Each field states its default and valid
/// range; <see cref="Validate"/> checks them all before any data is read.
/// </summary>
public abstract class DeepTrainerOptions
{
    /// <summary>
    /// Label column. Multiclass: a key (use <c>MapValueToKey</c>); binary: Boolean; regression: Single.
    /// Default "Label".
    /// </summary>
    public string LabelColumnName = Defaults.LabelColumnName;

    /// <summary>Feature column: a known-size vector of Single. Default "Features".</summary>
    public string FeatureColumnName = Defaults.FeatureColumnName;

    /// <summary>Activation after each hidden layer. Default ReLU.</summary>
    public ActivationKind Activation = Defaults.Activation;

    /// <summary>Inverted dropout rate of the network's dropout layers; in [0, 1), 0 for none. Default 0.</summary>
    public float DropoutRate;

    /// <summary>Passes over the training data; positive. Default 20.</summary>
    public int Epochs = Defaults.Epochs;

    /// <summary>Rows per minibatch; positive. Default 32.</summary>
    public int BatchSize = Defaults.BatchSize;

    /// <summary>
    /// Base learning rate; positive and finite, or null for the optimizer's usual one (<see cref="Defaults.LearningRateOf"/>:
    /// 1.0 for Adadelta, as PyTorch and the paper; 0.001 for the others). Default null.
    /// </summary>
    public float? LearningRate;

    /// <summary>Update rule (PyTorch's formulas and defaults for its other hyperparameters). Default Adam.</summary>
    public OptimizerKind Optimizer = Defaults.Optimizer;

    /// <summary>Per-epoch learning-rate schedule (step, exponential, cosine, warm-up, plateau), or null for a constant rate. Default null.</summary>
    public LearningRateSchedule? LearningRateSchedule;

    /// <summary>L1 penalty on the weights (not biases); 0 or more. Default 0.</summary>
    public float L1Regularization;

    /// <summary>L2 penalty on the weights (not biases), added to the gradient as λ·w; 0 or more. Default 0.</summary>
    public float L2Regularization;

    /// <summary>
    /// Decoupled weight decay w ← w·(1 − lr·decay) on the weights; 0 or more, or null for the optimizer's usual one
    /// (<see cref="Defaults.WeightDecayOf"/>: 0.01 for AdamW, as PyTorch; 0 for the others). Default null.
    /// </summary>
    public float? WeightDecay;

    /// <summary>Rescale gradients whose global L2 norm exceeds this; positive, or 0 for none. Default 0.</summary>
    public float GradientClipNorm;

    /// <summary>Fraction of the training rows held out for validation when Fit gets no validation set; in [0, 1). Default 0.</summary>
    public float ValidationFraction;

    /// <summary>
    /// Stop after this many epochs without improvement of the validation loss and restore the best weights;
    /// 0 for no early stopping. Needs validation data (a validation set or ValidationFraction &gt; 0). Default 0.
    /// </summary>
    public int EarlyStoppingPatience;

    /// <summary>Multiclass only: one non-negative weight per class, in the label key's order; null for equal weights. Default null.</summary>
    public float[]? ClassWeights;

    /// <summary>
    /// Multiclass only: label smoothing ε in [0, 1). The target puts 1 − ε on the true class and spreads ε evenly over
    /// all classes (Keras' and PyTorch's convention), so the network stops pushing its logits apart once it is sure;
    /// the reported loss is the smoothed one. Default 0 (0.1 is usual).
    /// </summary>
    public float LabelSmoothing;

    /// <summary>
    /// Scaling of the input columns, learned from the training rows and folded into the network as its first layer
    /// (so the saved model and the ONNX export take the raw columns): Standardize ((x − mean) / σ per column; x / σ per
    /// channel for images), None, or Auto: standardize unless every training value already lies in [−1, 1]. Default Auto.
    /// </summary>
    public FeatureNormalization NormalizeFeatures = Defaults.NormalizeFeatures;

    /// <summary>Seed of weight initialization, shuffling, dropout, augmentation and the validation split; the same seed on the same device gives the same model. Default 0.</summary>
    public int Seed;

    /// <summary>Where to train: Auto (a GPU when ILGPU finds one, else the CPU), Cpu, or Gpu (an error without a GPU). Default Auto.</summary>
    public ComputeDevice Device = Defaults.Device;

    /// <summary>Threads of the CPU backend; 0 for one per core. Default 0.</summary>
    public int NumberOfThreads;

    /// <summary>Receives one report per epoch (also written to the MLContext's log). Default null.</summary>
    public IProgress<EpochReport>? Progress;

    /// <summary>Checked between minibatches; cancellation throws <see cref="OperationCanceledException"/>. Default none.</summary>
    public CancellationToken CancellationToken;

    /// <summary>The options' name in messages: "DeepMlpTrainer.Options".</summary>
    private protected abstract string OptionsName { get; }

    /// <summary>Throws an exception naming the first invalid option, its valid range and its value.</summary>
    public virtual void Validate()
    {
        if (string.IsNullOrWhiteSpace(LabelColumnName)) throw Invalid(nameof(LabelColumnName), "a column name", $"'{LabelColumnName}'");
        if (string.IsNullOrWhiteSpace(FeatureColumnName)) throw Invalid(nameof(FeatureColumnName), "a column name", $"'{FeatureColumnName}'");
        if (!Enum.IsDefined(Activation)) throw Invalid(nameof(Activation), "a defined ActivationKind", Activation);
        if (!(DropoutRate >= 0f && DropoutRate < 1f)) throw Invalid(nameof(DropoutRate), "in [0, 1)", DropoutRate);
        if (Epochs <= 0) throw Invalid(nameof(Epochs), "positive", Epochs);
        if (BatchSize <= 0) throw Invalid(nameof(BatchSize), "positive", BatchSize);
        if (LearningRate is { } rate && (!(rate > 0f) || !float.IsFinite(rate))) throw Invalid(nameof(LearningRate), "null (the optimizer's default) or positive and finite", rate);
        if (!Enum.IsDefined(Optimizer)) throw Invalid(nameof(Optimizer), "a defined OptimizerKind", Optimizer);
        if (!(L1Regularization >= 0f) || !float.IsFinite(L1Regularization)) throw Invalid(nameof(L1Regularization), "0 or more", L1Regularization);
        if (!(L2Regularization >= 0f) || !float.IsFinite(L2Regularization)) throw Invalid(nameof(L2Regularization), "0 or more", L2Regularization);
        if (WeightDecay is { } decay && (!(decay >= 0f) || !float.IsFinite(decay))) throw Invalid(nameof(WeightDecay), "null (the optimizer's default) or 0 or more", decay);
        if (!(GradientClipNorm >= 0f) || !float.IsFinite(GradientClipNorm)) throw Invalid(nameof(GradientClipNorm), "0 (off) or positive", GradientClipNorm);
        if (!(ValidationFraction >= 0f && ValidationFraction < 1f)) throw Invalid(nameof(ValidationFraction), "in [0, 1)", ValidationFraction);
        if (EarlyStoppingPatience < 0) throw Invalid(nameof(EarlyStoppingPatience), "0 (off) or positive", EarlyStoppingPatience);
        if (ClassWeights is not null)
        {
            for (int i = 0; i < ClassWeights.Length; i++)
            {
                if (!(ClassWeights[i] >= 0f) || !float.IsFinite(ClassWeights[i])) throw Invalid(nameof(ClassWeights), "finite, non-negative weights", $"ClassWeights[{i}] = {ClassWeights[i]}");
            }
        }
        if (!(LabelSmoothing >= 0f && LabelSmoothing < 1f)) throw Invalid(nameof(LabelSmoothing), "in [0, 1)", LabelSmoothing);
        if (!Enum.IsDefined(NormalizeFeatures)) throw Invalid(nameof(NormalizeFeatures), "Auto, Standardize or None", NormalizeFeatures);
        if (!Enum.IsDefined(Device)) throw Invalid(nameof(Device), "Auto, Cpu or Gpu", Device);
        if (NumberOfThreads < 0) throw Invalid(nameof(NumberOfThreads), "0 (one per core) or positive", NumberOfThreads);
    }

    /// <summary>The exception for option <paramref name="name"/>: "DeepMlpTrainer.Options.Epochs must be positive; got 0."</summary>
    private protected ArgumentOutOfRangeException Invalid(string name, string expected, object? value) =>
        new(name, $"{OptionsName}.{name} must be {expected}; got {value}.");

    /// <summary>The default of every shared option, in one place (the simple catalog overloads use them too).</summary>
    public static class Defaults
    {
        /// <summary>"Label".</summary>
        public const string LabelColumnName = "Label";
        /// <summary>"Features".</summary>
        public const string FeatureColumnName = "Features";
        /// <summary>20.</summary>
        public const int Epochs = 20;
        /// <summary>32.</summary>
        public const int BatchSize = 32;
        /// <summary>0.001: the learning rate of every optimizer but Adadelta.</summary>
        public const float LearningRate = 1e-3f;
        /// <summary>Auto.</summary>
        public const FeatureNormalization NormalizeFeatures = FeatureNormalization.Auto;

        /// <summary>The learning rate when <see cref="DeepTrainerOptions.LearningRate"/> is null: 1.0 for Adadelta (PyTorch, Zeiler 2012), 0.001 otherwise.</summary>
        public static float LearningRateOf(OptimizerKind optimizer) => optimizer == OptimizerKind.Adadelta ? 1f : LearningRate;

        /// <summary>The weight decay when <see cref="DeepTrainerOptions.WeightDecay"/> is null: 0.01 for AdamW (PyTorch's default), 0 otherwise.</summary>
        public static float WeightDecayOf(OptimizerKind optimizer) => optimizer == OptimizerKind.AdamW ? 0.01f : 0f;
        /// <summary>ReLU.</summary>
        public const ActivationKind Activation = ActivationKind.Relu;
        /// <summary>Adam.</summary>
        public const OptimizerKind Optimizer = OptimizerKind.Adam;
        /// <summary>Auto.</summary>
        public const ComputeDevice Device = ComputeDevice.Auto;
    }
}
