namespace MLNet.DeepExtensions.Networks.Initializers;

/// <summary>LeCun normal: N(0, 1 / fanIn), not truncated; the initializer SELU networks expect.</summary>
public sealed class LeCunNormalInitializer : Initializer
{
    /// <inheritdoc/>
    public override void Initialize(Span<float> values, int fanIn, int fanOut, Random random)
    {
        CheckFan(fanIn, nameof(fanIn));
        FillNormal(values, Math.Sqrt(1.0 / fanIn), random);
    }
}
