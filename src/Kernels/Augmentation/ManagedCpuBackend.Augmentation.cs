using MLNet.DeepExtensions.Kernels.Augmentation;

namespace MLNet.DeepExtensions.Kernels.Backends;

// The augmentation operations of the managed CPU backend; ComputeBackend.Augmentation.cs documents them.
public sealed unsafe partial class ManagedCpuBackend
{
    /// <inheritdoc />
    protected override void RandomFlipCropForwardCore(DeviceBuffer input, DeviceBuffer output, int batch, int channels, int height, int width,
        bool horizontalFlip, int padding, ulong seed) =>
        ManagedAugmentation.RandomFlipCropForward(F(input, batch * channels * height * width), F(output, batch * channels * height * width),
            batch, channels, height, width, horizontalFlip, padding, seed);

    /// <inheritdoc />
    protected override void RandomFlipCropBackwardCore(DeviceBuffer dOutput, DeviceBuffer dInput, int batch, int channels, int height, int width,
        bool horizontalFlip, int padding, ulong seed) =>
        ManagedAugmentation.RandomFlipCropBackward(F(dOutput, batch * channels * height * width), F(dInput, batch * channels * height * width),
            batch, channels, height, width, horizontalFlip, padding, seed);

    /// <inheritdoc />
    protected override void AddGaussianNoiseCore(DeviceBuffer input, DeviceBuffer output, int length, float standardDeviation, ulong seed) =>
        ManagedAugmentation.AddGaussianNoise(F(input, length), F(output, length), standardDeviation, seed);
}
