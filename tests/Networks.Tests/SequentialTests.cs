using MLNet.DeepExtensions.Kernels;
using MLNet.DeepExtensions.Networks.Layers;

namespace MLNet.DeepExtensions.Networks.Tests;

/// <summary>The Sequential model: prediction paths agree, summaries and bad input give clear answers.</summary>
public sealed class SequentialTests : IDisposable
{
    private readonly ManagedCpuBackend _backend = new(numberOfThreads: 2);

    public void Dispose() => _backend.Dispose();

    private Sequential Build(int seed = 1)
    {
        var model = new Sequential(new DenseLayer(16), new BatchNormLayer(), new ActivationLayer(ActivationKind.Gelu), new DropoutLayer(0.5f), new DenseLayer(3));
        model.Build(_backend, new TensorShape(7), seed);
        return model;
    }

    private static float[] Features(int rows, int width, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, rows * width).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
    }

    [Fact]
    public void BatchedPredictionEqualsOneRowAtATime()
    {
        using var model = Build();
        var x = Features(33, 7, 2);
        var batched = model.Predict(x, 33, batchSize: 8); // 4 full batches and a partial one of 1
        for (int r = 0; r < 33; r++)
        {
            var single = model.Predict(x.AsSpan(r * 7, 7), 1);
            for (int c = 0; c < 3; c++) Assert.Equal(batched[r * 3 + c], single[c], 5);
        }
    }

    [Fact]
    public void SameSeedGivesSameInitialWeightsOnEveryBackend()
    {
        using var managed = Build(seed: 9);
        using var reference = new ReferenceBackend();
        using var twin = new Sequential(new DenseLayer(16), new BatchNormLayer(), new ActivationLayer(ActivationKind.Gelu), new DropoutLayer(0.5f), new DenseLayer(3));
        twin.Build(reference, new TensorShape(7), seed: 9);
        Assert.Equal(managed.Parameters.Read(), twin.Parameters.Read());
    }

    [Fact]
    public void ParametersAreLaidOutRegularizedFirst()
    {
        using var model = Build();
        var store = model.Parameters;
        Assert.Equal(7 * 16 + 16 * 3, store.RegularizedCount); // the two dense weights
        Assert.Equal(store.RegularizedCount + 16 + 16 + 16 + 3, store.TrainableCount); // + bias, gamma, beta, bias
        Assert.Equal(32, store.StateCount); // running mean and variance
        Assert.Equal(["dense_1.weight", "dense_1.bias", "batch_norm_1.gamma", "batch_norm_1.beta", "batch_norm_1.running_mean",
            "batch_norm_1.running_variance", "dense_2.weight", "dense_2.bias"], store.Parameters.Select(p => p.Name));
    }

    [Fact]
    public void SummaryListsLayersShapesCountsAndBackend()
    {
        using var model = Build();
        string summary = model.Summary();
        Assert.Contains("dense_1          Dense(16)                    (16)                  128", summary);
        Assert.Contains("dropout_1        Dropout(0.5)", summary);
        Assert.Contains($"trainable parameters: {model.ParameterCount:N0}; state: 32", summary);
        Assert.Contains("backend: Managed CPU", summary);
    }

    [Fact]
    public void PredictRejectsAWrongFeatureCount()
    {
        using var model = Build();
        var e = Assert.Throws<ArgumentException>(() => model.Predict(new float[20], 3));
        Assert.StartsWith("Expected 3 rows x 7 features = 21 values (model input shape (7)); got 20.", e.Message);
    }

    [Fact]
    public void LayerArgumentsAreCheckedWithTheirNames()
    {
        Assert.StartsWith("A dense layer needs a positive number of units; got 0.", Assert.Throws<ArgumentOutOfRangeException>(() => new DenseLayer(0)).Message);
        Assert.StartsWith("Dropout rate must be in [0, 1); got 1.", Assert.Throws<ArgumentOutOfRangeException>(() => new DropoutLayer(1f)).Message);
        Assert.StartsWith("Maxout needs at least 2 pieces; got 1.", Assert.Throws<ArgumentOutOfRangeException>(() => new MaxoutLayer(1)).Message);
        var maxout = new Sequential(new MaxoutLayer(3));
        var e = Assert.Throws<ArgumentException>(() => maxout.Build(_backend, new TensorShape(7)));
        Assert.StartsWith("Maxout layer 'maxout_1' with 3 pieces needs an input size divisible by 3; got input shape (7) (7 features).", e.Message);
    }

    [Fact]
    public void UsingAModelBeforeBuildIsAnError()
    {
        var model = new Sequential(new DenseLayer(2));
        var e = Assert.Throws<InvalidOperationException>(() => model.Predict(new float[2], 1));
        Assert.Equal("The model is not built: call Build(backend, inputShape, seed) first.", e.Message);
    }
}
