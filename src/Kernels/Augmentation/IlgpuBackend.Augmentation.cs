using MLNet.DeepExtensions.Kernels.Augmentation;

namespace MLNet.DeepExtensions.Kernels.Backends;

// The augmentation operations of the ILGPU backend (kernels loaded once by IlgpuKernelSet); ComputeBackend.Augmentation.cs documents them.
public sealed partial class IlgpuBackend
{
    /// <inheritdoc />
    protected override void RandomFlipCropForwardCore(DeviceBuffer input, DeviceBuffer output, int batch, int channels, int height, int width,
        bool horizontalFlip, int padding, ulong seed) =>
        _kernels.Augmentation.LaunchRandomFlipCropForward(V(input), V(output), batch, channels, height, width, horizontalFlip, padding, seed);

    /// <inheritdoc />
    protected override void RandomFlipCropBackwardCore(DeviceBuffer dOutput, DeviceBuffer dInput, int batch, int channels, int height, int width,
        bool horizontalFlip, int padding, ulong seed) =>
        _kernels.Augmentation.LaunchRandomFlipCropBackward(V(dOutput), V(dInput), batch, channels, height, width, horizontalFlip, padding, seed);

    /// <inheritdoc />
    protected override void AddGaussianNoiseCore(DeviceBuffer input, DeviceBuffer output, int length, float standardDeviation, ulong seed) =>
        _kernels.Augmentation.LaunchAddGaussianNoise(V(input), V(output), length, standardDeviation, seed);
}
