using MLNet.DeepExtensions.Kernels;
using MLNet.DeepExtensions.Networks.Losses;

namespace MLNet.DeepExtensions.Networks.Training;

/// <summary>
/// One minibatch step of <see cref="NetworkTrainer"/>, split in two so the trainer can check the loss before any
/// weight changes: <see cref="Forward"/> (gather, zero gradients, forward, fused loss + gradient) and
/// <see cref="BackwardAndUpdate"/> (backward, clipping, optimizer step).
/// </summary>
/// <remarks>
/// Owns the training data on the device for a whole run (shared, not copied, where the backend's memory is host
/// memory) and every per-batch buffer, so a step in steady state allocates nothing on the managed heap; a test holds
/// it to that.
/// </remarks>
internal sealed class TrainingStep : IDisposable
{
    private readonly Sequential _model;
    private readonly Loss _loss;
    private readonly Optimizers.Optimizer _optimizer;
    private readonly float _clipValue;
    private readonly float _clipNorm;
    private readonly int _width;
    private readonly int _targetWidth;
    private readonly DeviceBuffer _features;
    private readonly DeviceBuffer _targets;
    private readonly DeviceBuffer _batchFeatures;
    private readonly DeviceBuffer _batchTargets;
    private readonly DeviceBuffer _dOutput;
    private int _rows;

    /// <summary>Puts <paramref name="train"/> on the model's backend and sizes every workspace for <paramref name="batchSize"/> rows.</summary>
    public TrainingStep(Sequential model, Loss loss, Optimizers.Optimizer optimizer, Dataset train, int batchSize, float clipValue, float clipNorm)
    {
        _model = model;
        _loss = loss;
        _optimizer = optimizer;
        _clipValue = clipValue;
        _clipNorm = clipNorm;
        var backend = model.Backend;
        int outputs = model.OutputShape.Size;
        _width = model.InputShape.Size;
        _targetWidth = loss.TargetWidth(outputs);
        model.EnsureCapacity(batchSize);
        loss.Allocate(backend, batchSize, outputs);
        _features = backend.UploadShared(train.Features);
        _targets = backend.UploadShared(train.Targets);
        _batchFeatures = backend.Allocate(batchSize * _width);
        _batchTargets = backend.Allocate(batchSize * _targetWidth);
        _dOutput = backend.Allocate(batchSize * outputs);
    }

    /// <summary>
    /// Gathers the samples at <paramref name="rows"/> (indices into the training data), zeroes the gradients, runs the
    /// forward pass and the fused loss; returns the batch's mean loss. <paramref name="step"/> keys the dropout masks.
    /// </summary>
    public double Forward(ReadOnlySpan<int> rows, long step)
    {
        var backend = _model.Backend;
        _rows = rows.Length;
        backend.GatherRows(_features, _width, rows, _batchFeatures);
        backend.GatherRows(_targets, _targetWidth, rows, _batchTargets);
        _model.Parameters.ZeroGradients();
        var output = _model.Forward(_batchFeatures, _rows, training: true, step);
        return _loss.Compute(output, _batchTargets, _rows, _dOutput);
    }

    /// <summary>Back-propagates the last <see cref="Forward"/>, clips the gradients and applies one optimizer step.</summary>
    public void BackwardAndUpdate(float learningRate)
    {
        _model.Backward(_dOutput, _rows);
        ClipGradients(_model.Parameters);
        _optimizer.Step(_model.Parameters, learningRate);
    }

    private void ClipGradients(ParameterStore parameters)
    {
        var backend = parameters.Gradients.Backend;
        int n = parameters.TrainableCount;
        if (_clipValue > 0f) backend.Clamp(parameters.Gradients, -_clipValue, _clipValue, n);
        if (_clipNorm > 0f)
        {
            double norm = Math.Sqrt(backend.SquaredNorm(parameters.Gradients, n));
            if (norm > _clipNorm) backend.Scale(parameters.Gradients, (float)(_clipNorm / norm), n);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _features.Dispose();
        _targets.Dispose();
        _batchFeatures.Dispose();
        _batchTargets.Dispose();
        _dOutput.Dispose();
    }
}
