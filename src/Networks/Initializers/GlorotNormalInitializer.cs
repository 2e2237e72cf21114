namespace MLNet.DeepExtensions.Networks.Initializers;

/// <summary>Glorot (Xavier) normal: N(0, 2 / (fanIn + fanOut)), not truncated, as torch.nn.init.xavier_normal_.</summary>
public sealed class GlorotNormalInitializer : Initializer
{
    /// <inheritdoc/>
    public override void Initialize(Span<float> values, int fanIn, int fanOut, Random random)
    {
        CheckFan(fanIn + fanOut, "fanIn + fanOut");
        FillNormal(values, Math.Sqrt(2.0 / (fanIn + fanOut)), random);
    }
}
