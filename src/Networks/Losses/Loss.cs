using MLNet.DeepExtensions.Kernels;

namespace MLNet.DeepExtensions.Networks.Losses;

/// <summary>
/// A training objective on the model's raw outputs, averaged over the batch, plus the metric reported next to it
/// (accuracy for classifiers, RMSE for regressors). The gradient comes from the same fused kernel as the value.
/// </summary>
public abstract class Loss : IDisposable
{
    private ComputeBackend? _backend;
    private DeviceBuffer? _rowLoss;
    private int _capacity;

    /// <summary>Name for reports ("softmax_cross_entropy").</summary>
    public abstract string Name { get; }

    /// <summary>Name of the metric reported besides the loss ("accuracy").</summary>
    public abstract string MetricName { get; }

    /// <summary>True when a larger metric is better (accuracy), false when smaller is (RMSE).</summary>
    public abstract bool HigherMetricIsBetter { get; }

    /// <summary>Target values per sample for a model with <paramref name="outputWidth"/> outputs (1 for a class index).</summary>
    public abstract int TargetWidth(int outputWidth);

    /// <summary>The backend after <see cref="Allocate"/>.</summary>
    protected ComputeBackend Backend => _backend ?? throw new InvalidOperationException($"Loss '{Name}' is not allocated: the trainer allocates it for the model.");

    /// <summary>Number of model outputs the loss was allocated for.</summary>
    protected int OutputWidth { get; private set; }

    /// <summary>Per-row losses of the last <see cref="Compute"/> (a workspace).</summary>
    internal DeviceBuffer RowLoss => _rowLoss ?? throw new InvalidOperationException($"Loss '{Name}' is not allocated.");

    /// <summary>Allocates workspaces for batches of up to <paramref name="maxBatchSize"/> rows of <paramref name="outputWidth"/> outputs.</summary>
    public void Allocate(ComputeBackend backend, int maxBatchSize, int outputWidth)
    {
        ArgumentNullException.ThrowIfNull(backend);
        if (outputWidth <= 0) throw new ArgumentOutOfRangeException(nameof(outputWidth), $"outputWidth must be positive; got {outputWidth}.");
        if (_backend == backend && OutputWidth == outputWidth && maxBatchSize <= _capacity) return;
        ValidateOutputWidth(outputWidth);
        FreeWorkspaces();
        _backend = backend;
        OutputWidth = outputWidth;
        _capacity = maxBatchSize;
        _rowLoss = backend.Allocate(maxBatchSize);
        AllocateCore(maxBatchSize);
    }

    /// <summary>Checks that the loss fits a model with this many outputs (e.g. class weights per class).</summary>
    protected virtual void ValidateOutputWidth(int outputWidth)
    {
    }

    /// <summary>Allocates loss-specific workspaces.</summary>
    protected virtual void AllocateCore(int maxBatchSize)
    {
    }

    /// <summary>Frees loss-specific workspaces.</summary>
    protected virtual void FreeCore()
    {
    }

    /// <summary>
    /// The mean loss over <paramref name="rows"/> rows; writes dL/dPredictions of that mean when
    /// <paramref name="dPredictions"/> is given. Synchronizes (the value comes back to the host).
    /// </summary>
    public double Compute(DeviceBuffer predictions, DeviceBuffer targets, int rows, DeviceBuffer? dPredictions)
    {
        if (rows <= 0 || rows > _capacity) throw new ArgumentOutOfRangeException(nameof(rows), $"Loss '{Name}': rows must be in [1, {_capacity}]; got {rows}.");
        ComputeCore(predictions, targets, rows, 1f / rows, dPredictions, RowLoss);
        return Backend.Sum(RowLoss, rows) / (double)rows;
    }

    /// <summary>Calls the backend's fused loss op: per-row losses into <paramref name="rowLoss"/>, gradient scaled by <paramref name="gradientScale"/>.</summary>
    protected abstract void ComputeCore(DeviceBuffer predictions, DeviceBuffer targets, int rows, float gradientScale, DeviceBuffer? dPredictions, DeviceBuffer rowLoss);

    /// <summary>
    /// Checks host targets before training: <paramref name="targets"/> holds rows × TargetWidth values. Throws an
    /// exception naming <paramref name="source"/>, the row and the bad value.
    /// </summary>
    public virtual void ValidateTargets(ReadOnlySpan<float> targets, int outputWidth, string source)
    {
        for (int i = 0; i < targets.Length; i++)
        {
            if (!float.IsFinite(targets[i]))
            {
                int width = TargetWidth(outputWidth);
                throw new ArgumentException($"{source}: target of row {i / width} is {targets[i]}; targets must be finite.", nameof(targets));
            }
        }
    }

    /// <summary>This batch's contribution to the metric: correct predictions, or the sum of squared errors.</summary>
    public abstract double MetricContribution(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, int rows, int outputWidth);

    /// <summary>Turns the summed contributions of <paramref name="rows"/> rows into the metric.</summary>
    public abstract double FinishMetric(double total, long rows, int outputWidth);

    private void FreeWorkspaces()
    {
        _rowLoss?.Dispose();
        _rowLoss = null;
        FreeCore();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        FreeWorkspaces();
        GC.SuppressFinalize(this);
    }
}
