namespace MLNet.DeepExtensions.Networks.Initializers;

/// <summary>He (Kaiming) uniform for ReLU: U(±√(6 / fanIn)). Keras HeUniform; torch.nn.init.kaiming_uniform_(a=0).</summary>
public sealed class HeUniformInitializer : Initializer
{
    /// <inheritdoc/>
    public override void Initialize(Span<float> values, int fanIn, int fanOut, Random random)
    {
        CheckFan(fanIn, nameof(fanIn));
        FillUniform(values, Math.Sqrt(6.0 / fanIn), random);
    }
}
