using MLNet.DeepExtensions.Kernels.Augmentation;
using MLNet.DeepExtensions.Kernels.Backends;

namespace MLNet.DeepExtensions.Kernels.Tests.Augmentation;

/// <summary>
/// What <see cref="ComputeBackend.RandomFlipCropForward"/> computes, beyond backend parity: the torchvision definition
/// (zero-pad, crop, mirror) built independently here, the distribution of the per-sample choices, seeding, and the
/// adjoint identity ⟨A·x, y⟩ = ⟨x, Aᵀ·y⟩ for the backward pass.
/// </summary>
public sealed class RandomFlipCropTests : IDisposable
{
    private readonly ManagedCpuBackend _backend = new(numberOfThreads: 1);

    public void Dispose() => _backend.Dispose();

    [Theory]
    [InlineData(2, 7, 5, true, 1)]
    [InlineData(3, 4, 9, true, 4)]
    [InlineData(1, 1, 7, false, 4)]
    [InlineData(2, 5, 5, true, 0)]
    public void EachSampleIsAZeroPaddedCropThenAMirror(int channels, int height, int width, bool horizontalFlip, int padding)
    {
        const int batch = 40;
        const ulong seed = 99;
        float[] input = Values(batch * channels * height * width);
        float[] output = Forward(input, batch, channels, height, width, horizontalFlip, padding, seed);
        int sampleSize = channels * height * width;
        for (int n = 0; n < batch; n++)
        {
            var choice = FlipCropChoice.Draw(seed, n, horizontalFlip, padding);
            for (int c = 0; c < channels; c++)
            {
                // torchvision: pad the plane with `padding` zeros on every side, crop height × width at (p + dy, p + dx), then mirror.
                int paddedHeight = height + 2 * padding, paddedWidth = width + 2 * padding;
                var padded = new float[paddedHeight * paddedWidth];
                for (int y = 0; y < height; y++)
                {
                    for (int x = 0; x < width; x++) padded[(y + padding) * paddedWidth + x + padding] = input[n * sampleSize + (c * height + y) * width + x];
                }
                var crop = new float[height * width];
                for (int y = 0; y < height; y++)
                {
                    for (int x = 0; x < width; x++) crop[y * width + x] = padded[(y + padding + choice.ShiftY) * paddedWidth + x + padding + choice.ShiftX];
                }
                for (int y = 0; y < height; y++)
                {
                    for (int x = 0; x < width; x++)
                    {
                        float expected = crop[y * width + (choice.Flip ? width - 1 - x : x)];
                        float actual = output[n * sampleSize + (c * height + y) * width + x];
                        Assert.True(expected == actual, $"sample {n} ({choice.Flip}, {choice.ShiftY}, {choice.ShiftX}) channel {c} at ({y}, {x}): expected {expected}, got {actual}.");
                    }
                }
            }
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4)]
    public void FlipsHalfTheSamplesAndShiftsUniformlyOverMinusPToP(int padding)
    {
        const int samples = 20_000;
        int flips = 0;
        var rowShifts = new int[2 * padding + 1];
        var columnShifts = new int[2 * padding + 1];
        for (int n = 0; n < samples; n++)
        {
            var choice = FlipCropChoice.Draw(seed: 5, n, horizontalFlip: true, padding);
            Assert.InRange(choice.ShiftY, -padding, padding);
            Assert.InRange(choice.ShiftX, -padding, padding);
            if (choice.Flip) flips++;
            rowShifts[choice.ShiftY + padding]++;
            columnShifts[choice.ShiftX + padding]++;
        }
        // Binomial(20000, 1/2): σ = 0.0035 of the fraction, so ±0.02 is about 5.7σ.
        Assert.InRange(flips / (double)samples, 0.48, 0.52);
        double expected = samples / (2.0 * padding + 1);
        for (int d = 0; d < rowShifts.Length; d++)
        {
            // Each count is Binomial(20000, 1/(2p+1)); ±10% of the mean is at least 4.7σ for p ≤ 4.
            Assert.InRange(rowShifts[d], 0.9 * expected, 1.1 * expected);
            Assert.InRange(columnShifts[d], 0.9 * expected, 1.1 * expected);
        }
    }

    [Fact]
    public void RowShiftColumnShiftAndFlipAreIndependent()
    {
        // Every (flip, dy, dx) combination appears about equally often: the three fields of the hash do not correlate.
        const int samples = 45_000, padding = 1;
        var counts = new int[2, 3, 3];
        for (int n = 0; n < samples; n++)
        {
            var choice = FlipCropChoice.Draw(seed: 11, n, horizontalFlip: true, padding);
            counts[choice.Flip ? 1 : 0, choice.ShiftY + padding, choice.ShiftX + padding]++;
        }
        double expected = samples / 18.0; // 2500 each; σ ≈ 49, so ±10% is about 5σ
        foreach (int count in counts) Assert.InRange(count, 0.9 * expected, 1.1 * expected);
    }

    [Fact]
    public void WithoutHorizontalFlipNoSampleIsFlippedAndPaddingZeroNeverShifts()
    {
        for (int n = 0; n < 1000; n++)
        {
            Assert.False(FlipCropChoice.Draw(seed: 3, n, horizontalFlip: false, padding: 4).Flip);
            var still = FlipCropChoice.Draw(seed: 3, n, horizontalFlip: true, padding: 0);
            Assert.Equal((0, 0), (still.ShiftY, still.ShiftX));
        }
        // No flip and no padding: a copy.
        float[] input = Values(3 * 2 * 5 * 4);
        Assert.Equal(input, Forward(input, 3, 2, 5, 4, horizontalFlip: false, padding: 0, seed: 1));
    }

    [Fact]
    public void TheSameSeedGivesTheSameOutputAndAnotherSeedAnotherOne()
    {
        float[] input = Values(16 * 3 * 8 * 8);
        float[] first = Forward(input, 16, 3, 8, 8, true, 2, seed: 1234);
        float[] again = Forward(input, 16, 3, 8, 8, true, 2, seed: 1234);
        float[] other = Forward(input, 16, 3, 8, 8, true, 2, seed: 1235);
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void AllChannelsOfASampleMoveTogether()
    {
        // Channel c holds channel 0's values plus 1000·c, so any per-channel difference in the transform shows.
        const int batch = 20, channels = 3, height = 6, width = 5;
        float[] input = new float[batch * channels * height * width];
        for (int n = 0; n < batch; n++)
        {
            for (int c = 0; c < channels; c++)
            {
                for (int i = 0; i < height * width; i++) input[((n * channels) + c) * height * width + i] = n * 100 + i + 1 + 1000 * c;
            }
        }
        float[] output = Forward(input, batch, channels, height, width, true, 2, seed: 8);
        for (int n = 0; n < batch; n++)
        {
            for (int i = 0; i < height * width; i++)
            {
                float first = output[n * channels * height * width + i];
                for (int c = 1; c < channels; c++)
                {
                    float value = output[((n * channels) + c) * height * width + i];
                    Assert.Equal(first == 0f ? 0f : first + 1000 * c, value);
                }
            }
        }
    }

    [Theory]
    [InlineData(5, 2, 7, 5, true, 1)]
    [InlineData(9, 1, 3, 9, true, 4)]
    [InlineData(4, 2, 6, 6, false, 2)]
    public void BackwardIsTheAdjointOfForward(int batch, int channels, int height, int width, bool horizontalFlip, int padding)
    {
        // ⟨A·x, y⟩ = ⟨x, Aᵀ·y⟩ for random x and y, in double on the reference backend (exact up to summation rounding).
        using var reference = new ReferenceBackend();
        int length = batch * channels * height * width;
        var random = new Random(length);
        double[] x = Enumerable.Range(0, length).Select(_ => random.NextDouble() - 0.5).ToArray();
        double[] y = Enumerable.Range(0, length).Select(_ => random.NextDouble() - 0.5).ToArray();
        using DeviceBuffer xBuffer = reference.Allocate(length), yBuffer = reference.Allocate(length);
        using DeviceBuffer ax = reference.Allocate(length), aty = reference.Allocate(length);
        reference.UploadDouble(x, xBuffer);
        reference.UploadDouble(y, yBuffer);
        reference.RandomFlipCropForward(xBuffer, ax, batch, channels, height, width, horizontalFlip, padding, seed: 21);
        reference.RandomFlipCropBackward(yBuffer, aty, batch, channels, height, width, horizontalFlip, padding, seed: 21);
        var axValues = new double[length];
        var atyValues = new double[length];
        reference.DownloadDouble(ax, axValues);
        reference.DownloadDouble(aty, atyValues);
        double left = 0, right = 0;
        for (int i = 0; i < length; i++)
        {
            left += axValues[i] * y[i];
            right += x[i] * atyValues[i];
        }
        Assert.True(Math.Abs(left - right) <= 1e-12 * length, $"⟨Ax, y⟩ = {left:R}, ⟨x, Aᵀy⟩ = {right:R}");
        Assert.True(Math.Abs(left) > 1e-3, "the check must not compare two zeros");
    }

    [Fact]
    public void InverseUndoesTheMoveForPositionsThatStayInside()
    {
        for (int n = 0; n < 200; n++)
        {
            var choice = FlipCropChoice.Draw(seed: 17, n, horizontalFlip: true, padding: 3);
            var inverse = choice.Inverse();
            const int width = 7;
            for (int x = 0; x < width; x++)
            {
                int source = choice.SourceColumn(x, width);
                if (source >= 0 && source < width) Assert.Equal(x, inverse.SourceColumn(source, width));
            }
            Assert.Equal(5, inverse.SourceRow(choice.SourceRow(5)));
        }
    }

    private float[] Forward(float[] input, int batch, int channels, int height, int width, bool horizontalFlip, int padding, ulong seed)
    {
        using DeviceBuffer x = _backend.Allocate(input.Length), y = _backend.Allocate(input.Length);
        _backend.Upload(input, x);
        _backend.RandomFlipCropForward(x, y, batch, channels, height, width, horizontalFlip, padding, seed);
        var result = new float[input.Length];
        _backend.Download(y, result);
        return result;
    }

    // 1, 2, 3, ...: every position distinct and non-zero, so a zero in the output is always fill.
    private static float[] Values(int length) => Enumerable.Range(1, length).Select(i => (float)i).ToArray();
}
