using MLNet.DeepExtensions.Kernels.Augmentation;

namespace MLNet.DeepExtensions.Kernels.Backends;

// The augmentation operations of the reference backend (double precision, plain loops); ComputeBackend.Augmentation.cs documents them.
public sealed partial class ReferenceBackend
{
    /// <inheritdoc />
    protected override void RandomFlipCropForwardCore(DeviceBuffer input, DeviceBuffer output, int batch, int channels, int height, int width,
        bool horizontalFlip, int padding, ulong seed) =>
        ReferenceAugmentation.RandomFlipCropForward(D(input, batch * channels * height * width), D(output, batch * channels * height * width),
            batch, channels, height, width, horizontalFlip, padding, seed);

    /// <inheritdoc />
    protected override void RandomFlipCropBackwardCore(DeviceBuffer dOutput, DeviceBuffer dInput, int batch, int channels, int height, int width,
        bool horizontalFlip, int padding, ulong seed) =>
        ReferenceAugmentation.RandomFlipCropBackward(D(dOutput, batch * channels * height * width), D(dInput, batch * channels * height * width),
            batch, channels, height, width, horizontalFlip, padding, seed);

    /// <inheritdoc />
    protected override void AddGaussianNoiseCore(DeviceBuffer input, DeviceBuffer output, int length, float standardDeviation, ulong seed) =>
        ReferenceAugmentation.AddGaussianNoise(D(input, length), D(output, length), standardDeviation, seed);
}
