using MLNet.DeepExtensions.Kernels;
using MLNet.DeepExtensions.Networks.Layers;
using Xunit.Abstractions;
using static MLNet.DeepExtensions.Networks.Tests.Onnx.OnnxTestSupport;

namespace MLNet.DeepExtensions.Networks.Tests.Onnx;

/// <summary>
/// Each layer exported to ONNX and run in ONNX Runtime reproduces Sequential.Predict on the managed CPU backend to
/// 1e-5 (absolute + relative), batched ([N, F]) and one sample at a time ([F]).
/// </summary>
public sealed class OnnxLayerExportTests(ITestOutputHelper output) : IDisposable
{
    private readonly ManagedCpuBackend _backend = new(1);

    public void Dispose() => _backend.Dispose();

    private void Check(string what, TensorShape input, params Layer[] layers)
    {
        using var model = Build(_backend, input, layers);
        float max = AssertRawParity(model);
        output.WriteLine($"{what}: max |ONNX Runtime − Predict| = {max:E2}");
    }

    public static TheoryData<ActivationKind> ActivationKinds() => new(Enum.GetValues<ActivationKind>());

    [Theory]
    [MemberData(nameof(ActivationKinds))]
    public void EveryActivationMatchesPredict(ActivationKind kind) =>
        Check($"Dense+{kind}", new TensorShape(6), new DenseLayer(9), new ActivationLayer(kind));

    [Theory]
    [InlineData(ActivationKind.LeakyRelu, 0.2f)]
    [InlineData(ActivationKind.Elu, 0.5f)]
    public void ActivationAlphaIsExported(ActivationKind kind, float alpha) =>
        Check($"{kind}({alpha})", new TensorShape(6), new DenseLayer(9), new ActivationLayer(new Activation(kind, alpha)));

    [Fact]
    public void DenseWithBiasMatchesPredict() => Check("Dense", new TensorShape(5), new DenseLayer(4));

    [Fact]
    public void DenseWithoutBiasMatchesPredict() => Check("Dense(no bias)", new TensorShape(5), new DenseLayer(4, useBias: false));

    [Fact]
    public void MaxoutMatchesPredict() => Check("Maxout", new TensorShape(5), new DenseLayer(12), new MaxoutLayer(3));

    [Fact]
    public void BatchNormUsesTrainedRunningStatistics()
    {
        using var model = new Sequential(new DenseLayer(6), new BatchNormLayer(momentum: 0.3f, epsilon: 1e-3f));
        model.Build(_backend, new TensorShape(4), seed: 2);
        // A few training-mode forwards move the running statistics away from (0, 1).
        var x = Inputs(16, 4, seed: 9);
        using (var buffer = _backend.Allocate(x.Length))
        {
            _backend.Upload(x, buffer);
            for (int step = 0; step < 5; step++) model.Forward(buffer, 16, training: true, step);
        }
        var state = model.Parameters.Read().AsSpan(model.Parameters.TrainableCount).ToArray();
        Assert.Contains(state.Take(6), m => MathF.Abs(m) > 1e-2f);          // running mean
        Assert.Contains(state.Skip(6), v => MathF.Abs(v - 1f) > 1e-2f);   // running variance
        float max = AssertRawParity(model);
        output.WriteLine($"BatchNorm (trained statistics): max diff = {max:E2}");
    }

    [Fact]
    public void BatchNormWithRandomStateMatchesPredict() => Check("BatchNorm", new TensorShape(5), new DenseLayer(6), new BatchNormLayer());

    [Fact]
    public void LayerNormMatchesPredict() => Check("LayerNorm", new TensorShape(5), new DenseLayer(6), new LayerNormLayer(epsilon: 1e-4f));

    [Fact]
    public void DropoutIsTheIdentity() => Check("Dropout", new TensorShape(5), new DenseLayer(6), new DropoutLayer(0.5f), new DenseLayer(2));

    [Fact]
    public void FlattenOfAThreeDimensionalInputMatchesPredict() =>
        Check("Flatten(2,3,4)", new TensorShape(2, 3, 4), new ActivationLayer(ActivationKind.Tanh), new FlattenLayer(), new DenseLayer(5));

    [Fact]
    public void StackedModelMatchesPredict() => Check("stacked", new TensorShape(10), StackedLayers());

    /// <summary>A model using every exportable layer kind.</summary>
    internal static Layer[] StackedLayers() =>
    [
        new DenseLayer(16), new BatchNormLayer(), new ActivationLayer(ActivationKind.Gelu), new DropoutLayer(0.3f),
        new DenseLayer(12, useBias: false), new LayerNormLayer(), new ActivationLayer(ActivationKind.Swish),
        new DenseLayer(12), new MaxoutLayer(2), new ActivationLayer(ActivationKind.Selu), new FlattenLayer(), new DenseLayer(4),
    ];
}
