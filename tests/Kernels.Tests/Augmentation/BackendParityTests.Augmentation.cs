namespace MLNet.DeepExtensions.Kernels.Tests.Parity;

// The augmentation ops of the contract (kept in their own part of the class so the op family reads as one unit).
public abstract partial class BackendParityTests
{
    /// <summary>
    /// (batch, channels, height, width, horizontalFlip, padding): 1x1 images (padded by 0 and 1), odd widths, H ≠ W
    /// both ways, a padding wider than the image's height, padding 0 (flip only), and crops without flips.
    /// </summary>
    public static TheoryData<int, int, int, int, bool, int> FlipCropCases() => new()
    {
        { 1, 1, 1, 1, true, 0 },
        { 7, 1, 1, 1, true, 1 },
        { 7, 3, 7, 5, true, 1 },
        { 7, 1, 33, 7, false, 4 },
        { 33, 2, 5, 33, true, 4 },
        { 3, 3, 7, 33, true, 0 },
        { 33, 1, 1, 7, true, 4 },
        { 1, 2, 3, 3, false, 3 },
    };

    [Theory]
    [MemberData(nameof(FlipCropCases), MemberType = typeof(BackendParityTests))]
    public void RandomFlipCrop(int batch, int channels, int height, int width, bool horizontalFlip, int padding)
    {
        int length = batch * channels * height * width;
        var rng = new Random(length + padding);
        Twin input = Upload(RandomArray(rng, length));
        Twin output = Upload(Enumerable.Repeat(float.NaN, length).ToArray()); // every element written, zeros included
        Candidate.RandomFlipCropForward(input.C, output.C, batch, channels, height, width, horizontalFlip, padding, seed: 42);
        Oracle.RandomFlipCropForward(input.O, output.O, batch, channels, height, width, horizontalFlip, padding, seed: 42);
        // Pure data movement with the same integer choices on every backend: identical, not merely close.
        CompareExact($"RandomFlipCropForward({batch}x{channels}x{height}x{width}, flip {horizontalFlip}, padding {padding})", output, length);

        Twin dOutput = Upload(RandomArray(rng, length));
        Twin dInput = Upload(Enumerable.Repeat(float.NaN, length).ToArray());
        Candidate.RandomFlipCropBackward(dOutput.C, dInput.C, batch, channels, height, width, horizontalFlip, padding, seed: 42);
        Oracle.RandomFlipCropBackward(dOutput.O, dInput.O, batch, channels, height, width, horizontalFlip, padding, seed: 42);
        CompareExact($"RandomFlipCropBackward({batch}x{channels}x{height}x{width}, flip {horizontalFlip}, padding {padding})", dInput, length);
    }

    [Theory]
    [InlineData(1, 0.5f)]
    [InlineData(7, 1f)]
    [InlineData(33, 0.1f)]
    [InlineData(257, 2f)]
    [InlineData(10007, 0.5f)]
    [InlineData(7, 0f)]
    public void AddGaussianNoise(int length, float standardDeviation)
    {
        var rng = new Random(length);
        Twin x = Upload(RandomArray(rng, length));
        Twin y = Upload(Enumerable.Repeat(float.NaN, length).ToArray());
        Candidate.AddGaussianNoise(x.C, y.C, length, standardDeviation, seed: 7);
        Oracle.AddGaussianNoise(x.O, y.O, length, standardDeviation, seed: 7);
        // The uniforms are identical; only the float rounding of log, sqrt, sin and cos (|z| ≤ 5.77) may differ.
        Compare($"AddGaussianNoise(σ {standardDeviation})", y, length, absoluteScale: 6f * standardDeviation);
        Candidate.AddGaussianNoise(x.C, x.C, length, standardDeviation, seed: 8); // in place
        Oracle.AddGaussianNoise(x.O, x.O, length, standardDeviation, seed: 8);
        Compare($"AddGaussianNoise(σ {standardDeviation}, in place)", x, length, absoluteScale: 6f * standardDeviation);
    }
}
