using MLNet.DeepExtensions.Kernels.Pooling;

namespace MLNet.DeepExtensions.Kernels.Tests.Parity;

// Parity of the pooling operations (see BackendParityTests.cs for the backends, tolerances and helpers).
public abstract partial class BackendParityTests
{
    /// <summary>
    /// (batch, channels, height, width, poolH, poolW, strideH, strideW, padH, padW): H ≠ W, non-overlapping and
    /// overlapping windows (stride &lt; pool), a 3x2 window, stride 3, padding, a 1x1 image, and a 1x1 image padded to
    /// 3x3 under a 2x2 window (every window holds the one real element). Small: the ILGPU side runs interpreted.
    /// </summary>
    public static IEnumerable<object[]> Pool2DCases()
    {
        yield return [1, 1, 7, 5, 2, 2, 2, 2, 0, 0];
        yield return [2, 3, 7, 5, 3, 3, 1, 1, 1, 1];
        yield return [2, 3, 9, 6, 3, 2, 2, 1, 1, 1];
        yield return [1, 3, 9, 6, 3, 3, 3, 3, 0, 0];
        yield return [2, 1, 6, 9, 2, 3, 1, 2, 0, 1];
        yield return [2, 1, 1, 1, 1, 1, 1, 1, 0, 0];
        yield return [1, 1, 1, 1, 2, 2, 1, 1, 1, 1];
    }

    [Theory]
    [MemberData(nameof(Pool2DCases), MemberType = typeof(BackendParityTests))]
    public void MaxPool2D(int batch, int channels, int height, int width, int poolH, int poolW, int strideH, int strideW, int padH, int padW)
    {
        var rng = new Random(batch * 1000 + channels * 100 + height * 10 + width);
        int inputLength = batch * channels * height * width;
        int outH = (height + 2 * padH - poolH) / strideH + 1, outW = (width + 2 * padW - poolW) / strideW + 1;
        int outputLength = batch * channels * outH * outW;
        // A coarse grid of values, so ties inside windows are common (the first maximum must win), and all
        // negative in one plane, so padding treated as 0 instead of −∞ would win there.
        float[] data = Enumerable.Range(0, inputLength).Select(_ => rng.Next(5) - 2f).ToArray();
        for (int i = 0; i < height * width; i++) data[i] = -1f - rng.Next(3);
        Twin input = Upload(data);
        Twin output = Upload(Enumerable.Repeat(float.NaN, outputLength).ToArray()); // written, never read
        Twin argMax = Allocate(outputLength);
        Candidate.MaxPool2DForward(input.C, output.C, argMax.C, new Pool2DShape(batch, channels, height, width, poolH, poolW, strideH, strideW, padH, padW));
        Oracle.MaxPool2DForward(input.O, output.O, argMax.O, new Pool2DShape(batch, channels, height, width, poolH, poolW, strideH, strideW, padH, padW));
        CompareExact("MaxPool2DForward", output, outputLength);
        CompareExact("MaxPool2DForward argMax", argMax, outputLength);
        Twin dOutput = Upload(RandomArray(rng, outputLength));
        Twin dInput = Upload(RandomArray(rng, inputLength)); // stale values must be overwritten
        Candidate.MaxPool2DBackward(dOutput.C, argMax.C, dInput.C, new Pool2DShape(batch, channels, height, width, poolH, poolW, strideH, strideW, padH, padW));
        Oracle.MaxPool2DBackward(dOutput.O, argMax.O, dInput.O, new Pool2DShape(batch, channels, height, width, poolH, poolW, strideH, strideW, padH, padW));
        Compare("MaxPool2DBackward", dInput, inputLength);
    }

    [Theory]
    [MemberData(nameof(Pool2DCases), MemberType = typeof(BackendParityTests))]
    public void AvgPool2D(int batch, int channels, int height, int width, int poolH, int poolW, int strideH, int strideW, int padH, int padW)
    {
        var rng = new Random(batch * 1000 + channels * 100 + height * 10 + width + 1);
        int inputLength = batch * channels * height * width;
        int outH = (height + 2 * padH - poolH) / strideH + 1, outW = (width + 2 * padW - poolW) / strideW + 1;
        int outputLength = batch * channels * outH * outW;
        Twin input = Upload(RandomArray(rng, inputLength));
        Twin output = Upload(Enumerable.Repeat(float.NaN, outputLength).ToArray());
        Candidate.AvgPool2DForward(input.C, output.C, new Pool2DShape(batch, channels, height, width, poolH, poolW, strideH, strideW, padH, padW));
        Oracle.AvgPool2DForward(input.O, output.O, new Pool2DShape(batch, channels, height, width, poolH, poolW, strideH, strideW, padH, padW));
        Compare("AvgPool2DForward", output, outputLength);
        Twin dOutput = Upload(RandomArray(rng, outputLength));
        Twin dInput = Upload(RandomArray(rng, inputLength));
        Candidate.AvgPool2DBackward(dOutput.C, dInput.C, new Pool2DShape(batch, channels, height, width, poolH, poolW, strideH, strideW, padH, padW));
        Oracle.AvgPool2DBackward(dOutput.O, dInput.O, new Pool2DShape(batch, channels, height, width, poolH, poolW, strideH, strideW, padH, padW));
        Compare("AvgPool2DBackward", dInput, inputLength);
    }

    [Fact]
    public void AvgPool2DCountsPaddingInTheDivisor()
    {
        // A 1x1 image of value 4 padded to 3x3 under a 2x2 window, stride 1: each of the 4 windows holds the one real
        // element, so count_include_pad = True gives 4/4 = 1 (False would give 4).
        Twin input = Upload([4f]);
        Twin output = Allocate(4);
        Candidate.AvgPool2DForward(input.C, output.C, new Pool2DShape(1, 1, 1, 1, 2, 2, 1, 1, 1, 1));
        Assert.Equal(new[] { 1f, 1f, 1f, 1f }, DownloadCandidate(output, 4));
    }

    [Theory]
    [InlineData(1, 1, 1, 1)]
    [InlineData(2, 3, 7, 5)]
    [InlineData(1, 3, 9, 6)]
    public void GlobalAvgPool(int batch, int channels, int height, int width)
    {
        var rng = new Random(batch * 1000 + channels * 100 + height * 10 + width + 2);
        int inputLength = batch * channels * height * width;
        Twin input = Upload(RandomArray(rng, inputLength));
        Twin output = Upload(Enumerable.Repeat(float.NaN, batch * channels).ToArray());
        Candidate.GlobalAvgPoolForward(input.C, output.C, batch, channels, height, width);
        Oracle.GlobalAvgPoolForward(input.O, output.O, batch, channels, height, width);
        Compare("GlobalAvgPoolForward", output, batch * channels);
        Twin dOutput = Upload(RandomArray(rng, batch * channels));
        Twin dInput = Upload(RandomArray(rng, inputLength));
        Candidate.GlobalAvgPoolBackward(dOutput.C, dInput.C, batch, channels, height, width);
        Oracle.GlobalAvgPoolBackward(dOutput.O, dInput.O, batch, channels, height, width);
        Compare("GlobalAvgPoolBackward", dInput, inputLength);
    }
}
