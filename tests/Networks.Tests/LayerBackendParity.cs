using MLNet.DeepExtensions.Kernels;
using MLNet.DeepExtensions.Networks.Layers;

namespace MLNet.DeepExtensions.Networks.Tests;

/// <summary>
/// The same layers, built with the same seed, run one training forward and backward on two backends: output, dL/dInput
/// and every parameter gradient must agree with |x − oracle| ≤ atol·scale + rtol·|oracle|. A layer composed of ops
/// that are parity-tested one by one can still pass them the wrong sizes or views; this catches that through the layer.
/// </summary>
internal static class LayerBackendParity
{
    private const float AbsoluteTolerance = 2e-5f;
    private const float RelativeTolerance = 1e-4f;

    /// <summary>
    /// Compares <paramref name="candidate"/> with <paramref name="oracle"/> on <paramref name="makeLayers"/> (called once
    /// per backend). <paramref name="sumScale"/> scales the absolute tolerance for long sums (about √terms).
    /// </summary>
    public static void Check(ComputeBackend candidate, ComputeBackend oracle, Func<Layer[]> makeLayers, TensorShape inputShape, int batch,
        float sumScale = 1f, int seed = 3)
    {
        var expected = Run(oracle, makeLayers(), inputShape, batch, seed);
        var actual = Run(candidate, makeLayers(), inputShape, batch, seed);
        string what = $"{candidate.Kind} vs {oracle.Kind}";
        AssertClose($"{what}: output", expected.Output, actual.Output, sumScale);
        AssertClose($"{what}: dInput", expected.DInput, actual.DInput, sumScale);
        Assert.Equal(expected.GradientNames, actual.GradientNames);
        for (int p = 0; p < expected.GradientNames.Length; p++)
        {
            // A weight gradient sums over the batch and the positions: scale by the batch too.
            AssertClose($"{what}: d{expected.GradientNames[p]}", expected.Gradients[p], actual.Gradients[p], sumScale * batch);
        }
    }

    private sealed record Result(float[] Output, float[] DInput, string[] GradientNames, float[][] Gradients);

    private static Result Run(ComputeBackend backend, Layer[] layers, TensorShape inputShape, int batch, int seed)
    {
        using var model = new Sequential(layers);
        model.Build(backend, inputShape, seed);
        model.EnsureCapacity(batch);
        var random = new Random(seed);
        float[] x = Uniform(random, batch * inputShape.Size);
        float[] dy = Uniform(random, batch * model.OutputShape.Size);
        // Non-zero biases, so a bias added to the wrong place shows; state (running statistics) stays as initialized.
        float[] theta = model.Parameters.Read();
        for (int i = 0; i < model.Parameters.TrainableCount; i++) theta[i] += (float)(random.NextDouble() - 0.5);
        model.Parameters.Write(theta);
        using var input = backend.Allocate(x.Length);
        using var dOutput = backend.Allocate(dy.Length);
        backend.Upload(x, input);
        backend.Upload(dy, dOutput);

        var output = new float[dy.Length];
        backend.Download(model.Forward(input, batch, training: true, step: 1), output);
        model.Parameters.ZeroGradients();
        var dInput = new float[x.Length];
        backend.Download(model.Backward(dOutput, batch, computeInputGradient: true)!, dInput);
        var gradients = new float[model.Parameters.TrainableCount];
        backend.Download(model.Parameters.Gradients, gradients);
        var trainable = model.Parameters.Parameters.Where(p => p.IsTrainable).ToArray();
        return new Result(output, dInput, trainable.Select(p => p.Name).ToArray(),
            trainable.Select(p => gradients.AsSpan(p.Offset, p.Size).ToArray()).ToArray());
    }

    private static void AssertClose(string what, float[] expected, float[] actual, float scale)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            float allowed = AbsoluteTolerance * scale + RelativeTolerance * Math.Abs(expected[i]);
            Assert.True(Math.Abs(actual[i] - expected[i]) <= allowed,
                $"{what}[{i}] of {expected.Length}: expected {expected[i]:G9}, got {actual[i]:G9}, |diff| {Math.Abs(actual[i] - expected[i]):G3} > {allowed:G3}");
        }
    }

    private static float[] Uniform(Random random, int count) =>
        Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
}
