using MLNet.DeepExtensions.Kernels;
using MLNet.DeepExtensions.Networks.Layers;

namespace MLNet.DeepExtensions.Networks.Tests.Layers.Recurrent;

/// <summary>
/// Padding changes nothing: the same token sequences padded with −1 to 5 and to 9 steps give the same output and the
/// same parameter gradients (same seed, so the same weights: no parameter depends on the step count), for each cell,
/// stacked and Bidirectional. On the reference backend (double) to 1e-12; on the managed backend to float rounding.
/// </summary>
public sealed class PaddingInvarianceTests
{
    private const int Batch = 4, Vocabulary = 9;
    private static readonly int[] Lengths = [5, 0, 1, 3];

    public static TheoryData<string> Models() => ["lstm", "gru", "rnn", "rnn_relu", "stacked", "bidirectional", "bidirectional_sequences", "lstm_sequences"];

    // Every model ends in a last-state output, so both paddings have the same output shape.
    private static Layer[] Make(string model) => model switch
    {
        "stacked" => [new EmbeddingLayer(Vocabulary, 3), new LstmLayer(4, returnSequences: true), new GruLayer(3)],
        "bidirectional" => [new EmbeddingLayer(Vocabulary, 3), RecurrentTestModels.Bidirectional("gru", 3, false)],
        "bidirectional_sequences" => [new EmbeddingLayer(Vocabulary, 3), RecurrentTestModels.Bidirectional("lstm", 3, true), new SimpleRnnLayer(2)],
        "lstm_sequences" => [new EmbeddingLayer(Vocabulary, 3), new LstmLayer(4, returnSequences: true), new LstmLayer(2)],
        _ => [new EmbeddingLayer(Vocabulary, 3), RecurrentTestModels.Make(model, 4, false)],
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void ReferenceBackend(string model)
    {
        using var backend = new ReferenceBackend();
        Check(backend, model, 1e-12);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void ManagedBackend(string model)
    {
        using var backend = new ManagedCpuBackend(numberOfThreads: 2);
        Check(backend, model, 1e-5);
    }

    private static void Check(ComputeBackend backend, string model, double tolerance)
    {
        var ids = RecurrentTestModels.Ids(Batch, 5, Vocabulary, seed: 5, Lengths);
        var (output5, gradients5) = Run(backend, Make(model), ids, 5);
        var (output9, gradients9) = Run(backend, Make(model), Pad(ids, 5, 9), 9);
        AssertClose("output", output5, output9, tolerance);
        AssertClose("gradients", gradients5, gradients9, tolerance);
        Assert.Contains(gradients5, g => Math.Abs(g) > 1e-3); // the gradients are not trivially zero
    }

    private static double[] Pad(double[] ids, int steps, int paddedSteps)
    {
        var padded = new double[Batch * paddedSteps];
        Array.Fill(padded, -1.0);
        for (int b = 0; b < Batch; b++) Array.Copy(ids, b * steps, padded, b * paddedSteps, steps);
        return padded;
    }

    private static (double[] Output, double[] Gradients) Run(ComputeBackend backend, Layer[] layers, double[] ids, int steps)
    {
        using var model = new Sequential(layers);
        model.Build(backend, new TensorShape(steps), seed: 11);
        model.EnsureCapacity(Batch);
        using var input = backend.Allocate(ids.Length);
        HostCopy.Upload(backend, ids, input);
        var output = HostCopy.Download(backend, model.Forward(input, Batch, training: true, step: 1), Batch * model.OutputShape.Size);
        var random = new Random(3);
        var projection = Enumerable.Range(0, output.Length).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        using var dOutput = backend.Allocate(output.Length);
        HostCopy.Upload(backend, projection, dOutput);
        model.Parameters.ZeroGradients();
        model.Backward(dOutput, Batch);
        return (output, HostCopy.Download(backend, model.Parameters.Gradients, model.Parameters.TrainableCount));
    }

    private static void AssertClose(string what, double[] expected, double[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * (1 + Math.Abs(expected[i])),
                $"{what}[{i}]: 5 steps {expected[i]:G12}, 9 steps {actual[i]:G12}");
        }
    }
}

/// <summary>Host copies in double: exact on the reference backend, through float elsewhere.</summary>
internal static class HostCopy
{
    public static void Upload(ComputeBackend backend, double[] values, DeviceBuffer destination)
    {
        if (backend is ReferenceBackend reference) reference.UploadDouble(values, destination);
        else backend.Upload(values.Select(v => (float)v).ToArray(), destination);
    }

    public static double[] Download(ComputeBackend backend, DeviceBuffer source, int length)
    {
        var values = new double[length];
        if (backend is ReferenceBackend reference) reference.DownloadDouble(source, values);
        else
        {
            var floats = new float[length];
            backend.Download(source, floats);
            for (int i = 0; i < length; i++) values[i] = floats[i];
        }
        return values;
    }
}
