using MLNet.DeepExtensions.Kernels;

namespace MLNet.DeepExtensions.Networks.Losses;

/// <summary>
/// Softmax cross-entropy on logits with class-index targets (torch.nn.CrossEntropyLoss; Keras
/// SparseCategoricalCrossentropy(from_logits=True)). Optional per-class weights scale each row's loss and the batch
/// mean divides by the row count (Keras' sample-weight rule; PyTorch divides by the summed weights instead).
/// Optional label smoothing ε mixes the one-hot target with the uniform distribution: (1 − ε)·onehot + ε/K.
/// </summary>
public sealed class SoftmaxCrossEntropyLoss : Loss
{
    private readonly float[]? _classWeights;
    private DeviceBuffer? _weights;
    private DeviceBuffer? _probabilities;

    /// <summary>Creates the loss.</summary>
    public SoftmaxCrossEntropyLoss(float[]? classWeights = null, float labelSmoothing = 0f)
    {
        if (!(labelSmoothing >= 0f && labelSmoothing < 1f)) throw new ArgumentOutOfRangeException(nameof(labelSmoothing), $"Label smoothing must be in [0, 1); got {labelSmoothing}.");
        if (classWeights is not null)
        {
            for (int i = 0; i < classWeights.Length; i++)
            {
                if (!(classWeights[i] >= 0f) || !float.IsFinite(classWeights[i]))
                {
                    throw new ArgumentOutOfRangeException(nameof(classWeights), $"classWeights[{i}] must be finite and non-negative; got {classWeights[i]}.");
                }
            }
            _classWeights = (float[])classWeights.Clone();
        }
        LabelSmoothing = labelSmoothing;
    }

    /// <summary>ε of label smoothing.</summary>
    public float LabelSmoothing { get; }

    /// <summary>Per-class weights, or null for all 1.</summary>
    public IReadOnlyList<float>? ClassWeights => _classWeights;

    /// <inheritdoc/>
    public override string Name => "softmax_cross_entropy";

    /// <inheritdoc/>
    public override string MetricName => "accuracy";

    /// <inheritdoc/>
    public override bool HigherMetricIsBetter => true;

    /// <inheritdoc/>
    public override int TargetWidth(int outputWidth) => 1;

    /// <summary>Softmax probabilities of the last <see cref="Loss.Compute"/>.</summary>
    internal DeviceBuffer Probabilities => _probabilities!;

    /// <inheritdoc/>
    protected override void ValidateOutputWidth(int outputWidth)
    {
        if (outputWidth < 2) throw new ArgumentOutOfRangeException(nameof(outputWidth), $"Softmax cross-entropy needs at least 2 outputs (one per class); the model has {outputWidth}.");
        if (_classWeights is not null && _classWeights.Length != outputWidth)
        {
            throw new ArgumentException($"ClassWeights has {_classWeights.Length} entries; the model has {outputWidth} classes.", "classWeights");
        }
    }

    /// <inheritdoc/>
    protected override void AllocateCore(int maxBatchSize)
    {
        _probabilities = Backend.Allocate(maxBatchSize * OutputWidth);
        if (_classWeights is not null)
        {
            _weights = Backend.Allocate(_classWeights.Length);
            Backend.Upload(_classWeights, _weights);
        }
    }

    /// <inheritdoc/>
    protected override void FreeCore()
    {
        _probabilities?.Dispose();
        _weights?.Dispose();
        _probabilities = _weights = null;
    }

    /// <inheritdoc/>
    protected override void ComputeCore(DeviceBuffer predictions, DeviceBuffer targets, int rows, float gradientScale, DeviceBuffer? dPredictions, DeviceBuffer rowLoss) =>
        Backend.SoftmaxCrossEntropy(predictions, targets, _weights, LabelSmoothing, rows, OutputWidth, gradientScale, _probabilities!, dPredictions, rowLoss);

    /// <inheritdoc/>
    public override void ValidateTargets(ReadOnlySpan<float> targets, int outputWidth, string source) =>
        ClassificationMetrics.ValidateClassIndices(targets, outputWidth, source);

    /// <inheritdoc/>
    public override double MetricContribution(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, int rows, int outputWidth) =>
        ClassificationMetrics.CountArgMaxHits(outputs, targets, rows, outputWidth);

    /// <inheritdoc/>
    public override double FinishMetric(double total, long rows, int outputWidth) => rows == 0 ? double.NaN : total / rows;
}
