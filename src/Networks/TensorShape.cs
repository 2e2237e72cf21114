namespace MLNet.DeepExtensions.Networks;

/// <summary>
/// The shape of one sample (the batch dimension is not part of it): (features) for dense data, (channels, height,
/// width) for images, (steps, features) for sequences. Elements are stored row-major, last dimension fastest.
/// </summary>
public sealed class TensorShape : IEquatable<TensorShape>
{
    private readonly int[] _dimensions;

    /// <summary>Creates a shape from its dimensions; each must be positive.</summary>
    public TensorShape(params int[] dimensions)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        if (dimensions.Length == 0) throw new ArgumentException("A tensor shape needs at least one dimension; got none.", nameof(dimensions));
        long size = 1;
        for (int i = 0; i < dimensions.Length; i++)
        {
            if (dimensions[i] <= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(dimensions),
                    $"Dimension {i} of shape ({string.Join(", ", dimensions)}) must be positive; got {dimensions[i]}.");
            }
            size *= dimensions[i];
        }
        if (size > int.MaxValue) throw new ArgumentOutOfRangeException(nameof(dimensions), $"Shape ({string.Join(", ", dimensions)}) has {size} elements; at most {int.MaxValue} are supported.");
        _dimensions = (int[])dimensions.Clone();
        Size = (int)size;
    }

    /// <summary>The dimensions, outermost first.</summary>
    public IReadOnlyList<int> Dimensions => _dimensions;

    /// <summary>Number of dimensions.</summary>
    public int Rank => _dimensions.Length;

    /// <summary>Number of elements of one sample.</summary>
    public int Size { get; }

    /// <inheritdoc/>
    public bool Equals(TensorShape? other) => other is not null && _dimensions.AsSpan().SequenceEqual(other._dimensions);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as TensorShape);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (int d in _dimensions) hash.Add(d);
        return hash.ToHashCode();
    }

    /// <summary>"(3, 28, 28)".</summary>
    public override string ToString() => "(" + string.Join(", ", _dimensions) + ")";
}
