namespace MLNet.DeepExtensions.Networks.Layers;

/// <summary>
/// Training-time augmentation: shifts each sample by (dy, dx), each uniform in [−padding, padding], filling with zeros
/// (zero-pad by <c>padding</c>, then crop the original height × width at a random offset); the identity in inference.
/// Input (channels, height, width), output the same shape. Equivalent to torchvision RandomCrop(size, padding) and to
/// Keras RandomTranslation(padding/height, padding/width, fill_mode="constant") up to Keras' continuous shifts. Seeded
/// per step (see <see cref="RandomFlipCropLayer"/>). No parameters.
/// </summary>
public sealed class RandomCropLayer : RandomFlipCropLayer
{
    /// <summary>Creates the layer; <paramref name="padding"/> ≥ 0 (4 is the usual choice for 32×32 images; 0 is the identity).</summary>
    public RandomCropLayer(int padding, string? name = null) : base(horizontalFlip: false, padding, name)
    {
    }

    /// <inheritdoc/>
    public override string Kind => "random_crop";

    /// <inheritdoc/>
    public override string Describe() => $"RandomCrop(padding {Padding})";
}
