using System.Diagnostics;
using System.Globalization;
using MLNet.DeepExtensions.Benchmarks.Shared;
using MLNet.DeepExtensions.Kernels.Backends;
using MLNet.DeepExtensions.Kernels;
using MLNet.DeepExtensions.Kernels.Pooling;

namespace MLNet.DeepExtensions.Benchmarks;

/// <summary>
/// The <c>cnn-profile</c> command: where one training step of the Fashion-MNIST CNN of shared/ANCHORS.md goes on the
/// managed CPU backend (conv(1→32, 3x3, pad 1)-ReLU-maxpool2, conv(32→64, 3x3, pad 1)-ReLU-maxpool2, FC 3136→128-ReLU,
/// FC 128→10, batch 128, Adam). Each kernel of the step is timed on its own, back to back, at the layer's real shape;
/// the table gives the median per call and the projected seconds per epoch (469 steps). The sum leaves out what the
/// trainer adds (minibatch gather, loss, zeroing gradients), about the cost of the MLP-sized kernels.
/// </summary>
internal static class CnnProfileBenchmark
{
    private const int Batch = 128;
    private const int StepsPerEpoch = 469;

    /// <summary>Runs the benchmark; returns the process exit code.</summary>
    public static int Run(BenchmarkOptions options)
    {
        using var backend = new ManagedCpuBackend(options.Threads);
        var conv1 = new Conv2DShape(Batch, 1, 28, 28, 32, 3, 3, padHeight: 1, padWidth: 1);
        var conv2 = new Conv2DShape(Batch, 32, 14, 14, 64, 3, 3, padHeight: 1, padWidth: 1);
        int a1 = conv1.OutputSize, p1 = Batch * 32 * 14 * 14, a2 = conv2.OutputSize, p2 = Batch * 64 * 7 * 7;
        var random = new Random(1);
        DeviceBuffer Buffer(int length)
        {
            var values = new float[length];
            for (int i = 0; i < length; i++) values[i] = random.NextSingle() * 2f - 1f;
            var buffer = backend.Allocate(length);
            backend.Upload(values, buffer);
            return buffer;
        }

        var x = Buffer(conv1.InputSize);
        var w1 = Buffer(conv1.WeightSize); var b1 = Buffer(32); var dw1 = Buffer(conv1.WeightSize); var db1 = Buffer(32);
        var y1 = Buffer(a1); var r1 = Buffer(a1); var q1 = Buffer(p1); var arg1 = backend.Allocate(p1);
        var w2 = Buffer(conv2.WeightSize); var b2 = Buffer(64); var dw2 = Buffer(conv2.WeightSize); var db2 = Buffer(64);
        var y2 = Buffer(a2); var r2 = Buffer(a2); var q2 = Buffer(p2); var arg2 = backend.Allocate(p2);
        var dq1 = Buffer(p1); var dr1 = Buffer(a1); var dq2 = Buffer(p2); var dr2 = Buffer(a2);
        var w3 = Buffer(128 * 3136); var b3 = Buffer(128); var z3 = Buffer(Batch * 128); var h3 = Buffer(Batch * 128);
        var dw3 = Buffer(128 * 3136); var dh3 = Buffer(Batch * 128);
        var parameters = Buffer(422_000); var gradients = Buffer(422_000); var m = Buffer(422_000); var v = Buffer(422_000);
        backend.MaxPool2DForward(r1, q1, arg1, new Pool2DShape(Batch, 32, 28, 28, 2, 2, 2, 2, 0, 0));
        backend.MaxPool2DForward(r2, q2, arg2, new Pool2DShape(Batch, 64, 14, 14, 2, 2, 2, 2, 0, 0));
        var relu = Activation.Default(ActivationKind.Relu);
        var adam = new OptimizerStepParameters { LearningRate = 1e-3f, Beta1 = 0.9f, Beta2 = 0.999f, Epsilon = 1e-8f, BiasCorrection1 = 0.1f, BiasCorrection2 = 0.001f };

        var steps = new (string Name, Action Run)[]
        {
            ("conv1 forward (+bias)", () => backend.Conv2DForward(x, w1, b1, y1, conv1)),
            ("relu1 forward", () => backend.ActivationForward(relu, y1, r1, a1)),
            ("pool1 forward", () => backend.MaxPool2DForward(r1, q1, arg1, new Pool2DShape(Batch, 32, 28, 28, 2, 2, 2, 2, 0, 0))),
            ("conv2 forward (+bias)", () => backend.Conv2DForward(q1, w2, b2, y2, conv2)),
            ("relu2 forward", () => backend.ActivationForward(relu, y2, r2, a2)),
            ("pool2 forward", () => backend.MaxPool2DForward(r2, q2, arg2, new Pool2DShape(Batch, 64, 14, 14, 2, 2, 2, 2, 0, 0))),
            ("fc1 forward (3136→128, bias, ReLU)", () => backend.DenseForward(q2, w3, b3, relu, z3, h3, Batch, 128, 3136)),
            ("fc1 backward weight (dW = dYᵀ·X)", () => backend.Gemm(true, false, 128, 3136, Batch, 1f, dh3, q2, 1f, dw3)),
            ("fc1 backward input (dX = dY·W)", () => backend.Gemm(false, false, Batch, 3136, 128, 1f, dh3, w3, 0f, dq2)),
            ("pool2 backward", () => backend.MaxPool2DBackward(dq2, arg2, dr2, new Pool2DShape(Batch, 64, 14, 14, 2, 2, 2, 2, 0, 0))),
            ("relu2 backward", () => backend.ActivationBackward(relu, y2, r2, dr2, dr2, a2)),
            ("conv2 backward weight (+bias)", () => backend.Conv2DBackwardWeight(q1, dr2, dw2, db2, conv2)),
            ("conv2 backward input", () => backend.Conv2DBackwardInput(dr2, w2, dq1, conv2)),
            ("pool1 backward", () => backend.MaxPool2DBackward(dq1, arg1, dr1, new Pool2DShape(Batch, 32, 28, 28, 2, 2, 2, 2, 0, 0))),
            ("relu1 backward", () => backend.ActivationBackward(relu, y1, r1, dr1, dr1, a1)),
            ("conv1 backward weight (+bias)", () => backend.Conv2DBackwardWeight(x, dr1, dw1, db1, conv1)),
            ("Adam step (422k parameters)", () => backend.OptimizerStep(OptimizerKind.Adam, adam, parameters, gradients, m, v, 422_000)),
        };

        // Warm-up: the whole step, long enough for tiered JIT to settle on optimized code for every kernel.
        var warmUp = Stopwatch.StartNew();
        while (warmUp.Elapsed.TotalSeconds < 2)
        {
            foreach (var step in steps) step.Run();
        }

        Console.WriteLine($"CNN training step, batch {Batch}, {backend.Description}; median of {options.Repeats} samples per kernel");
        var medians = new double[steps.Length];
        for (int s = 0; s < steps.Length; s++) medians[s] = Time(steps[s].Run, options.Repeats);
        double total = medians.Sum();
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine($"{"kernel",-40} {"ms/call",9} {"s/epoch",8} {"share",6}");
        for (int s = 0; s < steps.Length; s++)
        {
            Console.WriteLine(string.Create(inv, $"{steps[s].Name,-40} {medians[s] * 1e3,9:F3} {medians[s] * StepsPerEpoch,8:F2} {medians[s] / total,6:P0}"));
        }
        Console.WriteLine(string.Create(inv, $"{"total",-40} {total * 1e3,9:F3} {total * StepsPerEpoch,8:F2}"));
        return 0;
    }

    // Median seconds per call: each sample runs the kernel for at least 20 ms after a warm-up.
    private static double Time(Action run, int repeats)
    {
        var samples = CallTimer.Samples(run, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(20), repeats, out _);
        Array.Sort(samples);
        return samples[repeats / 2];
    }
}
