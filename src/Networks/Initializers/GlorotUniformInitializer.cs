namespace MLNet.DeepExtensions.Networks.Initializers;

/// <summary>Glorot (Xavier) uniform: U(±√(6 / (fanIn + fanOut))). Keras' default kernel initializer; torch.nn.init.xavier_uniform_.</summary>
public sealed class GlorotUniformInitializer : Initializer
{
    /// <inheritdoc/>
    public override void Initialize(Span<float> values, int fanIn, int fanOut, Random random)
    {
        CheckFan(fanIn + fanOut, "fanIn + fanOut");
        FillUniform(values, Math.Sqrt(6.0 / (fanIn + fanOut)), random);
    }
}
