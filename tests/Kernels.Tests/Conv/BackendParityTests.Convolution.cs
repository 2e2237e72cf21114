namespace MLNet.DeepExtensions.Kernels.Tests.Parity;

// Parity of the convolution operations (see BackendParityTests.cs for the backends, tolerances and helpers).
public abstract partial class BackendParityTests
{
    /// <summary>
    /// (batch, Cin, H, W, Cout, kH, kW, stride, pad, dilation): batch 1 and 3, channels 1–3, H ≠ W, 1x1 / 3x3 / 5x3
    /// kernels, stride 1 and 2, padding 0–2, dilation 1 and 2, the pointwise shortcut (1x1, stride 1, no padding) and
    /// a kernel as large as the padded input (a 1x1 output). Tiny, so the ILGPU CPU accelerator stays fast.
    /// </summary>
    public static TheoryData<int, int, int, int, int, int, int, int, int, int> Conv2DCases() => new()
    {
        { 1, 1, 7, 5, 1, 1, 1, 1, 0, 1 },
        { 3, 2, 7, 5, 3, 1, 1, 1, 0, 1 },
        { 3, 2, 7, 5, 3, 1, 1, 2, 1, 1 },
        { 1, 3, 9, 6, 2, 3, 3, 1, 1, 1 },
        { 3, 2, 9, 6, 3, 3, 3, 2, 0, 1 },
        { 3, 3, 7, 5, 2, 3, 3, 1, 2, 2 },
        { 1, 2, 9, 6, 3, 5, 3, 2, 2, 1 },
        { 3, 1, 9, 6, 2, 5, 3, 1, 1, 2 },
        { 3, 2, 7, 5, 2, 5, 3, 2, 2, 2 },
        { 1, 2, 3, 3, 2, 5, 5, 1, 2, 1 },
    };

    [Theory]
    [MemberData(nameof(Conv2DCases), MemberType = typeof(BackendParityTests))]
    public void Conv2D(int batch, int inChannels, int height, int width, int outChannels, int kernelH, int kernelW, int stride, int pad, int dilation)
    {
        // Stride and padding differ between the axes when they can, so a swapped height/width index shows.
        var shape = new Conv2DShape(batch, inChannels, height, width, outChannels, kernelH, kernelW,
            stride, Math.Max(1, stride - 1), pad, Math.Max(0, pad - 1), dilation, 1);
        var rng = new Random(((batch * 7 + inChannels) * 11 + kernelH) * 13 + stride * 3 + pad + dilation * 5);
        Twin input = Upload(RandomArray(rng, shape.InputSize));
        Twin weight = Upload(RandomArray(rng, shape.WeightSize));
        Twin bias = Upload(RandomArray(rng, outChannels));
        Twin output = Upload(RandomArray(rng, shape.OutputSize)); // overwritten: garbage must not leak
        float depth = MathF.Sqrt(shape.PatchSize);
        Candidate.Conv2DForward(input.C, weight.C, bias.C, output.C, shape);
        Oracle.Conv2DForward(input.O, weight.O, bias.O, output.O, shape);
        Compare("Conv2DForward output", output, shape.OutputSize, depth);
        Candidate.Conv2DForward(input.C, weight.C, null, output.C, shape);
        Oracle.Conv2DForward(input.O, weight.O, null, output.O, shape);
        Compare("Conv2DForward output without bias", output, shape.OutputSize, depth);

        Twin dOutput = Upload(RandomArray(rng, shape.OutputSize));
        Twin dInput = Upload(RandomArray(rng, shape.InputSize)); // overwritten
        Candidate.Conv2DBackwardInput(dOutput.C, weight.C, dInput.C, shape);
        Oracle.Conv2DBackwardInput(dOutput.O, weight.O, dInput.O, shape);
        Compare("Conv2DBackwardInput dInput", dInput, shape.InputSize, MathF.Sqrt(outChannels * kernelH * kernelW));

        Twin dWeight = Upload(RandomArray(rng, shape.WeightSize)); // accumulated into
        Twin dBias = Upload(RandomArray(rng, outChannels));
        float positions = MathF.Sqrt(batch * shape.OutputHeight * shape.OutputWidth);
        Candidate.Conv2DBackwardWeight(input.C, dOutput.C, dWeight.C, dBias.C, shape);
        Oracle.Conv2DBackwardWeight(input.O, dOutput.O, dWeight.O, dBias.O, shape);
        Compare("Conv2DBackwardWeight dWeight", dWeight, shape.WeightSize, positions);
        Compare("Conv2DBackwardWeight dBias", dBias, outChannels, positions);
        Candidate.Conv2DBackwardWeight(input.C, dOutput.C, dWeight.C, null, shape);
        Oracle.Conv2DBackwardWeight(input.O, dOutput.O, dWeight.O, null, shape);
        Compare("Conv2DBackwardWeight dWeight, second accumulation without bias", dWeight, shape.WeightSize, positions);
        Compare("Conv2DBackwardWeight dBias untouched", dBias, outChannels, positions);
    }
}
