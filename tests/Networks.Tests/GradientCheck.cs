using MLNet.DeepExtensions.Kernels;
using MLNet.DeepExtensions.Networks.Layers;
using MLNet.DeepExtensions.Networks.Losses;

namespace MLNet.DeepExtensions.Networks.Tests;

/// <summary>
/// Finite-difference gradient checks in double precision. Layers and losses run on the <see cref="ReferenceBackend"/>,
/// whose buffers and arithmetic are double, so the analytic gradient of the real layer code is compared with
/// central differences (f(θ + h) − f(θ − h)) / 2h of the same code.
/// </summary>
internal static class GradientCheck
{
    private const double Step = 1e-5;

    // |analytic − numeric| ≤ RelativeTolerance·max(|a|, |n|) + AbsoluteTolerance. A wrong gradient is off by O(|g|)
    // (≈ 1e-2..1), far above both; central differences in double are accurate to ~1e-10 here.
    private const double RelativeTolerance = 1e-6;
    private const double AbsoluteTolerance = 1e-9;

    /// <summary>
    /// Checks dL/dInput and dL/dParameters of <paramref name="layers"/> (as one model) for L = Σ r·y with a random
    /// projection r, so every output element matters. <paramref name="perturbState"/> adds a random amount in [0, 0.5)
    /// to every state value (running statistics), so inference mode does not normalize by the initial 0 and 1.
    /// </summary>
    public static void CheckModel(Layer[] layers, TensorShape inputShape, int batch, bool training = true, int seed = 7, double inputScale = 1.0,
        bool perturbState = false)
    {
        using var backend = new ReferenceBackend();
        using var model = new Sequential(layers);
        model.Build(backend, inputShape, seed);
        model.EnsureCapacity(batch);
        var random = new Random(seed);
        var store = model.Parameters;

        double[] x = Uniform(random, batch * inputShape.Size, inputScale);
        double[] theta = new double[store.TrainableCount];
        var initial = new double[store.TrainableCount];
        backend.DownloadDouble(store.Values, initial);
        // Perturb the initial values so biases and shifts are non-zero and scales are not exactly 1.
        for (int i = 0; i < theta.Length; i++) theta[i] = initial[i] + (random.NextDouble() - 0.5) * 0.5;
        double[] projection = Uniform(random, batch * model.OutputShape.Size, 1.0);
        var stateBefore = new double[store.StateCount];
        backend.DownloadDouble(store.State, stateBefore);
        if (perturbState)
        {
            for (int i = 0; i < stateBefore.Length; i++) stateBefore[i] += random.NextDouble() * 0.5;
        }

        using var input = backend.Allocate(batch * inputShape.Size);
        using var dOutput = backend.Allocate(batch * model.OutputShape.Size);
        var output = new double[batch * model.OutputShape.Size];

        double Objective()
        {
            backend.UploadDouble(x, input);
            backend.UploadDouble(theta, store.Values);
            backend.UploadDouble(stateBefore, store.State); // running statistics must not drift between evaluations
            var y = model.Forward(input, batch, training, step: 3);
            backend.DownloadDouble(y, output);
            double sum = 0;
            for (int i = 0; i < output.Length; i++) sum += projection[i] * output[i];
            return sum;
        }

        Objective();
        store.ZeroGradients();
        backend.UploadDouble(projection, dOutput);
        var dInputBuffer = model.Backward(dOutput, batch, computeInputGradient: true)!;
        var dInput = new double[x.Length];
        backend.DownloadDouble(dInputBuffer, dInput);
        var dTheta = new double[theta.Length];
        backend.DownloadDouble(store.Gradients, dTheta);

        Compare("input", dInput, x, Objective);
        foreach (var p in store.Parameters.Where(p => p.IsTrainable))
        {
            Compare(p.Name, dTheta.AsSpan(p.Offset, p.Size).ToArray(), theta, Objective, p.Offset);
        }
    }

    /// <summary>Checks dLoss/dPredictions of <paramref name="loss"/> (mean over rows) against central differences.</summary>
    public static void CheckLoss(Loss loss, int rows, int outputs, double[] targets, int seed = 11, double predictionScale = 2.0)
    {
        using var backend = new ReferenceBackend();
        loss.Allocate(backend, rows, outputs);
        var random = new Random(seed);
        double[] predictions = Uniform(random, rows * outputs, predictionScale);
        using var predictionBuffer = backend.Allocate(rows * outputs);
        using var targetBuffer = backend.Allocate(targets.Length);
        using var gradientBuffer = backend.Allocate(rows * outputs);
        backend.UploadDouble(targets, targetBuffer);
        var rowLoss = new double[rows];

        double Objective()
        {
            backend.UploadDouble(predictions, predictionBuffer);
            loss.Compute(predictionBuffer, targetBuffer, rows, dPredictions: null);
            backend.DownloadDouble(loss.RowLoss, rowLoss); // in double: Compute's own return value passes through float
            return rowLoss.Sum() / rows;
        }

        backend.UploadDouble(predictions, predictionBuffer);
        loss.Compute(predictionBuffer, targetBuffer, rows, gradientBuffer);
        var analytic = new double[rows * outputs];
        backend.DownloadDouble(gradientBuffer, analytic);
        Compare(loss.Name, analytic, predictions, Objective);
    }

    private static void Compare(string what, double[] analytic, double[] variables, Func<double> objective, int offset = 0)
    {
        double worst = 0;
        string worstText = "";
        for (int i = 0; i < analytic.Length; i++)
        {
            int k = offset + i;
            double saved = variables[k];
            variables[k] = saved + Step;
            double plus = objective();
            variables[k] = saved - Step;
            double minus = objective();
            variables[k] = saved;
            double numeric = (plus - minus) / (2 * Step);
            double error = Math.Abs(analytic[i] - numeric);
            double allowed = RelativeTolerance * Math.Max(Math.Abs(analytic[i]), Math.Abs(numeric)) + AbsoluteTolerance;
            if (error / allowed > worst)
            {
                worst = error / allowed;
                worstText = $"{what}[{i}]: analytic {analytic[i]:G10}, numeric {numeric:G10}, |diff| {error:G3}, allowed {allowed:G3}";
            }
        }
        Assert.True(worst <= 1.0, $"Gradient check failed for {what} ({analytic.Length} values); worst: {worstText}");
    }

    private static double[] Uniform(Random random, int count, double scale)
    {
        var values = new double[count];
        for (int i = 0; i < count; i++) values[i] = (random.NextDouble() * 2 - 1) * scale;
        return values;
    }
}
