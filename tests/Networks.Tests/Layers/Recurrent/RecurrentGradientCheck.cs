using MLNet.DeepExtensions.Kernels;
using MLNet.DeepExtensions.Networks.Layers;

namespace MLNet.DeepExtensions.Networks.Tests.Layers.Recurrent;

/// <summary>
/// <see cref="GradientCheck.CheckModel"/> for models that may start with an <see cref="EmbeddingLayer"/>: the input is
/// given (token ids) and only the parameters are perturbed, since ids have no gradient. Same objective (L = Σ r·y, a
/// random projection r), the same central differences in double on the <see cref="ReferenceBackend"/> and the same
/// tolerances.
/// </summary>
internal static class RecurrentGradientCheck
{
    private const double Step = 1e-5;
    private const double RelativeTolerance = 1e-6;
    private const double AbsoluteTolerance = 1e-9;

    /// <summary>Checks every trainable parameter's gradient of <paramref name="layers"/> run on <paramref name="input"/>.</summary>
    public static void CheckParameters(Layer[] layers, TensorShape inputShape, int batch, double[] input, int seed = 7)
    {
        using var backend = new ReferenceBackend();
        using var model = new Sequential(layers);
        model.Build(backend, inputShape, seed);
        model.EnsureCapacity(batch);
        var random = new Random(seed);
        var store = model.Parameters;
        var theta = new double[store.TrainableCount];
        backend.DownloadDouble(store.Values, theta);
        for (int i = 0; i < theta.Length; i++) theta[i] += (random.NextDouble() - 0.5) * 0.5;
        var projection = new double[batch * model.OutputShape.Size];
        for (int i = 0; i < projection.Length; i++) projection[i] = random.NextDouble() * 2 - 1;

        using var x = backend.Allocate(input.Length);
        using var dOutput = backend.Allocate(projection.Length);
        backend.UploadDouble(input, x);
        var output = new double[projection.Length];

        double Objective()
        {
            backend.UploadDouble(theta, store.Values);
            backend.DownloadDouble(model.Forward(x, batch, training: true, step: 3), output);
            double sum = 0;
            for (int i = 0; i < output.Length; i++) sum += projection[i] * output[i];
            return sum;
        }

        Objective();
        store.ZeroGradients();
        backend.UploadDouble(projection, dOutput);
        model.Backward(dOutput, batch, computeInputGradient: false);
        var analytic = new double[theta.Length];
        backend.DownloadDouble(store.Gradients, analytic);

        foreach (var p in store.Parameters.Where(p => p.IsTrainable))
        {
            double worst = 0;
            string worstText = "";
            for (int i = 0; i < p.Size; i++)
            {
                int k = p.Offset + i;
                double saved = theta[k];
                theta[k] = saved + Step;
                double plus = Objective();
                theta[k] = saved - Step;
                double minus = Objective();
                theta[k] = saved;
                double numeric = (plus - minus) / (2 * Step);
                double error = Math.Abs(analytic[k] - numeric);
                double allowed = RelativeTolerance * Math.Max(Math.Abs(analytic[k]), Math.Abs(numeric)) + AbsoluteTolerance;
                if (error / allowed > worst)
                {
                    worst = error / allowed;
                    worstText = $"{p.Name}[{i}]: analytic {analytic[k]:G10}, numeric {numeric:G10}, |diff| {error:G3}, allowed {allowed:G3}";
                }
            }
            Assert.True(worst <= 1.0, $"Gradient check failed for {p.Name} ({p.Size} values); worst: {worstText}");
        }
    }
}
