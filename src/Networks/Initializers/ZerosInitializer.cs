namespace MLNet.DeepExtensions.Networks.Initializers;

/// <summary>All zeros: the default bias initializer (Keras).</summary>
public sealed class ZerosInitializer : Initializer
{
    /// <inheritdoc/>
    public override void Initialize(Span<float> values, int fanIn, int fanOut, Random random) => values.Clear();
}
