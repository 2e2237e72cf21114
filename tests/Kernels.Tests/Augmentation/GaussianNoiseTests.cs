using MLNet.DeepExtensions.Kernels.Augmentation;
using MLNet.DeepExtensions.Kernels.Backends;

namespace MLNet.DeepExtensions.Kernels.Tests.Augmentation;

/// <summary>The statistics and seeding of <see cref="ComputeBackend.AddGaussianNoise"/> and its counter-based normals.</summary>
public sealed class GaussianNoiseTests : IDisposable
{
    private const int Length = 200_000;
    private readonly ManagedCpuBackend _backend = new(numberOfThreads: 1);

    public void Dispose() => _backend.Dispose();

    [Theory]
    [InlineData(0.1f)]
    [InlineData(1f)]
    [InlineData(3f)]
    public void NoiseHasMeanZeroAndTheRequestedStandardDeviation(float standardDeviation)
    {
        float[] input = Enumerable.Range(0, Length).Select(i => (i % 13) * 0.25f - 1.5f).ToArray();
        float[] output = AddNoise(input, standardDeviation, seed: 2024);
        double sum = 0, sumSquares = 0;
        for (int i = 0; i < Length; i++)
        {
            double noise = output[i] - (double)input[i];
            sum += noise;
            sumSquares += noise * noise;
        }
        double mean = sum / Length, std = Math.Sqrt(sumSquares / Length - mean * mean);
        // The sample mean has σ/√n ≈ 0.0022σ: allow 5 of those. The sample std has relative error ≈ 1/√(2n) ≈ 0.0016: allow 1%.
        Assert.InRange(mean, -0.011 * standardDeviation, 0.011 * standardDeviation);
        Assert.InRange(std, 0.99 * standardDeviation, 1.01 * standardDeviation);
    }

    [Fact]
    public void StandardNormalsHaveNormalTailsAndUncorrelatedPairs()
    {
        int beyondOne = 0, beyondTwo = 0;
        double product = 0, max = 0;
        for (int i = 0; i < Length; i++)
        {
            double z = CounterNormal.Sample(seed: 77, i);
            if (Math.Abs(z) > 1) beyondOne++;
            if (Math.Abs(z) > 2) beyondTwo++;
            if (i % 2 == 1) product += z * CounterNormal.Sample(seed: 77, i - 1); // the two branches of one Box–Muller pair
            max = Math.Max(max, Math.Abs(z));
        }
        // P(|z| > 1) = 0.3173, P(|z| > 2) = 0.0455 (σ of the fractions ≈ 0.001 and 0.0005).
        Assert.InRange(beyondOne / (double)Length, 0.312, 0.323);
        Assert.InRange(beyondTwo / (double)Length, 0.043, 0.048);
        // The cos and sin branches are independent: their correlation over 100000 pairs is 0 ± 0.0032.
        Assert.InRange(product / (Length / 2), -0.016, 0.016);
        Assert.True(max <= 5.78, $"|z| is bounded by √(2·ln 2^24) ≈ 5.77; got {max}.");
    }

    [Fact]
    public void TheSameSeedGivesTheSameNoiseAndAnotherSeedOtherNoise()
    {
        float[] input = new float[1000];
        float[] first = AddNoise(input, 1f, seed: 5);
        Assert.Equal(first, AddNoise(input, 1f, seed: 5));
        float[] other = AddNoise(input, 1f, seed: 6);
        Assert.True(first.Zip(other).Count(p => p.First == p.Second) == 0, "two seeds must not share noise values");
    }

    [Fact]
    public void ZeroStandardDeviationCopiesTheInput()
    {
        float[] input = Enumerable.Range(0, 33).Select(i => i * 0.5f - 3f).ToArray();
        Assert.Equal(input, AddNoise(input, 0f, seed: 1));
    }

    [Fact]
    public void TheManagedPairLoopMatchesTheOneElementFormulaExactly()
    {
        // The managed backend computes both branches of a pair at once; the ILGPU kernel one element per thread.
        float[] input = new float[257];
        float[] output = AddNoise(input, 1f, seed: 31);
        for (int i = 0; i < input.Length; i++) Assert.Equal(CounterNormal.Sample(31, i), output[i]);
    }

    private float[] AddNoise(float[] input, float standardDeviation, ulong seed)
    {
        using DeviceBuffer x = _backend.Allocate(input.Length), y = _backend.Allocate(input.Length);
        _backend.Upload(input, x);
        _backend.AddGaussianNoise(x, y, input.Length, standardDeviation, seed);
        var result = new float[input.Length];
        _backend.Download(y, result);
        return result;
    }
}
