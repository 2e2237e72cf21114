using ILGPU;
using ILGPU.Runtime;

namespace MLNet.DeepExtensions.Kernels.Augmentation;

/// <summary>
/// ILGPU augmentation kernels, one thread per output element. Flip/crop forward and backward are both gathers (the
/// backward reads through the inverse choice, <see cref="FlipCropChoice.Inverse"/>), so no thread ever scatters; every
/// thread of a sample redraws the sample's choice from the same hash. The launchers are loaded once per accelerator.
/// </summary>
internal sealed class IlgpuAugmentationKernels
{
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, int, int, int, int, int, ulong> _flipCropForward;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, int, int, int, int, int, ulong> _flipCropBackward;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, float, ulong> _gaussianNoise;

    /// <summary>Compiles and loads every augmentation kernel for <paramref name="accelerator"/>.</summary>
    public IlgpuAugmentationKernels(Accelerator accelerator)
    {
        _flipCropForward = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int, int, int, int, int, ulong>(RandomFlipCropForward);
        _flipCropBackward = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int, int, int, int, int, ulong>(RandomFlipCropBackward);
        _gaussianNoise = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, float, ulong>(AddGaussianNoise);
    }

    // ------------------------------------------------------------------ launchers (arguments already validated)

    // The flip flag travels as an int: a plain 32-bit scalar on every ILGPU backend.
    public void LaunchRandomFlipCropForward(ArrayView<float> input, ArrayView<float> output,
        int batch, int channels, int height, int width, bool horizontalFlip, int padding, ulong seed)
    {
        int length = batch * channels * height * width;
        if (length > 0) _flipCropForward(length, input, output, channels, height, width, horizontalFlip ? 1 : 0, padding, seed);
    }

    public void LaunchRandomFlipCropBackward(ArrayView<float> dOutput, ArrayView<float> dInput,
        int batch, int channels, int height, int width, bool horizontalFlip, int padding, ulong seed)
    {
        int length = batch * channels * height * width;
        if (length > 0) _flipCropBackward(length, dOutput, dInput, channels, height, width, horizontalFlip ? 1 : 0, padding, seed);
    }

    public void LaunchAddGaussianNoise(ArrayView<float> input, ArrayView<float> output, int length, float standardDeviation, ulong seed)
    {
        if (length > 0) _gaussianNoise(length, input, output, standardDeviation, seed);
    }

    // ------------------------------------------------------------------ kernels

    /// <summary>output[i] = input at the source of output position i under its sample's choice, 0 outside.</summary>
    /// <param name="i">Flat output index in [0, N·C·H·W).</param>
    /// <param name="input">Tensor (N, C, H, W).</param>
    /// <param name="output">Tensor (N, C, H, W).</param>
    /// <param name="channels">C.</param>
    /// <param name="height">H.</param>
    /// <param name="width">W.</param>
    /// <param name="horizontalFlip">1 when samples may be flipped, else 0.</param>
    /// <param name="padding">Largest shift p: shifts are uniform in [−p, p].</param>
    /// <param name="seed">Seed of the counter-based generator.</param>
    internal static void RandomFlipCropForward(Index1D i, ArrayView<float> input, ArrayView<float> output,
        int channels, int height, int width, int horizontalFlip, int padding, ulong seed)
    {
        int sample = i / (channels * height * width);
        var choice = FlipCropChoice.Draw(seed, sample, horizontalFlip != 0, padding);
        output[i] = Gather(input, i, choice, height, width);
    }

    /// <summary>dInput[i] = dOutput at the position input i moved to (the inverse choice), 0 if it left the image (overwrite).</summary>
    /// <param name="i">Flat input index in [0, N·C·H·W).</param>
    /// <param name="dOutput">Tensor (N, C, H, W).</param>
    /// <param name="dInput">Tensor (N, C, H, W).</param>
    /// <param name="channels">C.</param>
    /// <param name="height">H.</param>
    /// <param name="width">W.</param>
    /// <param name="horizontalFlip">1 when samples may be flipped, else 0.</param>
    /// <param name="padding">Largest shift p.</param>
    /// <param name="seed">Seed of the counter-based generator (the forward pass's).</param>
    internal static void RandomFlipCropBackward(Index1D i, ArrayView<float> dOutput, ArrayView<float> dInput,
        int channels, int height, int width, int horizontalFlip, int padding, ulong seed)
    {
        int sample = i / (channels * height * width);
        var choice = FlipCropChoice.Draw(seed, sample, horizontalFlip != 0, padding).Inverse();
        dInput[i] = Gather(dOutput, i, choice, height, width);
    }

    /// <summary>output[i] = input[i] + σ·<see cref="CounterNormal.Sample"/>(seed, i) (output may alias input).</summary>
    /// <param name="i">Element index in [0, length).</param>
    /// <param name="input">Vector (length).</param>
    /// <param name="output">Vector (length).</param>
    /// <param name="standardDeviation">σ.</param>
    /// <param name="seed">Seed of the counter-based generator.</param>
    internal static void AddGaussianNoise(Index1D i, ArrayView<float> input, ArrayView<float> output, float standardDeviation, ulong seed) =>
        output[i] = input[i] + standardDeviation * CounterNormal.Sample(seed, i);

    // The value that flat position i (same plane layout in source and destination) reads from source under choice.
    private static float Gather(ArrayView<float> source, int i, FlipCropChoice choice, int height, int width)
    {
        int plane = height * width;
        int r = i % plane;
        int sy = choice.SourceRow(r / width), sx = choice.SourceColumn(r % width, width);
        bool inside = sy >= 0 && sy < height && sx >= 0 && sx < width;
        return inside ? source[i - r + sy * width + sx] : 0f;
    }
}
