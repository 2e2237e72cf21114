using MLNet.DeepExtensions.Kernels.Pooling;

namespace MLNet.DeepExtensions.Kernels.Tests.Parity;

/// <summary>
/// Convolution and pooling at sizes that reach the managed backend's batch paths (ManagedConvolution,
/// ManagedPooling): groups of several images per GEMM with a partial last group, more groups than weight-gradient
/// partials, the shifted-plane im2col/col2im of stride-1 "same"-width convolutions (taps whose offset reaches past the
/// whole image included), the per-row stride-1 path, the pointwise shortcut over many images, and poolings large
/// enough to be split across threads. Every backend must agree on them like on the small cases.
/// </summary>
public abstract partial class BackendParityTests
{
    /// <summary>
    /// (batch, Cin, H, W, Cout, kH, kW, strideH, strideW, padH, padW, dilationH, dilationW), all explicit.
    /// </summary>
    public static IEnumerable<object[]> Conv2DBatchCases() =>
    [
        // "Same" 3x3, H·W = 506: two images per group, 17 groups (one partial holds two), the last group one image.
        [33, 2, 23, 22, 3, 3, 3, 1, 1, 1, 1, 1, 1],
        // A tiny image: all 7 images in one group.
        [7, 3, 5, 7, 4, 3, 3, 1, 1, 1, 1, 1, 1],
        // A first layer (Cin 1, 28x28, "same"): one image per group, 18 groups; K = 9, so the weight gradient is
        // dot products (H·W = 784: whole vectors).
        [18, 1, 28, 28, 33, 3, 3, 1, 1, 1, 1, 1, 1],
        // The same on 5x7 images: 9 images in one group, and 35 positions (a vector tail) per dot product.
        [9, 1, 5, 7, 4, 3, 3, 1, 1, 1, 1, 1, 1],
        // K = 18 with 32 filters: the weight gradient as the transposed GEMM (cols · dYᵀ fills 24 x 32 tiles, not 32 x 32).
        [5, 2, 6, 7, 32, 3, 3, 1, 1, 1, 1, 1, 1],
        // A 5x5 kernel over a 2x2 image with "same" width: the outer taps' columns all wrap (offset ±2 = W).
        [5, 2, 2, 2, 3, 5, 5, 1, 1, 3, 2, 1, 1],
        // Dilation 2 with "same" padding 2: shifted copies by ±2 rows and columns.
        [9, 2, 9, 8, 3, 3, 3, 1, 1, 2, 2, 2, 2],
        // Valid 3x3, stride 1: per-row copies (Wout ≠ W).
        [6, 2, 9, 8, 3, 3, 3, 1, 1, 0, 0, 1, 1],
        // Stride 2 down, 1 across, Wout = W: per-row copies, not the shifted plane.
        [6, 2, 9, 8, 3, 3, 3, 2, 1, 1, 1, 1, 1],
        // Pointwise over 17 images: each image is its own patch matrix.
        [17, 3, 4, 5, 2, 1, 1, 1, 1, 0, 0, 1, 1],
    ];

    [Theory]
    [MemberData(nameof(Conv2DBatchCases), MemberType = typeof(BackendParityTests))]
    public void Conv2DBatch(int batch, int inChannels, int height, int width, int outChannels, int kernelH, int kernelW,
        int strideH, int strideW, int padH, int padW, int dilationH, int dilationW)
    {
        var shape = new Conv2DShape(batch, inChannels, height, width, outChannels, kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW);
        var rng = new Random(((batch * 7 + inChannels) * 11 + height) * 13 + width + kernelW * 3 + padW);
        Twin input = Upload(RandomArray(rng, shape.InputSize));
        Twin weight = Upload(RandomArray(rng, shape.WeightSize));
        Twin bias = Upload(RandomArray(rng, outChannels));
        Twin output = Upload(Enumerable.Repeat(float.NaN, shape.OutputSize).ToArray()); // overwritten, never read
        float depth = MathF.Sqrt(shape.PatchSize);
        Candidate.Conv2DForward(input.C, weight.C, bias.C, output.C, shape);
        Oracle.Conv2DForward(input.O, weight.O, bias.O, output.O, shape);
        Compare($"Conv2DForward {shape}", output, shape.OutputSize, depth);
        Candidate.Conv2DForward(input.C, weight.C, null, output.C, shape);
        Oracle.Conv2DForward(input.O, weight.O, null, output.O, shape);
        Compare($"Conv2DForward without bias {shape}", output, shape.OutputSize, depth);

        Twin dOutput = Upload(RandomArray(rng, shape.OutputSize));
        Twin dInput = Upload(Enumerable.Repeat(float.NaN, shape.InputSize).ToArray()); // overwritten, never read
        Candidate.Conv2DBackwardInput(dOutput.C, weight.C, dInput.C, shape);
        Oracle.Conv2DBackwardInput(dOutput.O, weight.O, dInput.O, shape);
        Compare($"Conv2DBackwardInput {shape}", dInput, shape.InputSize, MathF.Sqrt(outChannels * kernelH * kernelW));

        Twin dWeight = Upload(RandomArray(rng, shape.WeightSize)); // accumulated into
        Twin dBias = Upload(RandomArray(rng, outChannels));
        float positions = MathF.Sqrt(batch * shape.OutputHeight * shape.OutputWidth);
        Candidate.Conv2DBackwardWeight(input.C, dOutput.C, dWeight.C, dBias.C, shape);
        Oracle.Conv2DBackwardWeight(input.O, dOutput.O, dWeight.O, dBias.O, shape);
        Compare($"Conv2DBackwardWeight dWeight {shape}", dWeight, shape.WeightSize, positions);
        Compare($"Conv2DBackwardWeight dBias {shape}", dBias, outChannels, positions);
        Candidate.Conv2DBackwardWeight(input.C, dOutput.C, dWeight.C, null, shape);
        Oracle.Conv2DBackwardWeight(input.O, dOutput.O, dWeight.O, null, shape);
        Compare($"Conv2DBackwardWeight dWeight, second accumulation without bias {shape}", dWeight, shape.WeightSize, positions);
        Compare($"Conv2DBackwardWeight dBias untouched {shape}", dBias, outChannels, positions);
    }

    /// <summary>Poolings of 3·33 planes of 28x28 (77k elements, split across threads): 2x2 stride 2, and 3x3 stride 2 padding 1.</summary>
    [Theory]
    [InlineData(2, 2, 0)]
    [InlineData(3, 2, 1)]
    public void Pool2DBatch(int pool, int stride, int pad)
    {
        const int batch = 3, channels = 33, height = 28, width = 27;
        var rng = new Random(pool * 100 + stride * 10 + pad);
        int inputLength = batch * channels * height * width;
        int outH = (height + 2 * pad - pool) / stride + 1, outW = (width + 2 * pad - pool) / stride + 1;
        int outputLength = batch * channels * outH * outW;
        // Coarse values: ties inside windows are common (the first maximum must win).
        Twin input = Upload(Enumerable.Range(0, inputLength).Select(_ => rng.Next(5) - 2f).ToArray());
        Twin output = Upload(Enumerable.Repeat(float.NaN, outputLength).ToArray());
        Twin argMax = Allocate(outputLength);
        Candidate.MaxPool2DForward(input.C, output.C, argMax.C, new Pool2DShape(batch, channels, height, width, pool, pool, stride, stride, pad, pad));
        Oracle.MaxPool2DForward(input.O, output.O, argMax.O, new Pool2DShape(batch, channels, height, width, pool, pool, stride, stride, pad, pad));
        CompareExact("MaxPool2DForward", output, outputLength);
        CompareExact("MaxPool2DForward argMax", argMax, outputLength);
        Twin dOutput = Upload(RandomArray(rng, outputLength));
        Twin dInput = Upload(RandomArray(rng, inputLength));
        Candidate.MaxPool2DBackward(dOutput.C, argMax.C, dInput.C, new Pool2DShape(batch, channels, height, width, pool, pool, stride, stride, pad, pad));
        Oracle.MaxPool2DBackward(dOutput.O, argMax.O, dInput.O, new Pool2DShape(batch, channels, height, width, pool, pool, stride, stride, pad, pad));
        Compare("MaxPool2DBackward", dInput, inputLength);

        Candidate.AvgPool2DForward(input.C, output.C, new Pool2DShape(batch, channels, height, width, pool, pool, stride, stride, pad, pad));
        Oracle.AvgPool2DForward(input.O, output.O, new Pool2DShape(batch, channels, height, width, pool, pool, stride, stride, pad, pad));
        Compare("AvgPool2DForward", output, outputLength);
        Candidate.AvgPool2DBackward(dOutput.C, dInput.C, new Pool2DShape(batch, channels, height, width, pool, pool, stride, stride, pad, pad));
        Oracle.AvgPool2DBackward(dOutput.O, dInput.O, new Pool2DShape(batch, channels, height, width, pool, pool, stride, stride, pad, pad));
        Compare("AvgPool2DBackward", dInput, inputLength);

        Twin pooled = Allocate(batch * channels);
        Candidate.GlobalAvgPoolForward(input.C, pooled.C, batch, channels, height, width);
        Oracle.GlobalAvgPoolForward(input.O, pooled.O, batch, channels, height, width);
        Compare("GlobalAvgPoolForward", pooled, batch * channels, MathF.Sqrt(height * width));
        Candidate.GlobalAvgPoolBackward(pooled.C, dInput.C, batch, channels, height, width);
        Oracle.GlobalAvgPoolBackward(pooled.O, dInput.O, batch, channels, height, width);
        Compare("GlobalAvgPoolBackward", dInput, inputLength);
    }

    /// <summary>A NaN wins its window and stays (PyTorch), in the 2x2 stride-2 path (vector chunks of 16 windows and
    /// the scalar tail) and the general one.</summary>
    [Theory]
    [InlineData(2, 2)]
    [InlineData(3, 1)]
    public void MaxPool2DNaNWinsAndStays(int pool, int stride)
    {
        const int height = 6, width = 40;
        float[] data = Enumerable.Range(0, height * width).Select(i => (float)(i % 7)).ToArray();
        // 2x2: NaN is the 2nd candidate of window 0, the 4th of window 1, the 3rd of window 2.
        // 3x3 stride 1: windows (0, 1) and (0, 2) hold two NaNs each; the first must stay the winner.
        data[1] = float.NaN;
        data[width + 3] = float.NaN;
        data[width + 4] = float.NaN;
        data[2 * width + 35] = float.NaN; // 2x2: window (1, 17), past the first 16 of its row
        Twin input = Upload(data);
        int outH = (height - pool) / stride + 1, outW = (width - pool) / stride + 1;
        Twin output = Allocate(outH * outW);
        Twin argMax = Allocate(outH * outW);
        Candidate.MaxPool2DForward(input.C, output.C, argMax.C, new Pool2DShape(1, 1, height, width, pool, pool, stride, stride, 0, 0));
        Oracle.MaxPool2DForward(input.O, output.O, argMax.O, new Pool2DShape(1, 1, height, width, pool, pool, stride, stride, 0, 0));
        CompareExact("MaxPool2DForward argMax with NaN", argMax, outH * outW);
        float[] expected = new float[outH * outW];
        Oracle.Download(output.O, expected);
        float[] actual = DownloadCandidate(output, outH * outW);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(float.IsNaN(expected[i]) ? float.IsNaN(actual[i]) : expected[i] == actual[i],
                $"MaxPool2DForward with NaN: output {i}: expected {expected[i]}, actual {actual[i]}.");
        }
        Assert.True(float.IsNaN(actual[0]), "the window holding a NaN must output NaN");
    }
}
