namespace MLNet.DeepExtensions.Networks.Initializers;

/// <summary>Every value equal to <see cref="Value"/> (e.g. 1 for normalization scales).</summary>
public sealed class ConstantInitializer : Initializer
{
    /// <summary>Creates the initializer.</summary>
    public ConstantInitializer(float value) => Value = value;

    /// <summary>The constant.</summary>
    public float Value { get; }

    /// <inheritdoc/>
    public override void Initialize(Span<float> values, int fanIn, int fanOut, Random random) => values.Fill(Value);
}
