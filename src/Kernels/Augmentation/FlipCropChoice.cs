namespace MLNet.DeepExtensions.Kernels.Augmentation;

/// <summary>
/// The random transform <see cref="ComputeBackend.RandomFlipCropForward"/> applies to one sample: a shift by
/// (ShiftY, ShiftX) with zero fill, then a left-right mirror or not. Output (y, x) reads input
/// (y + ShiftY, x' + ShiftX) with x' = width − 1 − x when flipped, else x; a source outside the image reads 0. Drawn
/// from one <see cref="CounterRandom.Hash"/> of (seed, sample), in integer arithmetic only, so every backend (and every
/// ILGPU thread of the sample) makes the same choice bit for bit.
/// </summary>
/// <remarks>
/// The shift with zero fill is torchvision's RandomCrop(size, padding = p) (zero-pad by p, crop the original size at
/// offset (p + ShiftY, p + ShiftX)), and the mirror its RandomHorizontalFlip(0.5) applied after it, the usual
/// CIFAR pipeline. Holds only a bool and two ints, so ILGPU kernels build it in registers.
/// </remarks>
internal readonly struct FlipCropChoice
{
    /// <summary>Stores a choice (tests build specific ones; kernels call <see cref="Draw"/>).</summary>
    public FlipCropChoice(bool flip, int shiftY, int shiftX)
    {
        Flip = flip;
        ShiftY = shiftY;
        ShiftX = shiftX;
    }

    /// <summary>True when the sample is mirrored left to right.</summary>
    public bool Flip { get; }

    /// <summary>Row offset of the crop: the source row is y + ShiftY; in [−padding, padding].</summary>
    public int ShiftY { get; }

    /// <summary>Column offset of the crop (taken before the mirror); in [−padding, padding].</summary>
    public int ShiftX { get; }

    /// <summary>
    /// The choice for <paramref name="sample"/>: the hash's top bit decides the flip (probability 1/2, only when
    /// <paramref name="horizontalFlip"/>), and two disjoint 24-bit fields give the shifts, each uniform over the
    /// 2·padding + 1 values by multiply-shift (bias below (2·padding + 1)/2^24).
    /// </summary>
    public static FlipCropChoice Draw(ulong seed, long sample, bool horizontalFlip, int padding)
    {
        ulong hash = CounterRandom.Hash(seed, sample);
        ulong range = (ulong)(2 * padding + 1);
        int shiftY = (int)((((hash >> 32) & 0xFFFFFFUL) * range) >> 24) - padding;
        int shiftX = (int)(((hash & 0xFFFFFFUL) * range) >> 24) - padding;
        return new FlipCropChoice(horizontalFlip && (hash >> 63) != 0UL, shiftY, shiftX);
    }

    /// <summary>
    /// The choice of the adjoint (the backward pass). The forward map is a partial permutation of positions, so its
    /// adjoint is its inverse: input (sy, sx) goes to output (sy − ShiftY, f(sx − ShiftX)) with f the flip (its own
    /// inverse), i.e. the same form with the row shift negated and the column shift negated only when not flipped.
    /// </summary>
    public FlipCropChoice Inverse() => new(Flip, -ShiftY, Flip ? ShiftX : -ShiftX);

    /// <summary>The source row of destination row <paramref name="y"/> (may fall outside the image).</summary>
    public int SourceRow(int y) => y + ShiftY;

    /// <summary>The source column of destination column <paramref name="x"/> (may fall outside the image).</summary>
    public int SourceColumn(int x, int width) => (Flip ? width - 1 - x : x) + ShiftX;
}
