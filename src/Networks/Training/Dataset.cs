namespace MLNet.DeepExtensions.Networks.Training;

/// <summary>
/// Samples in host memory, row-major: <see cref="Features"/> holds Count × FeatureShape.Size values and
/// <see cref="Targets"/> Count × TargetWidth (a class index for classifiers, target values for regressors).
/// The trainer copies it to the device once and assembles minibatches there.
/// </summary>
public sealed class Dataset
{
    /// <summary>Wraps the arrays (not copied); checks that the sizes agree and that every feature is finite.</summary>
    /// <param name="features">Count × FeatureShape.Size values.</param>
    /// <param name="featureShape">Shape of one sample.</param>
    /// <param name="targets">Count × targetWidth values.</param>
    /// <param name="targetWidth">Target values per sample.</param>
    /// <param name="name">Name used in error messages ("training data").</param>
    public Dataset(float[] features, TensorShape featureShape, float[] targets, int targetWidth, string name = "data")
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(featureShape);
        ArgumentNullException.ThrowIfNull(targets);
        if (targetWidth <= 0) throw new ArgumentOutOfRangeException(nameof(targetWidth), $"{name}: targetWidth must be positive; got {targetWidth}.");
        if (features.Length % featureShape.Size != 0)
        {
            throw new ArgumentException($"{name}: {features.Length} feature values are not a whole number of samples of shape {featureShape} ({featureShape.Size} values each).", nameof(features));
        }
        int count = features.Length / featureShape.Size;
        if (targets.Length != (long)count * targetWidth)
        {
            throw new ArgumentException($"{name}: {count} samples need {(long)count * targetWidth} target values ({targetWidth} per sample); got {targets.Length}.", nameof(targets));
        }
        // A finite sum proves every value finite (NaN and ±∞ propagate through a sum), in one SIMD pass;
        // only a non-finite sum (or an overflow) pays for the scalar search that names the value.
        bool checkEach = !float.IsFinite(System.Numerics.Tensors.TensorPrimitives.Sum(features));
        for (int i = 0; checkEach && i < features.Length; i++)
        {
            if (!float.IsFinite(features[i]))
            {
                throw new ArgumentException($"{name}: feature {i % featureShape.Size} of row {i / featureShape.Size} is {features[i]}; features must be finite.", nameof(features));
            }
        }
        Features = features;
        FeatureShape = featureShape;
        Targets = targets;
        TargetWidth = targetWidth;
        Count = count;
        Name = name;
    }

    /// <summary>Features, Count × FeatureShape.Size.</summary>
    public float[] Features { get; }

    /// <summary>Shape of one sample.</summary>
    public TensorShape FeatureShape { get; }

    /// <summary>Targets, Count × TargetWidth.</summary>
    public float[] Targets { get; }

    /// <summary>Target values per sample.</summary>
    public int TargetWidth { get; }

    /// <summary>Number of samples.</summary>
    public int Count { get; }

    /// <summary>Name used in messages.</summary>
    public string Name { get; }

    /// <summary>A new dataset with the samples at <paramref name="rows"/>, in that order.</summary>
    public Dataset Subset(IReadOnlyList<int> rows, string name)
    {
        ArgumentNullException.ThrowIfNull(rows);
        int width = FeatureShape.Size;
        var features = new float[(long)rows.Count * width];
        var targets = new float[(long)rows.Count * TargetWidth];
        for (int i = 0; i < rows.Count; i++)
        {
            int r = rows[i];
            if ((uint)r >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(rows), $"rows[{i}] = {r} is outside [0, {Count}) of {Name}.");
            Array.Copy(Features, (long)r * width, features, (long)i * width, width);
            Array.Copy(Targets, (long)r * TargetWidth, targets, (long)i * TargetWidth, TargetWidth);
        }
        return new Dataset(features, FeatureShape, targets, TargetWidth, name);
    }

    /// <summary>
    /// Splits off a random <paramref name="fraction"/> of the samples (at least one, and leaving at least one) as a
    /// validation set, shuffled with <c>new Random(seed)</c>; returns (train, validation).
    /// </summary>
    public (Dataset Train, Dataset Validation) SplitValidation(float fraction, int seed)
    {
        if (!(fraction > 0f && fraction < 1f)) throw new ArgumentOutOfRangeException(nameof(fraction), $"Validation fraction must be in (0, 1); got {fraction}.");
        if (Count < 2) throw new ArgumentException($"{Name} has {Count} sample(s); a validation split needs at least 2.");
        var order = Enumerable.Range(0, Count).ToArray();
        Shuffle(order, new Random(seed));
        int validationCount = Math.Clamp((int)Math.Round(fraction * Count), 1, Count - 1);
        var validation = order.AsSpan(0, validationCount).ToArray();
        var train = order.AsSpan(validationCount).ToArray();
        Array.Sort(validation);
        Array.Sort(train);
        return (Subset(train, Name), Subset(validation, "validation split of " + Name));
    }

    /// <summary>Fisher-Yates shuffle: for i = n−1..1, swap i with random.Next(i + 1).</summary>
    public static void Shuffle(Span<int> values, Random random)
    {
        for (int i = values.Length - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }
}
