using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MLNet.DeepExtensions.Kernels;
using MLNet.DeepExtensions.Networks.Layers;
using MLNet.DeepExtensions.Networks.Onnx;
using Xunit.Abstractions;
using static MLNet.DeepExtensions.Networks.Tests.Onnx.OnnxTestSupport;

namespace MLNet.DeepExtensions.Networks.Tests.Onnx;

/// <summary>
/// Recurrent models exported to ONNX (LSTM, GRU, RNN nodes; Embedding as Gather) and run in ONNX Runtime reproduce
/// Sequential.Predict on the managed CPU backend to 1e-5 absolute, batched ([N, T, F] / [N, T]) and one row at a
/// time ([T, F] / [T]), and for token models also through the variable-length input ([1, L] and [N, L]). Random weights
/// make a wrong gate order show at once: these tests are what proves the gate reordering.
/// </summary>
public sealed class OnnxRecurrentExportTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>Absolute tolerance of the parity checks (the 1e-5).</summary>
    private const float AbsoluteTolerance = 1e-5f;

    private const int Rows = 6, Features = 3, Hidden = 5, Vocabulary = 11, EmbeddingSize = 4, Outputs = 3;

    private readonly ManagedCpuBackend _backend = new(1);

    public void Dispose() => _backend.Dispose();

    public enum Cell { Lstm, Gru, RnnTanh, RnnRelu }

    private static RecurrentLayer Recurrent(Cell cell, bool returnSequences, int hidden = Hidden) => cell switch
    {
        Cell.Lstm => new LstmLayer(hidden, returnSequences),
        Cell.Gru => new GruLayer(hidden, returnSequences),
        Cell.RnnTanh => new SimpleRnnLayer(hidden, ActivationKind.Tanh, returnSequences),
        Cell.RnnRelu => new SimpleRnnLayer(hidden, ActivationKind.Relu, returnSequences),
        _ => throw new ArgumentOutOfRangeException(nameof(cell)),
    };

    private static BidirectionalLayer Bidirectional(Cell cell, bool returnSequences, int hidden = Hidden) =>
        new(Recurrent(cell, returnSequences, hidden), Recurrent(cell, returnSequences, hidden));

    /// <summary>
    /// A model with every parameter uniform in [−0.5, 0.5]: random enough that every gate block differs, small enough
    /// that a ReLU recurrence over 33 steps stays of order 1, where float rounding is far below the tolerance.
    /// </summary>
    private Sequential Model(TensorShape input, params Layer[] layers)
    {
        var model = new Sequential(layers);
        model.Build(_backend, input, seed: 3);
        var random = new Random(17);
        var all = model.Parameters.Read();
        for (int i = 0; i < all.Length; i++) all[i] = random.NextSingle() - 0.5f;
        model.Parameters.Write(all);
        return model;
    }

    public static TheoryData<Cell, bool, int> CellsSequencesSteps()
    {
        var data = new TheoryData<Cell, bool, int>();
        foreach (var cell in Enum.GetValues<Cell>())
            foreach (bool sequences in new[] { false, true })
                foreach (int steps in new[] { 1, 7, 33 }) data.Add(cell, sequences, steps);
        return data;
    }

    public static TheoryData<bool, int> SequencesSteps()
    {
        var data = new TheoryData<bool, int>();
        foreach (bool sequences in new[] { false, true })
            foreach (int steps in new[] { 1, 7, 33 }) data.Add(sequences, steps);
        return data;
    }

    // ------------------------------------------------------------------ dense inputs (no masking)

    [Theory]
    [MemberData(nameof(CellsSequencesSteps))]
    public void RecurrentLayerMatchesPredict(Cell cell, bool returnSequences, int steps)
    {
        using var model = Model(new TensorShape(steps, Features), Recurrent(cell, returnSequences), new DenseLayer(Outputs));
        Report($"{cell} seq={returnSequences} T={steps}", AssertFeatureParity(model));
    }

    [Theory]
    [MemberData(nameof(CellsSequencesSteps))]
    public void RecurrentLayerAloneMatchesPredict(Cell cell, bool returnSequences, int steps)
    {
        // No Dense after it: the raw Score is the recurrent output itself, so its layout ([forward | backward], per step) is checked directly.
        using var model = Model(new TensorShape(steps, Features), Recurrent(cell, returnSequences));
        Report($"{cell} alone seq={returnSequences} T={steps}", AssertFeatureParity(model));
    }

    [Theory]
    [MemberData(nameof(CellsSequencesSteps))]
    public void BidirectionalLayerMatchesPredict(Cell cell, bool returnSequences, int steps)
    {
        using var model = Model(new TensorShape(steps, Features), Bidirectional(cell, returnSequences));
        Report($"Bidirectional {cell} seq={returnSequences} T={steps}", AssertFeatureParity(model));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(33)]
    public void StackedRecurrentLayersMatchPredict(int steps)
    {
        using var model = Model(new TensorShape(steps, Features),
            new LstmLayer(Hidden, returnSequences: true), new GruLayer(4, returnSequences: true), new SimpleRnnLayer(6), new DenseLayer(Outputs));
        Report($"LSTM→GRU→RNN T={steps}", AssertFeatureParity(model));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(33)]
    public void StackedBidirectionalLayersMatchPredict(int steps)
    {
        using var model = Model(new TensorShape(steps, Features),
            Bidirectional(Cell.Gru, returnSequences: true), Bidirectional(Cell.Lstm, returnSequences: false, hidden: 3), new DenseLayer(Outputs));
        Report($"BiGRU→BiLSTM T={steps}", AssertFeatureParity(model));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(33)]
    public void AwkwardHiddenSizesMatchPredict(int hidden)
    {
        using var model = Model(new TensorShape(7, Features), Bidirectional(Cell.Lstm, true, hidden), Bidirectional(Cell.Gru, false, hidden), new DenseLayer(Outputs));
        Report($"BiLSTM→BiGRU H={hidden}", AssertFeatureParity(model));
    }

    [Fact]
    public void KerasInitializationMatchesPredict()
    {
        // The layers' own initialization (orthogonal weight_hh, LSTM forget bias 1, zero biases otherwise), not randomized.
        using var model = new Sequential(new EmbeddingLayer(Vocabulary, EmbeddingSize), Bidirectional(Cell.Lstm, true), new GruLayer(4), new DenseLayer(Outputs));
        model.Build(_backend, new TensorShape(9), seed: 5);
        Report("Keras-initialized Embedding→BiLSTM→GRU", AssertTokenParity(model));
    }

    // ------------------------------------------------------------------ token inputs (Embedding, padding, masking)

    [Theory]
    [MemberData(nameof(SequencesSteps))]
    public void EmbeddingLstmWithPaddingMatchesPredict(bool returnSequences, int steps)
    {
        using var model = Model(new TensorShape(steps), new EmbeddingLayer(Vocabulary, EmbeddingSize), new LstmLayer(Hidden, returnSequences), new DenseLayer(Outputs));
        Report($"Embedding→LSTM seq={returnSequences} T={steps}", AssertTokenParity(model));
    }

    [Theory]
    [MemberData(nameof(SequencesSteps))]
    public void EmbeddingBidirectionalGruWithPaddingMatchesPredict(bool returnSequences, int steps)
    {
        using var model = Model(new TensorShape(steps), new EmbeddingLayer(Vocabulary, EmbeddingSize), Bidirectional(Cell.Gru, returnSequences), new DenseLayer(Outputs));
        Report($"Embedding→BiGRU seq={returnSequences} T={steps}", AssertTokenParity(model));
    }

    [Theory]
    [InlineData(Cell.RnnTanh, 7)]
    [InlineData(Cell.RnnRelu, 33)]
    [InlineData(Cell.Gru, 1)]
    public void EmbeddingRecurrentSequenceAloneMatchesPredict(Cell cell, int steps)
    {
        // The sequence output itself is the Score: padded steps must hold the carried state, as ours do.
        using var model = Model(new TensorShape(steps), new EmbeddingLayer(Vocabulary, EmbeddingSize), Recurrent(cell, returnSequences: true));
        Report($"Embedding→{cell}(seq) T={steps}", AssertTokenParity(model));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(33)]
    public void EmbeddingStackedMaskedLayersMatchPredict(int steps)
    {
        using var model = Model(new TensorShape(steps), new EmbeddingLayer(Vocabulary, EmbeddingSize),
            Bidirectional(Cell.Lstm, returnSequences: true), new GruLayer(4, returnSequences: true), new SimpleRnnLayer(3, ActivationKind.Relu), new DenseLayer(Outputs));
        Report($"Embedding→BiLSTM→GRU→RNN T={steps}", AssertTokenParity(model));
    }

    [Fact]
    public void EmbeddingOnlyMatchesPredict()
    {
        using var model = Model(new TensorShape(7), new EmbeddingLayer(Vocabulary, EmbeddingSize));
        Report("Embedding", AssertTokenParity(model));
    }

    [Fact]
    public void EmbeddingFlattenDenseMatchesPredictWithoutLengthNodes()
    {
        using var model = Model(new TensorShape(7), new EmbeddingLayer(Vocabulary, EmbeddingSize), new FlattenLayer(), new DenseLayer(Outputs));
        Assert.DoesNotContain(OnnxExporter.Graph(model, new OnnxExportOptions()).Nodes, n => n.OpType == "ReduceMax");
        Report("Embedding→Flatten→Dense", AssertTokenParity(model));
    }

    [Fact]
    public void RecurrentGraphHasOneNodePerLayerWithSequenceLengths()
    {
        using var model = Model(new TensorShape(7), new EmbeddingLayer(Vocabulary, EmbeddingSize), Bidirectional(Cell.Gru, true), new LstmLayer(3), new DenseLayer(Outputs));
        var g = OnnxExporter.Graph(model, new OnnxExportOptions());
        var gru = Assert.Single(g.Nodes, n => n.OpType == "GRU");
        var lstm = Assert.Single(g.Nodes, n => n.OpType == "LSTM");
        Assert.Equal(5, gru.Inputs.Length);
        Assert.Equal(gru.Inputs[4], lstm.Inputs[4]);
        Assert.Single(g.Nodes, n => n.OpType == "Gather");
    }

    [Fact]
    public void SequenceInputNeedsAnEmbeddingFirst()
    {
        using var model = Model(new TensorShape(4, Features), new LstmLayer(Hidden));
        var error = Assert.Throws<ArgumentException>(() => OnnxExporter.Export(model, new OnnxExportOptions { SequenceInput = true }));
        Assert.Equal("OnnxExportOptions.SequenceInput needs a model whose first layer is an EmbeddingLayer (token ids); the first layer 'lstm_1' is a LstmLayer. (Parameter 'options')", error.Message);
    }

    [Fact]
    public void KeyInputNeedsSequenceInput()
    {
        using var model = Model(new TensorShape(4), new EmbeddingLayer(Vocabulary, 3), new LstmLayer(Hidden));
        var error = Assert.Throws<ArgumentException>(() => OnnxExporter.Export(model, new OnnxExportOptions { KeyInput = true }));
        Assert.Equal("OnnxExportOptions.KeyInput needs SequenceInput: key values arrive unpadded, one row's tokens of any length. (Parameter 'options')", error.Message);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, false)]
    [InlineData(true, true)]
    [InlineData(false, true)]
    public void TokenModelPassesTheChecker(bool batch, bool sequenceInput)
    {
        using var model = Model(new TensorShape(7), new EmbeddingLayer(Vocabulary, EmbeddingSize), Bidirectional(Cell.Gru, true), new LstmLayer(3, true),
            new SimpleRnnLayer(4, ActivationKind.Relu), new DenseLayer(Outputs));
        OnnxCheckerTests.AssertCheckerAccepts(OnnxExporter.Export(model, new OnnxExportOptions { Head = OnnxOutputHead.Multiclass, BatchDimension = batch, SequenceInput = sequenceInput }));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void FeatureSequenceModelPassesTheChecker(bool batch)
    {
        using var model = Model(new TensorShape(5, Features), Bidirectional(Cell.Lstm, true), new SimpleRnnLayer(4), new DenseLayer(Outputs));
        OnnxCheckerTests.AssertCheckerAccepts(OnnxExporter.Export(model, new OnnxExportOptions { BatchDimension = batch }));
    }

    // ------------------------------------------------------------------ parity helpers

    private void Report(string what, float max) => output.WriteLine($"{what}: max |ONNX Runtime − Predict| = {max:E2}");

    /// <summary>Asserts |actual − expected| ≤ 1e-5 elementwise; returns the largest difference.</summary>
    private static float AssertAbsoluteClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        float max = 0f;
        for (int i = 0; i < expected.Length; i++)
        {
            float diff = MathF.Abs(actual[i] - expected[i]);
            Assert.True(diff <= AbsoluteTolerance, $"{what}: element {i} differs: ONNX Runtime {actual[i]:R}, Sequential.Predict {expected[i]:R} (|diff| {diff:E3}).");
            max = MathF.Max(max, diff);
        }
        return max;
    }

    // Batched [N, T, F] and one row at a time [T, F], against Predict.
    private static float AssertFeatureParity(Sequential model)
    {
        int width = model.InputShape.Size;
        var x = Inputs(Rows, width, seed: 5);
        return AssertBothForms(model, x);
    }

    private static float AssertBothForms(Sequential model, float[] x)
    {
        int width = model.InputShape.Size, outputs = model.OutputShape.Size;
        var expected = model.Predict(x, Rows);
        int[] sample = model.InputShape.Dimensions.ToArray();

        var batched = Run(OnnxExporter.Export(model, new OnnxExportOptions()), "Features", x, [Rows, .. sample])["Score"];
        Assert.Equal([Rows, outputs], batched.Shape);
        float max = AssertAbsoluteClose(expected, batched.Floats, "batched Score");

        var single = OnnxExporter.Export(model, new OnnxExportOptions { BatchDimension = false });
        for (int r = 0; r < Rows; r++)
        {
            var score = Run(single, "Features", x.AsSpan(r * width, width).ToArray(), sample)["Score"];
            Assert.Equal([outputs], score.Shape);
            max = MathF.Max(max, AssertAbsoluteClose(expected.AsSpan(r * outputs, outputs), score.Floats, $"row {r} Score"));
        }
        return max;
    }

    /// <summary>
    /// Token rows of lengths 0, T, 1 and random ones (−1 padding after them), ids in [0, V): the fixed-length forms
    /// [N, T] and [T]; then the variable-length forms of <see cref="OnnxExportOptions.SequenceInput"/>: each row's ids
    /// alone as [1, L] (L = its length, 0 included, plus rows longer than T that the graph truncates), and [N, L] with L &lt; T and L &gt; T.
    /// </summary>
    private static float AssertTokenParity(Sequential model)
    {
        int steps = model.InputShape.Size, outputs = model.OutputShape.Size;
        var random = new Random(23);
        // Unpadded id lists; some longer than T (the graph keeps the first T).
        var lists = new List<float[]>();
        int[] lengths = [0, steps, 1, steps + 3, random.Next(steps + 1), random.Next(steps + 1)];
        foreach (int length in lengths) lists.Add(Enumerable.Range(0, length).Select(_ => (float)random.Next(Vocabulary)).ToArray());

        float[] Fit(float[] ids, int width) => Enumerable.Range(0, width).Select(t => t < ids.Length ? ids[t] : -1f).ToArray();
        var x = lists.SelectMany(ids => Fit(ids, steps)).ToArray();
        float max = AssertBothForms(model, x);
        var expected = model.Predict(x, Rows);

        var chain = OnnxExporter.Export(model, new OnnxExportOptions { BatchDimension = false, SequenceInput = true });
        for (int r = 0; r < Rows; r++)
        {
            var score = Run(chain, "Features", lists[r], 1, lists[r].Length)["Score"];
            Assert.Equal([outputs], score.Shape);
            max = MathF.Max(max, AssertAbsoluteClose(expected.AsSpan(r * outputs, outputs), score.Floats, $"[1, L = {lists[r].Length}] row {r} Score"));
        }

        // The scoring chain's form: ML.NET key values as uint32 [1, L] (keys are the ids; no padding in an unpadded row).
        var keyChain = OnnxExporter.Export(model, new OnnxExportOptions { BatchDimension = false, SequenceInput = true, KeyInput = true });
        for (int r = 0; r < Rows; r++)
        {
            var keys = lists[r].Select(id => (uint)id).ToArray();
            var score = RunKeys(keyChain, "Features", keys)["Score"];
            Assert.Equal([outputs], score.Shape);
            max = MathF.Max(max, AssertAbsoluteClose(expected.AsSpan(r * outputs, outputs), score.Floats, $"uint32 keys [1, L = {keys.Length}] row {r} Score"));
        }

        var batched = OnnxExporter.Export(model, new OnnxExportOptions { SequenceInput = true });
        foreach (int width in new[] { Math.Max(1, steps - 2), steps + 2 })
        {
            // Rows padded (or cut) to the width; the graph cuts or pads to T again: Predict on x of the rows cut to the width.
            var wide = lists.SelectMany(ids => Fit(ids, width)).ToArray();
            var cut = lists.SelectMany(ids => Fit(ids.Take(width).ToArray(), steps)).ToArray();
            var score = Run(batched, "Features", wide, Rows, width)["Score"];
            Assert.Equal([Rows, outputs], score.Shape);
            max = MathF.Max(max, AssertAbsoluteClose(model.Predict(cut, Rows), score.Floats, $"[N, L = {width}] Score"));
        }
        return max;
    }

    private static Dictionary<string, OnnxOutput> RunKeys(byte[] onnx, string inputName, uint[] keys)
    {
        using var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        using var session = new InferenceSession(onnx, options);
        var input = NamedOnnxValue.CreateFromTensor(inputName, new DenseTensor<uint>(keys, [1, keys.Length]));
        using var results = session.Run([input]);
        return results.ToDictionary(r => r.Name, r => OnnxOutput.From(r));
    }
}
