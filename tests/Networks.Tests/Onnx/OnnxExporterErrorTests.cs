using MLNet.DeepExtensions.Kernels;
using MLNet.DeepExtensions.Networks.Layers;
using MLNet.DeepExtensions.Networks.Onnx;

namespace MLNet.DeepExtensions.Networks.Tests.Onnx;

/// <summary>What the exporter refuses, and the exact messages it gives.</summary>
public sealed class OnnxExporterErrorTests : IDisposable
{
    private readonly ManagedCpuBackend _backend = new(1);

    public void Dispose() => _backend.Dispose();

    private Sequential Built(int outputs)
    {
        var model = new Sequential(new DenseLayer(4), new DenseLayer(outputs));
        model.Build(_backend, new TensorShape(3));
        return model;
    }

    /// <summary>A layer the exporter does not know.</summary>
    private sealed class SquareLayer() : Layer(null)
    {
        public override string Kind => "square";
        protected override TensorShape BuildCore(TensorShape inputShape, ParameterStore parameters) => inputShape;
        protected override void AllocateCore(int maxBatchSize) { }
        public override DeviceBuffer Forward(DeviceBuffer input, int batchSize, in ForwardContext context) => input;
        public override DeviceBuffer? Backward(DeviceBuffer dOutput, int batchSize, bool computeInputGradient) => dOutput;
    }

    [Fact]
    public void UnbuiltModelIsRefused()
    {
        using var model = new Sequential(new DenseLayer(2));
        var error = Assert.Throws<InvalidOperationException>(() => OnnxExporter.Export(model, new OnnxExportOptions()));
        Assert.Equal("The model is not built: call Build(backend, inputShape, seed) (or train it) before exporting it to ONNX.", error.Message);
    }

    [Fact]
    public void UnknownLayerIsNamedWithItsType()
    {
        using var model = new Sequential(new DenseLayer(4), new SquareLayer(), new DenseLayer(2));
        model.Build(_backend, new TensorShape(3));
        var error = Assert.Throws<NotSupportedException>(() => OnnxExporter.Export(model, new OnnxExportOptions()));
        Assert.Equal("Layer 'square_1' of type SquareLayer cannot be exported to ONNX: the exporter knows DenseLayer, ActivationLayer, MaxoutLayer, BatchNormLayer, LayerNormLayer, DropoutLayer, FlattenLayer, Conv2DLayer, Conv2DTransposeLayer, MaxPool2DLayer, AvgPool2DLayer, GlobalAvgPoolLayer, BatchNorm2DLayer, ResidualBlock, StandardizationLayer, RandomHorizontalFlipLayer, RandomCropLayer, GaussianNoiseLayer, EmbeddingLayer, LstmLayer, GruLayer, SimpleRnnLayer and BidirectionalLayer.", error.Message);
    }

    [Theory]
    [InlineData(OnnxOutputHead.Binary)]
    [InlineData(OnnxOutputHead.Regression)]
    public void SingleOutputHeadsNeedOneOutput(OnnxOutputHead head)
    {
        using var model = Built(3);
        var error = Assert.Throws<ArgumentException>(() => OnnxExporter.Export(model, new OnnxExportOptions { Head = head }));
        Assert.Equal($"The {head} head needs a model with exactly 1 output; this model has 3. (Parameter 'options')", error.Message);
    }

    [Fact]
    public void LabelValuesNeedOneValuePerClass()
    {
        using var model = Built(3);
        var error = Assert.Throws<ArgumentException>(() => OnnxExporter.Export(model, new OnnxExportOptions { Head = OnnxOutputHead.Multiclass, LabelValues = new[] { "a", "b" } }));
        Assert.Equal("LabelValues has 2 values but the model has 3 outputs (classes); give one label value per class. (Parameter 'options')", error.Message);
    }

    public static TheoryData<Array, string> UnsupportedLabelValues() => new()
    {
        { new[] { 1m, 2m, 3m }, "Decimal" },
        { new[] { 'a', 'b', 'c' }, "Char" },
        { new object[] { "a", "b", "c" }, "Object" },
        { new[] { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Friday }, "DayOfWeek" },
    };

    [Theory]
    [MemberData(nameof(UnsupportedLabelValues))]
    public void UnsupportedLabelValueTypesAreRefused(Array labels, string typeName)
    {
        using var model = Built(3);
        var error = Assert.Throws<ArgumentException>(() => OnnxExporter.Export(model, new OnnxExportOptions { Head = OnnxOutputHead.Multiclass, LabelValues = labels }));
        Assert.Equal($"LabelValues of element type {typeName} cannot be exported to ONNX: use string[] or an array of float, double, sbyte, byte, short, ushort, int, uint, long, ulong or bool. (Parameter 'options')", error.Message);
    }

    [Fact]
    public void MultidimensionalLabelValuesAreRefused()
    {
        using var model = Built(3);
        var error = Assert.Throws<ArgumentException>(() => OnnxExporter.Export(model, new OnnxExportOptions { Head = OnnxOutputHead.Multiclass, LabelValues = new string[3, 1] }));
        Assert.Equal("LabelValues must be a one-dimensional array; got a rank-2 String[,]. (Parameter 'options')", error.Message);
    }

    [Fact]
    public void NullStringLabelValueIsRefused()
    {
        using var model = Built(3);
        var error = Assert.Throws<ArgumentException>(() => OnnxExporter.Export(model, new OnnxExportOptions { Head = OnnxOutputHead.Multiclass, LabelValues = new[] { "a", null!, "c" } }));
        Assert.Equal("LabelValues[1] is null; string label values must not be null. (Parameter 'options')", error.Message);
    }

    [Fact]
    public void LabelValuesNeedTheMulticlassHead()
    {
        using var model = Built(1);
        var error = Assert.Throws<ArgumentException>(() => OnnxExporter.Export(model, new OnnxExportOptions { Head = OnnxOutputHead.Binary, LabelValues = new[] { "yes" } }));
        Assert.Equal("LabelValues apply only to the Multiclass head; the head is Binary. (Parameter 'options')", error.Message);
    }

    [Fact]
    public void InputNameMustNotBeAnOutputName()
    {
        using var model = Built(3);
        var error = Assert.Throws<ArgumentException>(() => OnnxExporter.Export(model, new OnnxExportOptions { Head = OnnxOutputHead.Multiclass, InputName = "PredictedIndex" }));
        Assert.Equal("OnnxExportOptions.InputName 'PredictedIndex' is also the name of an output of the Multiclass head; choose another input name. (Parameter 'options')", error.Message);
    }
}
