namespace MLNet.DeepExtensions.Kernels;

// The augmentation operations: public methods that check their arguments, and the Core methods a backend implements.
public abstract partial class ComputeBackend
{
    /// <summary>
    /// Random shift with zero fill and random horizontal flip, per sample: input and output (batch, channels, height,
    /// width). Sample n is shifted by (dy, dx), each uniform in [−padding, padding], then mirrored left to right with
    /// probability 1/2 when <paramref name="horizontalFlip"/>: output[n, c, y, x] = input[n, c, y + dy, x' + dx] with
    /// x' = width − 1 − x when mirrored, else x, and 0 where that falls outside the image. This is torchvision's
    /// RandomCrop(size, padding) (zero-pad, crop back to height × width) followed by RandomHorizontalFlip(0.5). Every
    /// channel of a sample gets the same transform; the choice is a pure function of (seed, n) (one
    /// <see cref="CounterRandom.Hash"/>, see <c>Augmentation/FlipCropChoice</c>), identical on every backend. output
    /// must not overlap input.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A dimension or the padding is invalid, or a buffer is too short.</exception>
    public void RandomFlipCropForward(DeviceBuffer input, DeviceBuffer output, int batch, int channels, int height, int width,
        bool horizontalFlip, int padding, ulong seed)
    {
        int length = CheckFlipCrop(batch, channels, height, width, padding);
        CheckVector(input, length, nameof(input));
        CheckVector(output, length, nameof(output));
        CheckDistinct(input, output, nameof(input), nameof(output));
        RandomFlipCropForwardCore(input, output, batch, channels, height, width, horizontalFlip, padding, seed);
    }

    /// <summary>
    /// Backward (adjoint) of <see cref="RandomFlipCropForward"/> with the same arguments and seed: dInput (overwritten)
    /// holds at each input element the dOutput of the output element that read it, and 0 for elements shifted out of
    /// the image. dInput must not overlap dOutput.
    /// </summary>
    public void RandomFlipCropBackward(DeviceBuffer dOutput, DeviceBuffer dInput, int batch, int channels, int height, int width,
        bool horizontalFlip, int padding, ulong seed)
    {
        int length = CheckFlipCrop(batch, channels, height, width, padding);
        CheckVector(dOutput, length, nameof(dOutput));
        CheckVector(dInput, length, nameof(dInput));
        CheckDistinct(dOutput, dInput, nameof(dOutput), nameof(dInput));
        RandomFlipCropBackwardCore(dOutput, dInput, batch, channels, height, width, horizontalFlip, padding, seed);
    }

    /// <summary>
    /// output[i] = input[i] + standardDeviation · z_i for the first <paramref name="length"/> elements, z_i a standard
    /// normal that is a pure function of (seed, i) (Box–Muller on counter-based uniforms; |z| ≤ 5.77), the same on
    /// every backend up to the last ulp of sin, cos and log. output may alias input. The backward pass is the identity.
    /// </summary>
    public void AddGaussianNoise(DeviceBuffer input, DeviceBuffer output, int length, float standardDeviation, ulong seed)
    {
        CheckVector(input, length, nameof(input));
        CheckVector(output, length, nameof(output));
        if (!(standardDeviation >= 0f && float.IsFinite(standardDeviation)))
        {
            throw Argument(nameof(standardDeviation), "a finite standard deviation >= 0", standardDeviation);
        }
        AddGaussianNoiseCore(input, output, length, standardDeviation, seed);
    }

    // Returns batch·channels·height·width once the dimensions are valid and the tensor fits int indexing.
    private static int CheckFlipCrop(int batch, int channels, int height, int width, int padding)
    {
        CheckCount(batch, nameof(batch));
        CheckCount(channels, nameof(channels));
        CheckPositive(height, nameof(height));
        CheckPositive(width, nameof(width));
        // A shift beyond the image only empties it; the bound also keeps y + dy far from int overflow.
        int largest = Math.Max(height, width);
        if (padding < 0 || padding > largest)
        {
            throw Argument(nameof(padding), $"in [0, max(height, width)] = [0, {largest}]", padding);
        }
        long size = (long)batch * channels * height * width;
        if (size > int.MaxValue) throw Argument(nameof(batch), $"a batch whose tensor has at most {int.MaxValue} elements (this one has {size})", batch);
        return (int)size;
    }

    // ---------------------------------------------------------------- Core methods a backend implements

    /// <summary>See <see cref="RandomFlipCropForward"/>; the arguments are validated.</summary>
    protected abstract void RandomFlipCropForwardCore(DeviceBuffer input, DeviceBuffer output, int batch, int channels, int height, int width, bool horizontalFlip, int padding, ulong seed);
    /// <summary>See <see cref="RandomFlipCropBackward"/>; the arguments are validated.</summary>
    protected abstract void RandomFlipCropBackwardCore(DeviceBuffer dOutput, DeviceBuffer dInput, int batch, int channels, int height, int width, bool horizontalFlip, int padding, ulong seed);
    /// <summary>See <see cref="AddGaussianNoise"/>.</summary>
    protected abstract void AddGaussianNoiseCore(DeviceBuffer input, DeviceBuffer output, int length, float standardDeviation, ulong seed);
}
