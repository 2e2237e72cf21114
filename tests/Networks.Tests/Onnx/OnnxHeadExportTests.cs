using Microsoft.ML.OnnxRuntime;
using MLNet.DeepExtensions.Networks.Layers;
using MLNet.DeepExtensions.Networks.Onnx;
using Xunit.Abstractions;
using static MLNet.DeepExtensions.Networks.Tests.Onnx.OnnxTestSupport;

namespace MLNet.DeepExtensions.Networks.Tests.Onnx;

/// <summary>
/// Every output head, with and without a batch dimension: output names, element types and shapes as documented
/// (no batch: Score [K] for raw/multiclass, rank 0 for everything else; batch: a leading "N"), and values that
/// match Sequential.Predict. Also label values of every supported type, and the model metadata.
/// </summary>
public sealed class OnnxHeadExportTests(ITestOutputHelper output) : IDisposable
{
    private const int Rows = 6, Width = 5, Classes = 4;
    private readonly ManagedCpuBackend _backend = new(1);

    public void Dispose() => _backend.Dispose();

    private Sequential Model(int outputs) => Build(_backend, new TensorShape(Width), new DenseLayer(8), new ActivationLayer(ActivationKind.Tanh), new DenseLayer(outputs));

    /// <summary>Declared graph outputs as name → (CLR element type, dimensions with -1 for "N", symbolic names).</summary>
    private static Dictionary<string, (Type Type, int[] Dims, string[] Symbols)> Signature(byte[] onnx, out string inputName, out int[] inputDims)
    {
        using var session = new InferenceSession(onnx);
        var input = Assert.Single(session.InputMetadata);
        inputName = input.Key;
        inputDims = input.Value.Dimensions;
        return session.OutputMetadata.ToDictionary(o => o.Key, o => (o.Value.ElementType, o.Value.Dimensions, o.Value.SymbolicDimensions));
    }

    private static void AssertSignature(byte[] onnx, bool batch, params (string Name, Type Type, int[] SampleDims)[] expected)
    {
        var outputs = Signature(onnx, out string inputName, out int[] inputDims);
        Assert.Equal("Features", inputName);
        Assert.Equal(batch ? [-1, Width] : [Width], inputDims);
        Assert.Equal(expected.Select(e => e.Name), outputs.Keys);
        foreach (var (name, type, sampleDims) in expected)
        {
            var actual = outputs[name];
            Assert.Equal(type, actual.Type);
            Assert.Equal(batch ? [-1, .. sampleDims] : sampleDims, actual.Dims);
            if (batch) Assert.Equal("N", actual.Symbols[0]);
        }
    }

    private static float[] Softmax(ReadOnlySpan<float> logits)
    {
        double max = double.NegativeInfinity;
        foreach (float v in logits) max = Math.Max(max, v);
        var e = new double[logits.Length];
        for (int i = 0; i < e.Length; i++) e[i] = Math.Exp(logits[i] - max);
        double sum = e.Sum();
        return e.Select(v => (float)(v / sum)).ToArray();
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++) if (values[i] > values[best]) best = i;
        return best;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void RawHeadDeclaresScoreOnly(bool batch)
    {
        using var model = Model(Classes);
        var onnx = OnnxExporter.Export(model, new OnnxExportOptions { Head = OnnxOutputHead.Raw, BatchDimension = batch });
        AssertSignature(onnx, batch, ("Score", typeof(float), [Classes]));
    }

    [Fact]
    public void MulticlassWithBatchGivesSoftmaxAndUInt32Argmax()
    {
        using var model = Model(Classes);
        var x = Inputs(Rows, Width, seed: 7);
        var logits = model.Predict(x, Rows);
        var onnx = OnnxExporter.Export(model, new OnnxExportOptions { Head = OnnxOutputHead.Multiclass });
        AssertSignature(onnx, batch: true, ("Score", typeof(float), [Classes]), ("PredictedIndex", typeof(uint), []));

        var results = Run(onnx, "Features", x, Rows, Width);
        Assert.Equal([Rows, Classes], results["Score"].Shape);
        Assert.Equal([Rows], results["PredictedIndex"].Shape);
        float max = 0f;
        for (int r = 0; r < Rows; r++)
        {
            var row = logits.AsSpan(r * Classes, Classes);
            max = MathF.Max(max, AssertClose(Softmax(row), results["Score"].Floats.AsSpan(r * Classes, Classes), $"row {r} Score"));
        }
        Assert.Equal(model.PredictClasses(x, Rows).Select(c => (uint)c), (uint[])results["PredictedIndex"].Values);
        output.WriteLine($"multiclass batched: max Score diff = {max:E2}");
    }

    [Fact]
    public void MulticlassWithoutBatchGivesVectorScoreAndScalarIndex()
    {
        using var model = Model(Classes);
        var x = Inputs(Rows, Width, seed: 8);
        var logits = model.Predict(x, Rows);
        var onnx = OnnxExporter.Export(model, new OnnxExportOptions { Head = OnnxOutputHead.Multiclass, BatchDimension = false });
        AssertSignature(onnx, batch: false, ("Score", typeof(float), [Classes]), ("PredictedIndex", typeof(uint), []));
        float max = 0f;
        for (int r = 0; r < Rows; r++)
        {
            var results = Run(onnx, "Features", x.AsSpan(r * Width, Width).ToArray(), Width);
            Assert.Equal([Classes], results["Score"].Shape);
            Assert.Empty(results["PredictedIndex"].Shape); // rank 0
            var row = logits.AsSpan(r * Classes, Classes);
            max = MathF.Max(max, AssertClose(Softmax(row), results["Score"].Floats, $"row {r} Score"));
            Assert.Equal((uint)ArgMax(row), Assert.Single((uint[])results["PredictedIndex"].Values));
        }
        output.WriteLine($"multiclass single rows: max Score diff = {max:E2}");
    }

    public static TheoryData<Array, bool> LabelValueArrays() => new()
    {
        { new[] { "cat", "dog", "émeu", "" }, true },
        { new[] { "cat", "dog", "émeu", "" }, false },
        { new[] { 1.5f, -2f, 3.25f, 0f }, true },
        { new[] { 1.5, -2.0, 3.25, 1e300 }, false },
        { new sbyte[] { -1, 2, -3, 4 }, true },
        { new byte[] { 1, 2, 3, 255 }, false },
        { new short[] { -300, 2, 3, 4 }, true },
        { new ushort[] { 1, 2, 3, 65535 }, false },
        { new[] { 10, -20, 30, 40 }, true },
        { new uint[] { 0, 1, 2, 3 }, false },
        { new[] { long.MinValue, 2L, 3L, long.MaxValue }, true },
        { new ulong[] { 1, 2, 3, ulong.MaxValue }, false },
        { new[] { true, false, false, true }, true },
    };

    [Theory]
    [MemberData(nameof(LabelValueArrays))]
    public void PredictedLabelValueIsTheLabelOfTheArgmax(Array labels, bool batch)
    {
        using var model = Model(Classes);
        var x = Inputs(Rows, Width, seed: 9);
        var classes = model.PredictClasses(x, Rows);
        var onnx = OnnxExporter.Export(model, new OnnxExportOptions { Head = OnnxOutputHead.Multiclass, BatchDimension = batch, LabelValues = labels });
        var elementType = labels.GetType().GetElementType()!;
        AssertSignature(onnx, batch, ("Score", typeof(float), [Classes]), ("PredictedIndex", typeof(uint), []), ("PredictedLabelValue", elementType, []));

        var expected = classes.Select(c => labels.GetValue(c)).ToArray();
        if (batch)
        {
            var value = Run(onnx, "Features", x, Rows, Width)["PredictedLabelValue"];
            Assert.Equal([Rows], value.Shape);
            Assert.Equal(elementType, value.ElementType);
            Assert.Equal(expected, value.Values.Cast<object>());
        }
        else
        {
            for (int r = 0; r < Rows; r++)
            {
                var value = Run(onnx, "Features", x.AsSpan(r * Width, Width).ToArray(), Width)["PredictedLabelValue"];
                Assert.Empty(value.Shape);
                Assert.Equal(expected[r], Assert.Single(value.Values.Cast<object>()));
            }
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void BinaryGivesLogitProbabilityAndBoolLabel(bool batch)
    {
        using var model = Model(1);
        var x = Inputs(Rows, Width, seed: 10);
        var logits = model.Predict(x, Rows);
        Assert.Contains(logits, l => l > 0f);
        Assert.Contains(logits, l => l < 0f);
        var onnx = OnnxExporter.Export(model, new OnnxExportOptions { Head = OnnxOutputHead.Binary, BatchDimension = batch });
        AssertSignature(onnx, batch, ("Score", typeof(float), []), ("Probability", typeof(float), []), ("PredictedLabel", typeof(bool), []));

        var score = new float[Rows];
        var probability = new float[Rows];
        var label = new bool[Rows];
        if (batch)
        {
            var results = Run(onnx, "Features", x, Rows, Width);
            foreach (var name in new[] { "Score", "Probability", "PredictedLabel" }) Assert.Equal([Rows], results[name].Shape);
            score = results["Score"].Floats;
            probability = results["Probability"].Floats;
            label = (bool[])results["PredictedLabel"].Values;
        }
        else
        {
            for (int r = 0; r < Rows; r++)
            {
                var results = Run(onnx, "Features", x.AsSpan(r * Width, Width).ToArray(), Width);
                foreach (var name in new[] { "Score", "Probability", "PredictedLabel" }) Assert.Empty(results[name].Shape); // rank 0
                score[r] = results["Score"].Floats[0];
                probability[r] = results["Probability"].Floats[0];
                label[r] = ((bool[])results["PredictedLabel"].Values)[0];
            }
        }
        float max = AssertClose(logits, score, "Score");
        max = MathF.Max(max, AssertClose(logits.Select(l => (float)(1 / (1 + Math.Exp(-l)))).ToArray(), probability, "Probability"));
        Assert.Equal(logits.Select(l => l > 0f), label);
        output.WriteLine($"binary (batch {batch}): max diff = {max:E2}");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void RegressionGivesOneScore(bool batch)
    {
        using var model = Model(1);
        var x = Inputs(Rows, Width, seed: 11);
        var expected = model.Predict(x, Rows);
        var onnx = OnnxExporter.Export(model, new OnnxExportOptions { Head = OnnxOutputHead.Regression, BatchDimension = batch });
        AssertSignature(onnx, batch, ("Score", typeof(float), []));
        var score = new float[Rows];
        if (batch)
        {
            var result = Run(onnx, "Features", x, Rows, Width)["Score"];
            Assert.Equal([Rows], result.Shape);
            score = result.Floats;
        }
        else
        {
            for (int r = 0; r < Rows; r++)
            {
                var result = Run(onnx, "Features", x.AsSpan(r * Width, Width).ToArray(), Width)["Score"];
                Assert.Empty(result.Shape); // rank 0
                score[r] = result.Floats[0];
            }
        }
        output.WriteLine($"regression (batch {batch}): max diff = {AssertClose(expected, score, "Score"):E2}");
    }

    [Fact]
    public void MetadataProducerGraphAndInputNamesAreWritten()
    {
        using var model = Model(Classes);
        var metadata = new Dictionary<string, string> { ["architecture"] = "Dense(8) Tanh Dense(4)", ["task"] = "Multiclass", ["empty"] = "" };
        var onnx = OnnxExporter.Export(model, new OnnxExportOptions { InputName = "Pixels", GraphName = "digits", Metadata = metadata });
        using var session = new InferenceSession(onnx);
        Assert.Equal("MLNet.DeepExtensions", session.ModelMetadata.ProducerName);
        Assert.Equal("digits", session.ModelMetadata.GraphName);
        Assert.Equal(metadata, session.ModelMetadata.CustomMetadataMap);
        Assert.Equal("Pixels", Assert.Single(session.InputMetadata).Key);
        Assert.Equal([-1, Classes], Run(onnx, "Pixels", Inputs(3, Width, 1), 3, Width)["Score"].Shape.Select((d, i) => i == 0 ? -1 : d));
    }
}
