using MLNet.DeepExtensions.Kernels.Backends;

namespace MLNet.DeepExtensions.Kernels.Tests.Conv;

/// <summary>
/// The managed convolution splits the batch into groups of images that threads claim dynamically, and sums the weight
/// gradient in fixed partials: its results must not depend on the thread count (or on which thread ran which group).
/// One, two and three threads must give bit-identical outputs, input gradients and weight gradients.
/// </summary>
public sealed class ManagedConvolutionDeterminismTests
{
    [Theory]
    [InlineData(33, 2, 23, 22, 3, 1)] // two images per group, 17 groups over 16 partials
    [InlineData(40, 3, 8, 9, 4, 0)]   // valid padding, small images, several per group
    [InlineData(19, 1, 28, 28, 32, 1)] // a first layer: the weight gradient as dot products
    [InlineData(21, 2, 6, 7, 32, 1)]   // the weight gradient as the transposed GEMM
    public void ResultsDoNotDependOnTheThreadCount(int batch, int inChannels, int height, int width, int outChannels, int pad)
    {
        var shape = new Conv2DShape(batch, inChannels, height, width, outChannels, 3, 3, 1, 1, pad, pad);
        var rng = new Random(batch + height);
        float[] input = Random(rng, shape.InputSize), weight = Random(rng, shape.WeightSize), bias = Random(rng, outChannels);
        float[] dOutput = Random(rng, shape.OutputSize);

        float[][] first = Run(1, shape, input, weight, bias, dOutput);
        foreach (int threads in new[] { 2, 3 })
        {
            float[][] other = Run(threads, shape, input, weight, bias, dOutput);
            string[] names = ["output", "dInput", "dWeight", "dBias"];
            for (int r = 0; r < names.Length; r++)
            {
                Assert.True(first[r].AsSpan().SequenceEqual(other[r]), $"{names[r]} with {threads} threads differs from 1 thread ({shape}).");
            }
        }
    }

    private static float[][] Run(int threads, Conv2DShape shape, float[] input, float[] weight, float[] bias, float[] dOutput)
    {
        using var backend = new ManagedCpuBackend(threads);
        using DeviceBuffer x = backend.Allocate(shape.InputSize), w = backend.Allocate(shape.WeightSize), b = backend.Allocate(shape.OutChannels);
        using DeviceBuffer y = backend.Allocate(shape.OutputSize), dy = backend.Allocate(shape.OutputSize), dx = backend.Allocate(shape.InputSize);
        using DeviceBuffer dw = backend.Allocate(shape.WeightSize), db = backend.Allocate(shape.OutChannels);
        backend.Upload(input, x);
        backend.Upload(weight, w);
        backend.Upload(bias, b);
        backend.Upload(dOutput, dy);
        backend.Conv2DForward(x, w, b, y, shape);
        backend.Conv2DBackwardInput(dy, w, dx, shape);
        backend.Conv2DBackwardWeight(x, dy, dw, db, shape);
        return [Download(backend, y, shape.OutputSize), Download(backend, dx, shape.InputSize), Download(backend, dw, shape.WeightSize), Download(backend, db, shape.OutChannels)];
    }

    private static float[] Download(ComputeBackend backend, DeviceBuffer buffer, int length)
    {
        var values = new float[length];
        backend.Download(buffer, values);
        return values;
    }

    private static float[] Random(Random rng, int length) => Enumerable.Range(0, length).Select(_ => rng.NextSingle() * 2f - 1f).ToArray();
}
