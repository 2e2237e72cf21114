namespace MLNet.DeepExtensions.Networks.Initializers;

/// <summary>He (Kaiming) normal for ReLU: N(0, 2 / fanIn), not truncated, as torch.nn.init.kaiming_normal_.</summary>
public sealed class HeNormalInitializer : Initializer
{
    /// <inheritdoc/>
    public override void Initialize(Span<float> values, int fanIn, int fanOut, Random random)
    {
        CheckFan(fanIn, nameof(fanIn));
        FillNormal(values, Math.Sqrt(2.0 / fanIn), random);
    }
}
