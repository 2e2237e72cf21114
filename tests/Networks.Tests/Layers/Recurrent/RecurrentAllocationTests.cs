using MLNet.DeepExtensions.Networks.Layers;

namespace MLNet.DeepExtensions.Networks.Tests.Layers.Recurrent;

/// <summary>
/// The time loop allocates nothing per batch on the managed backend: after one warm-up round at each batch size (full
/// and a smaller last batch, which make the per-step views once), a training forward and backward allocate no bytes
/// on the calling thread.
/// </summary>
public sealed class RecurrentAllocationTests
{
    public static TheoryData<string> Models() => ["lstm", "gru", "rnn", "masked_bidirectional"];

    [Theory]
    [MemberData(nameof(Models))]
    public void ForwardAndBackwardDoNotAllocateAfterWarmUp(string name)
    {
        const int steps = 9, features = 5, batch = 8, lastBatch = 3;
        bool ids = name.StartsWith("masked", StringComparison.Ordinal);
        Layer[] layers = ids
            ? [new EmbeddingLayer(13, features), RecurrentTestModels.Bidirectional("lstm", 6, true), new GruLayer(4)]
            : [RecurrentTestModels.Make(name, 7, sequences: true), RecurrentTestModels.Make(name, 4, sequences: false)];
        using var backend = new ManagedCpuBackend(numberOfThreads: 2);
        using var model = new Sequential(layers);
        var inputShape = ids ? new TensorShape(steps) : new TensorShape(steps, features);
        model.Build(backend, inputShape, seed: 1, initialBatchCapacity: batch);
        var random = new Random(2);
        var x = ids
            ? RecurrentTestModels.Ids(batch, steps, 13, seed: 2).Select(v => (float)v).ToArray()
            : Enumerable.Range(0, batch * inputShape.Size).Select(_ => (float)random.NextDouble()).ToArray();
        using var input = backend.Allocate(x.Length);
        using var dOutput = backend.Allocate(batch * model.OutputShape.Size);
        backend.Upload(x, input);
        backend.Fill(dOutput, 0.5f, batch * model.OutputShape.Size);

        void Round(int rows)
        {
            model.Forward(input, rows, training: true, step: 1);
            model.Backward(dOutput, rows);
        }

        Round(batch);
        Round(lastBatch);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Round(batch);
        Round(lastBatch);
        Round(batch);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated == 0, $"{name}: three forward+backward rounds allocated {allocated} bytes after warm-up.");
    }
}

/// <summary>The per-batch-size views: a smaller last batch after a full one gives the rows a fresh model gives.</summary>
public sealed class RecurrentBatchSizeTests
{
    [Theory]
    [InlineData("lstm")]
    [InlineData("gru")]
    [InlineData("rnn")]
    public void ASmallerBatchAfterAFullOneMatchesAFreshModel(string cell)
    {
        const int steps = 6, vocabulary = 10;
        using var backend = new ReferenceBackend();
        Layer[] Make() => [new EmbeddingLayer(vocabulary, 3), RecurrentTestModels.Bidirectional(cell, 4, true), RecurrentTestModels.Make(cell, 3, false)];
        var full = RecurrentTestModels.Ids(7, steps, vocabulary, seed: 8);
        var small = RecurrentTestModels.Ids(3, steps, vocabulary, seed: 9, lengths: [2, 6, 0]);

        (double[] Output, double[] Gradients) Run(Sequential model, double[] ids, int batch)
        {
            using var input = backend.Allocate(ids.Length);
            backend.UploadDouble(ids, input);
            var output = new double[batch * model.OutputShape.Size];
            backend.DownloadDouble(model.Forward(input, batch, training: true), output);
            using var dOutput = backend.Allocate(output.Length);
            backend.UploadDouble(output.Select((_, i) => Math.Sin(i + 1.0)).ToArray(), dOutput);
            model.Parameters.ZeroGradients();
            model.Backward(dOutput, batch);
            var gradients = new double[model.Parameters.TrainableCount];
            backend.DownloadDouble(model.Parameters.Gradients, gradients);
            return (output, gradients);
        }

        using var reused = new Sequential(Make());
        reused.Build(backend, new TensorShape(steps), seed: 5, initialBatchCapacity: 7);
        Run(reused, full, 7);
        var afterFull = Run(reused, small, 3);
        using var fresh = new Sequential(Make());
        fresh.Build(backend, new TensorShape(steps), seed: 5, initialBatchCapacity: 3);
        var alone = Run(fresh, small, 3);
        Assert.Equal(alone.Output, afterFull.Output);
        Assert.Equal(alone.Gradients, afterFull.Gradients);
    }
}
