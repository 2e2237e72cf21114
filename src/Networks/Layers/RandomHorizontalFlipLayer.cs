namespace MLNet.DeepExtensions.Networks.Layers;

/// <summary>
/// Training-time augmentation: mirrors each sample left to right with probability 1/2; the identity in inference.
/// Input (channels, height, width). Equivalent to Keras RandomFlip("horizontal") and torchvision
/// RandomHorizontalFlip(p = 0.5). Seeded per step (see <see cref="RandomFlipCropLayer"/>). No parameters.
/// </summary>
public sealed class RandomHorizontalFlipLayer : RandomFlipCropLayer
{
    /// <summary>Creates the layer.</summary>
    public RandomHorizontalFlipLayer(string? name = null) : base(horizontalFlip: true, padding: 0, name)
    {
    }

    /// <inheritdoc/>
    public override string Kind => "random_flip";

    /// <inheritdoc/>
    public override string Describe() => "RandomHorizontalFlip";
}
