using MLNet.DeepExtensions.Kernels;
using MLNet.DeepExtensions.Networks.Layers;

namespace MLNet.DeepExtensions.Networks.Tests.Layers.Recurrent;

/// <summary>
/// <see cref="LayerBackendParity"/> for recurrent models: one training forward and backward on two backends, output,
/// dL/dInput (unless the input is token ids) and every parameter gradient compared with
/// |x − oracle| ≤ atol·scale + rtol·|oracle|.
/// </summary>
/// <remarks>
/// The parameters are perturbed from their initial values by U(±0.5)/√fanIn rather than LayerBackendParity's U(±0.5):
/// a recurrent weight (H, H) perturbed by U(±0.5) has a spectral radius near 0.3·√H (≈ 3 at H = 129), which makes a
/// tanh RNN chaotic, and float rounding then grows exponentially over the steps; that would test the dynamics, not
/// the code. Scaled this way the state stays well-conditioned and the biases are still far from zero.
/// </remarks>
internal static class RecurrentParity
{
    private const float AbsoluteTolerance = 2e-5f, RelativeTolerance = 1e-4f;

    /// <summary>Compares <paramref name="candidate"/> with <paramref name="oracle"/>; <paramref name="ids"/> is the input of a model that starts with an embedding.</summary>
    public static void Check(ComputeBackend candidate, ComputeBackend oracle, Func<Layer[]> makeLayers, TensorShape inputShape, int batch, float sumScale,
        double[]? ids = null)
    {
        var expected = Run(oracle, makeLayers(), inputShape, batch, ids);
        var actual = Run(candidate, makeLayers(), inputShape, batch, ids);
        string what = $"{candidate.Kind} vs {oracle.Kind}";
        Close($"{what}: output", expected.Output, actual.Output, sumScale);
        if (ids is null) Close($"{what}: dInput", expected.DInput!, actual.DInput!, sumScale);
        Assert.Equal(expected.Names, actual.Names);
        for (int p = 0; p < expected.Names.Length; p++) Close($"{what}: d{expected.Names[p]}", expected.Gradients[p], actual.Gradients[p], sumScale * batch);
    }

    private sealed record Result(float[] Output, float[]? DInput, string[] Names, float[][] Gradients);

    private static Result Run(ComputeBackend backend, Layer[] layers, TensorShape inputShape, int batch, double[]? ids)
    {
        using var model = new Sequential(layers);
        model.Build(backend, inputShape, seed: 3);
        model.EnsureCapacity(batch);
        var random = new Random(3);
        float[] x = ids?.Select(v => (float)v).ToArray() ?? Enumerable.Range(0, batch * inputShape.Size).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        float[] dy = Enumerable.Range(0, batch * model.OutputShape.Size).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        float[] theta = model.Parameters.Read();
        var trainable = model.Parameters.Parameters.Where(p => p.IsTrainable).ToArray();
        foreach (var p in trainable)
        {
            float amplitude = 1f / MathF.Sqrt(Math.Max(p.FanIn, 1));
            for (int i = 0; i < p.Size; i++) theta[p.Offset + i] += (float)(random.NextDouble() - 0.5) * amplitude;
        }
        model.Parameters.Write(theta);
        using var input = backend.Allocate(x.Length);
        using var dOutput = backend.Allocate(dy.Length);
        backend.Upload(x, input);
        backend.Upload(dy, dOutput);
        var output = new float[dy.Length];
        backend.Download(model.Forward(input, batch, training: true, step: 1), output);
        model.Parameters.ZeroGradients();
        var dInputBuffer = model.Backward(dOutput, batch, computeInputGradient: ids is null);
        float[]? dInput = null;
        if (ids is null)
        {
            dInput = new float[x.Length];
            backend.Download(dInputBuffer!, dInput);
        }
        var gradients = new float[model.Parameters.TrainableCount];
        backend.Download(model.Parameters.Gradients, gradients);
        return new Result(output, dInput, trainable.Select(p => p.Name).ToArray(), trainable.Select(p => gradients.AsSpan(p.Offset, p.Size).ToArray()).ToArray());
    }

    private static void Close(string what, float[] expected, float[] actual, float scale)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            float allowed = AbsoluteTolerance * scale + RelativeTolerance * Math.Abs(expected[i]);
            Assert.True(Math.Abs(actual[i] - expected[i]) <= allowed,
                $"{what}[{i}] of {expected.Length}: expected {expected[i]:G9}, got {actual[i]:G9}, |diff| {Math.Abs(actual[i] - expected[i]):G3} > {allowed:G3}");
        }
    }
}
