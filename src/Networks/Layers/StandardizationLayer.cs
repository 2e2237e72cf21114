using MLNet.DeepExtensions.Kernels;
using MLNet.DeepExtensions.Networks.Initializers;

namespace MLNet.DeepExtensions.Networks.Layers;

/// <summary>
/// Fixed standardization of each input value, y = (x − mean) / standardDeviation, with statistics measured on the
/// training rows beforehand (Keras' Normalization layer after adapt(); scikit-learn's StandardScaler inside the
/// model). Nothing is trained; a standard deviation of 0 (a constant column) counts as 1, so that column becomes 0.
/// </summary>
/// <remarks>
/// Any input shape; the statistics have one value per input value (InputShape.Size): per-channel image statistics
/// are repeated over each channel's pixels. Stored as non-trainable state scale = 1/σ and shift = −μ/σ, so that the
/// forward pass is one fused multiply-add per value and the ONNX export is Mul then Add with the same constants.
/// Placed first, it lets a model take raw columns while it trains on standardized ones.
/// </remarks>
public sealed class StandardizationLayer : Layer
{
    private readonly float[] _scale;
    private readonly float[] _shift;
    private Parameter _scaleState = null!;
    private Parameter _shiftState = null!;
    private DeviceBuffer _output = null!;
    private DeviceBuffer _dInput = null!;

    /// <summary>Creates the layer from per-value statistics (same length; finite; standard deviations ≥ 0).</summary>
    public StandardizationLayer(ReadOnlySpan<float> mean, ReadOnlySpan<float> standardDeviation, string? name = null) : base(name)
    {
        if (mean.Length == 0) throw new ArgumentException("StandardizationLayer needs at least one mean; got none.", nameof(mean));
        if (mean.Length != standardDeviation.Length)
        {
            throw new ArgumentException($"StandardizationLayer needs one standard deviation per mean: {mean.Length} means, {standardDeviation.Length} standard deviations.", nameof(standardDeviation));
        }
        _scale = new float[mean.Length];
        _shift = new float[mean.Length];
        for (int i = 0; i < mean.Length; i++)
        {
            if (!float.IsFinite(mean[i])) throw new ArgumentOutOfRangeException(nameof(mean), $"StandardizationLayer: mean[{i}] is {mean[i]}; statistics must be finite.");
            if (!(standardDeviation[i] >= 0f) || !float.IsFinite(standardDeviation[i]))
            {
                throw new ArgumentOutOfRangeException(nameof(standardDeviation), $"StandardizationLayer: standardDeviation[{i}] is {standardDeviation[i]}; it must be finite and 0 or more.");
            }
            double scale = standardDeviation[i] > 0f ? 1.0 / standardDeviation[i] : 1.0;
            _scale[i] = (float)scale;
            _shift[i] = (float)(-mean[i] * scale);
        }
    }

    /// <inheritdoc/>
    public override string Kind => "standardization";

    /// <summary>Values per sample the statistics cover.</summary>
    public int Size => _scale.Length;

    /// <summary>The multiplier 1/σ of each input value (state, after Build).</summary>
    public Parameter Scale => _scaleState;

    /// <summary>The offset −μ/σ added after scaling (state, after Build).</summary>
    public Parameter Shift => _shiftState;

    /// <inheritdoc/>
    protected override TensorShape BuildCore(TensorShape inputShape, ParameterStore parameters)
    {
        if (inputShape.Size != _scale.Length)
        {
            throw new ArgumentException($"StandardizationLayer '{Name}' holds statistics for {_scale.Length} values per sample; the input {inputShape} has {inputShape.Size}.", nameof(inputShape));
        }
        _scaleState = parameters.AddState($"{Name}.scale", _scale.Length, new FixedValuesInitializer(_scale));
        _shiftState = parameters.AddState($"{Name}.shift", _shift.Length, new FixedValuesInitializer(_shift));
        return inputShape;
    }

    /// <inheritdoc/>
    protected override void AllocateCore(int maxBatchSize)
    {
        _output = Workspace(maxBatchSize * Size);
        _dInput = Workspace(maxBatchSize * Size);
    }

    // y = x·scale + shift
    /// <inheritdoc/>
    public override DeviceBuffer Forward(DeviceBuffer input, int batchSize, in ForwardContext context)
    {
        CheckBatch(batchSize);
        Backend.ScaleShiftColumns(input, _scaleState.Value, _shiftState.Value, _output, batchSize, Size);
        return _output;
    }

    // dx = dy·scale (nothing to train)
    /// <inheritdoc/>
    public override DeviceBuffer? Backward(DeviceBuffer dOutput, int batchSize, bool computeInputGradient)
    {
        CheckBatch(batchSize);
        if (!computeInputGradient) return null;
        Backend.ScaleShiftColumns(dOutput, _scaleState.Value, null, _dInput, batchSize, Size);
        return _dInput;
    }

    /// <inheritdoc/>
    public override string Describe() => $"Standardization({Size})";
}
