namespace MLNet.DeepExtensions.Networks.Initializers;

/// <summary>Writes given values (statistics measured on data, not drawn); draws nothing, so other parameters' draws are unchanged.</summary>
internal sealed class FixedValuesInitializer(float[] values) : Initializer
{
    /// <inheritdoc/>
    public override void Initialize(Span<float> destination, int fanIn, int fanOut, Random random)
    {
        if (destination.Length != values.Length)
        {
            throw new ArgumentException($"FixedValuesInitializer holds {values.Length} values; the parameter has {destination.Length}.", nameof(destination));
        }
        values.CopyTo(destination);
    }
}
