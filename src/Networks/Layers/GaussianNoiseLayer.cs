using System.Globalization;
using MLNet.DeepExtensions.Kernels;

namespace MLNet.DeepExtensions.Networks.Layers;

/// <summary>
/// Training-time augmentation and regularizer: adds zero-mean Gaussian noise of standard deviation
/// <see cref="StandardDeviation"/> to every value (<see cref="ComputeBackend.AddGaussianNoise"/>); the identity in
/// inference, returning its input buffer. Any input shape; output the same shape. Equivalent to Keras
/// GaussianNoise(stddev). No parameters.
/// </summary>
/// <remarks>
/// The noise is a pure function of the step's seed (<see cref="ForwardContext.Seed"/>) and the element index, so a
/// seeded run draws the same noise on every backend. Backward is the identity: the noise does not depend on the input.
/// </remarks>
public sealed class GaussianNoiseLayer : Layer
{
    private DeviceBuffer _output = null!;

    /// <summary>Creates the layer; <paramref name="standardDeviation"/> finite and ≥ 0 (0 makes it the identity).</summary>
    public GaussianNoiseLayer(float standardDeviation, string? name = null) : base(name)
    {
        if (!(standardDeviation >= 0f && float.IsFinite(standardDeviation)))
        {
            throw new ArgumentOutOfRangeException(nameof(standardDeviation), standardDeviation,
                string.Create(CultureInfo.InvariantCulture, $"standardDeviation must be finite and >= 0; got {standardDeviation}."));
        }
        StandardDeviation = standardDeviation;
    }

    /// <summary>Standard deviation σ of the added noise.</summary>
    public float StandardDeviation { get; }

    /// <inheritdoc/>
    public override string Kind => "gaussian_noise";

    /// <inheritdoc/>
    protected override TensorShape BuildCore(TensorShape inputShape, ParameterStore parameters) => inputShape;

    /// <inheritdoc/>
    protected override void AllocateCore(int maxBatchSize) => _output = Workspace(maxBatchSize * InputShape.Size);

    /// <inheritdoc/>
    public override DeviceBuffer Forward(DeviceBuffer input, int batchSize, in ForwardContext context)
    {
        CheckBatch(batchSize);
        if (!context.Training || StandardDeviation == 0f) return input;
        Backend.AddGaussianNoise(input, _output, batchSize * InputShape.Size, StandardDeviation, context.Seed);
        return _output;
    }

    // y = x + noise(seed): dx = dy, passed through without a copy.
    /// <inheritdoc/>
    public override DeviceBuffer? Backward(DeviceBuffer dOutput, int batchSize, bool computeInputGradient)
    {
        CheckBatch(batchSize);
        return computeInputGradient ? dOutput : null;
    }

    /// <inheritdoc/>
    public override string Describe() => string.Create(CultureInfo.InvariantCulture, $"GaussianNoise({StandardDeviation})");
}
