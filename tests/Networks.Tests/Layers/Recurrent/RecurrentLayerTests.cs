using MLNet.DeepExtensions.Kernels;
using MLNet.DeepExtensions.Networks.Initializers;
using MLNet.DeepExtensions.Networks.Layers;

namespace MLNet.DeepExtensions.Networks.Tests.Layers.Recurrent;

/// <summary>Configuration, parameters, initialization, descriptions, summaries and bad input of the recurrent layers.</summary>
public sealed class RecurrentLayerTests
{
    [Theory]
    [InlineData("lstm", 4)]
    [InlineData("gru", 3)]
    [InlineData("rnn", 1)]
    public void ParametersHavePyTorchsNamesAndShapes(string cell, int gates)
    {
        using var backend = new ReferenceBackend();
        var layer = RecurrentTestModels.Make(cell, 5, sequences: false);
        using var model = new Sequential(layer);
        model.Build(backend, new TensorShape(7, 3), seed: 1);
        Assert.Equal(gates, layer.GateCount);
        Assert.Equal((7, 3), (layer.Steps, layer.Features));
        string name = layer.Name;
        Assert.Equal([$"{name}.weight_ih", $"{name}.weight_hh", $"{name}.bias_ih", $"{name}.bias_hh"], model.Parameters.Parameters.Select(p => p.Name));
        Assert.Equal([gates * 5 * 3, gates * 5 * 5, gates * 5, gates * 5], model.Parameters.Parameters.Select(p => p.Size));
        Assert.Equal(gates * 5 * (3 + 5 + 2), model.ParameterCount);
        Assert.Same(layer.InputWeight, model.Parameters.Parameters[0]);
        Assert.Same(layer.RecurrentBias, model.Parameters.Parameters[3]);
        Assert.True(layer.InputWeight.IsRegularized && layer.RecurrentWeight.IsRegularized);
        Assert.False(layer.InputBias.IsRegularized || layer.RecurrentBias.IsRegularized);
    }

    [Theory]
    [InlineData("lstm")]
    [InlineData("gru")]
    [InlineData("rnn")]
    public void InitializationFollowsKeras(string cell)
    {
        using var backend = new ReferenceBackend();
        var layer = RecurrentTestModels.Make(cell, 6, sequences: true);
        using var model = new Sequential(layer);
        model.Build(backend, new TensorShape(4, 5), seed: 2);
        int g = layer.GateCount * 6;
        float[] values = model.Parameters.Read();
        float[] Values(Parameter p) => values.AsSpan(p.Offset, p.Size).ToArray();
        // weight_ih: Glorot uniform with fan-in F and fan-out G·H.
        double limit = Math.Sqrt(6.0 / (5 + g));
        Assert.All(Values(layer.InputWeight), v => Assert.InRange(v, -limit, limit));
        // weight_hh: orthonormal columns over the whole (G·H, H) matrix.
        AssertOrthonormalColumns(Values(layer.RecurrentWeight), g, 6, 1.0);
        // Biases zero, except LSTM's forget block of bias_ih (Keras' unit_forget_bias).
        var expectedBias = new float[g];
        if (cell == "lstm") Array.Fill(expectedBias, 1f, 6, 6);
        Assert.Equal(expectedBias, Values(layer.InputBias));
        Assert.Equal(new float[g], Values(layer.RecurrentBias));
    }

    [Theory]
    [InlineData(12, 3, 1.0)]
    [InlineData(5, 5, 1.0)]
    [InlineData(3, 12, 2.0)]
    public void OrthogonalInitializerMakesTheShorterSideOrthonormal(int rows, int columns, double gain)
    {
        var values = new float[rows * columns];
        new OrthogonalInitializer(gain).Initialize(values, fanIn: columns, fanOut: rows, new Random(3));
        if (rows >= columns) AssertOrthonormalColumns(values, rows, columns, gain);
        else
        {
            // Rows orthonormal: the transpose has orthonormal columns.
            var transposed = new float[values.Length];
            for (int r = 0; r < rows; r++) for (int c = 0; c < columns; c++) transposed[c * rows + r] = values[r * columns + c];
            AssertOrthonormalColumns(transposed, columns, rows, gain);
        }
    }

    [Fact]
    public void OrthogonalInitializerRejectsAWrongSizeAndGain()
    {
        var e = Assert.Throws<ArgumentException>(() => new OrthogonalInitializer().Initialize(new float[10], fanIn: 3, fanOut: 4, new Random(1)));
        Assert.Contains("(fanOut, fanIn) = (4, 3)", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new OrthogonalInitializer(0));
    }

    private static void AssertOrthonormalColumns(float[] w, int rows, int columns, double gain)
    {
        for (int a = 0; a < columns; a++)
        {
            for (int b = 0; b < columns; b++)
            {
                double dot = 0;
                for (int r = 0; r < rows; r++) dot += (double)w[r * columns + a] * w[r * columns + b];
                Assert.Equal(a == b ? gain * gain : 0.0, dot, 5);
            }
        }
    }

    [Fact]
    public void DescriptionsAndSummary()
    {
        Assert.Equal("LSTM(128, sequences)", new LstmLayer(128, returnSequences: true).Describe());
        Assert.Equal("LSTM(128)", new LstmLayer(128).Describe());
        Assert.Equal("GRU(7)", new GruLayer(7).Describe());
        Assert.Equal("SimpleRNN(3, relu, sequences)", new SimpleRnnLayer(3, ActivationKind.Relu, returnSequences: true).Describe());
        Assert.Equal("SimpleRNN(3)", new SimpleRnnLayer(3).Describe());
        Assert.Equal("Embedding(100, 8)", new EmbeddingLayer(100, 8).Describe());
        Assert.Equal("Bidirectional(GRU(4, sequences))", RecurrentTestModels.Bidirectional("gru", 4, true).Describe());

        using var backend = new ReferenceBackend();
        using var model = new Sequential(new EmbeddingLayer(100, 8), RecurrentTestModels.Bidirectional("lstm", 4, true), new GruLayer(3), new DenseLayer(2));
        model.Build(backend, new TensorShape(10), seed: 1);
        int embedding = 100 * 8, bidirectional = 2 * 4 * 4 * (8 + 4 + 2), gru = 3 * 3 * (8 + 3 + 2), dense = 3 * 2 + 2;
        Assert.Equal(embedding + bidirectional + gru + dense, model.ParameterCount);
        Assert.Equal(["embedding_1", "bidirectional_1", "gru_1", "dense_1"], model.Layers.Select(l => l.Name));
        var bi = (BidirectionalLayer)model.Layers[1];
        Assert.Equal(("bidirectional_1.forward", "bidirectional_1.backward"), (bi.ForwardLayer.Name, bi.BackwardLayer.Name));
        Assert.Contains("bidirectional_1.forward.weight_ih", model.Parameters.Parameters.Select(p => p.Name));
        Assert.Equal(new TensorShape(10, 8), model.Layers[1].InputShape);
        Assert.Equal(new TensorShape(10, 8), bi.OutputShape);
        string summary = model.Summary();
        Assert.Matches($@"embedding_1\s+Embedding\(100, 8\)\s+\(10, 8\)\s+{embedding}\b", summary);
        Assert.Matches($@"bidirectional_1\s+Bidirectional\(LSTM\(4, sequences\)\)\s+\(10, 8\)\s+{bidirectional}\b", summary);
        Assert.Matches($@"gru_1\s+GRU\(3\)\s+\(3\)\s+{gru}\b", summary);
    }

    [Fact]
    public void MaskingLengthsReachTheRecurrentLayersAfterAnEmbeddingOnly()
    {
        using var backend = new ReferenceBackend();
        var embedding = new EmbeddingLayer(5, 2);
        var first = new LstmLayer(3, returnSequences: true);
        var bi = RecurrentTestModels.Bidirectional("gru", 3, true);
        var last = new SimpleRnnLayer(2);
        var afterLastState = new LstmLayer(2);
        using var model = new Sequential(embedding, first, bi, last, new DenseLayer(12), new ReshapeForTest(), afterLastState);
        model.Build(backend, new TensorShape(6), seed: 1);
        Assert.Same(embedding, first.LengthsSource);
        Assert.Same(embedding, bi.ForwardLayer.LengthsSource);
        Assert.Same(embedding, bi.BackwardLayer.LengthsSource);
        Assert.Same(embedding, last.LengthsSource);
        Assert.Null(afterLastState.LengthsSource); // the step axis ended at the last-state layer

        using var plain = new Sequential(new LstmLayer(2));
        plain.Build(backend, new TensorShape(6, 3), seed: 1);
        Assert.Null(((LstmLayer)plain.Layers[0]).LengthsSource);
    }

    // (12) → (6, 2) without touching the data: a step axis that does not come from the embedding.
    private sealed class ReshapeForTest() : Layer(null)
    {
        public override string Kind => "reshape";
        protected override TensorShape BuildCore(TensorShape inputShape, ParameterStore parameters) => new(6, 2);
        protected override void AllocateCore(int maxBatchSize) { }
        public override DeviceBuffer Forward(DeviceBuffer input, int batchSize, in ForwardContext context) => input;
        public override DeviceBuffer? Backward(DeviceBuffer dOutput, int batchSize, bool computeInputGradient) => dOutput;
    }

    [Theory]
    [InlineData("lstm", "LSTM")]
    [InlineData("gru", "GRU")]
    [InlineData("rnn", "SimpleRNN")]
    public void InputThatIsNotStepsByFeaturesFails(string cell, string type)
    {
        using var backend = new ReferenceBackend();
        using var model = new Sequential(RecurrentTestModels.Make(cell, 3, false));
        var e = Assert.Throws<ArgumentException>(() => model.Build(backend, new TensorShape(12), seed: 1));
        Assert.Contains($"{type} layer '{cell switch { "rnn" => "simple_rnn", _ => cell }}_1' needs an input shape (steps, features); got (12).", e.Message);
        using var image = new Sequential(RecurrentTestModels.Make(cell, 3, false));
        Assert.Throws<ArgumentException>(() => image.Build(backend, new TensorShape(1, 4, 3), seed: 1));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void NonPositiveHiddenSizeFails(int hidden)
    {
        Assert.Contains($"positive hidden size; got {hidden}", Assert.Throws<ArgumentOutOfRangeException>("hiddenSize", () => new LstmLayer(hidden)).Message);
        Assert.Contains("GRU", Assert.Throws<ArgumentOutOfRangeException>("hiddenSize", () => new GruLayer(hidden)).Message);
        Assert.Contains("SimpleRNN", Assert.Throws<ArgumentOutOfRangeException>("hiddenSize", () => new SimpleRnnLayer(hidden)).Message);
    }

    [Fact]
    public void SimpleRnnRejectsOtherActivations() =>
        Assert.Contains("Tanh or Relu; got Sigmoid", Assert.Throws<ArgumentOutOfRangeException>("activation", () => new SimpleRnnLayer(3, ActivationKind.Sigmoid)).Message);

    [Fact]
    public void BidirectionalRejectsMismatchedLayers()
    {
        string Mismatch(RecurrentLayer f, RecurrentLayer b) => Assert.Throws<ArgumentException>("backward", () => new BidirectionalLayer(f, b)).Message;
        Assert.Contains("got forward LSTM(3) and backward GRU(3)", Mismatch(new LstmLayer(3), new GruLayer(3)));
        Assert.Contains("got forward LSTM(3) and backward LSTM(4)", Mismatch(new LstmLayer(3), new LstmLayer(4)));
        Assert.Contains("got forward LSTM(3, sequences) and backward LSTM(3)", Mismatch(new LstmLayer(3, true), new LstmLayer(3)));
        Assert.Contains("got forward SimpleRNN(3) and backward SimpleRNN(3, relu)", Mismatch(new SimpleRnnLayer(3), new SimpleRnnLayer(3, ActivationKind.Relu)));
        var same = new GruLayer(2);
        Assert.Contains("two distinct layer instances", Mismatch(same, same));
        Assert.Throws<ArgumentNullException>("forward", () => new BidirectionalLayer(null!, new GruLayer(2)));
        Assert.Throws<ArgumentNullException>("backward", () => new BidirectionalLayer(new GruLayer(2), null!));
    }

    [Theory]
    [InlineData(0, 4, "vocabularySize", "positive vocabulary size; got 0")]
    [InlineData(5, -1, "embeddingSize", "positive embedding size; got -1")]
    public void EmbeddingRejectsNonPositiveSizes(int vocabulary, int size, string parameter, string message) =>
        Assert.Contains(message, Assert.Throws<ArgumentOutOfRangeException>(parameter, () => new EmbeddingLayer(vocabulary, size)).Message);

    [Fact]
    public void EmbeddingNeedsAStepsInput()
    {
        using var backend = new ReferenceBackend();
        using var model = new Sequential(new EmbeddingLayer(5, 2));
        Assert.Contains("Embedding layer 'embedding_1' needs an input shape (steps) of token ids; got (4, 1).",
            Assert.Throws<ArgumentException>(() => model.Build(backend, new TensorShape(4, 1), seed: 1)).Message);
    }

    public static TheoryData<string, float> BadIds() => new() { { "reference", 5f }, { "managed", 5f }, { "reference", 1.5f }, { "managed", 7f } };

    [Theory]
    [MemberData(nameof(BadIds))]
    public void EmbeddingRejectsAnIdOutsideTheVocabulary(string backendName, float id)
    {
        using ComputeBackend backend = backendName == "reference" ? new ReferenceBackend() : new ManagedCpuBackend(numberOfThreads: 1);
        using var model = new Sequential(new EmbeddingLayer(5, 2));
        model.Build(backend, new TensorShape(3), seed: 1);
        using var input = backend.Allocate(6);
        backend.Upload([0f, 4f, -1f, 2f, id, -1f], input);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => model.Forward(input, 2, training: false));
        Assert.Contains($"Embedding layer 'embedding_1' reads token ids in [0, 5) or -1 for padding; got {id}.", e.Message);
        Assert.Contains("indices[4]", e.InnerException!.Message); // row 1, step 1
    }

    [Fact]
    public void EmbeddingLooksUpRowsPaddingIsZeroAndLengthsAreComputed()
    {
        using var backend = new ReferenceBackend();
        var embedding = new EmbeddingLayer(4, 2);
        using var model = new Sequential(embedding);
        model.Build(backend, new TensorShape(3), seed: 1);
        var table = new double[] { 1, 2, 3, 4, 5, 6, 7, 8 };
        backend.UploadDouble(table, embedding.Weight.Value);
        using var input = backend.Allocate(9);
        backend.UploadDouble([3, 0, -1, -1, -1, -1, 2, -1, 1], input);
        var output = new double[18];
        backend.DownloadDouble(model.Forward(input, 3, training: true), output);
        Assert.Equal([7, 8, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 5, 6, 0, 0, 3, 4], output);
        var lengths = new double[3];
        backend.DownloadDouble(embedding.Lengths, lengths);
        Assert.Equal([2, 0, 3], lengths); // padding inside a row counts in its length (padding is trailing)

        // The ids have no gradient: the input gradient is zero; the weight gradient collects the rows of each id.
        using var dOutput = backend.Allocate(18);
        backend.UploadDouble(Enumerable.Range(1, 18).Select(v => (double)v).ToArray(), dOutput);
        model.Parameters.ZeroGradients();
        var dInput = new double[9];
        backend.DownloadDouble(model.Backward(dOutput, 3, computeInputGradient: true)!, dInput);
        Assert.Equal(new double[9], dInput);
        var dWeight = new double[8];
        backend.DownloadDouble(embedding.Weight.Gradient!, dWeight);
        Assert.Equal([3, 4, 17, 18, 13, 14, 1, 2], dWeight);
    }
}
