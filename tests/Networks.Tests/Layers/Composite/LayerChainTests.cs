using MLNet.DeepExtensions.Kernels;
using MLNet.DeepExtensions.Networks.Layers;

namespace MLNet.DeepExtensions.Networks.Tests.Layers;

/// <summary>
/// <see cref="LayerChain"/> on its own: names (shared namespace, prefixes, nested chains), the null and duplicate
/// checks, the seeds it hands its layers, a finite-difference check through a two-layer chain inside a layer (double
/// precision, fused and not), and disposal.
/// </summary>
public sealed class LayerChainTests
{
    [Fact]
    public void NamesAreCountedPerKindSkipTakenNamesAndNestUnderThePrefix()
    {
        var nested = new ResidualBlock([new DenseLayer(3), new ResidualBlock([new DenseLayer(3)])]);
        var chain = new LayerChain([new DenseLayer(3), new DenseLayer(3, name: "dense_1"), new ActivationLayer(ActivationKind.Relu), nested], "layers");
        LayerChain.AssignLocalNames(name => $"duplicate {name}", chain);

        chain.ApplyNames("");
        Assert.Equal(["dense_2", "dense_1", "relu_1", "residual_1"], chain.Layers.Select(l => l.Name));
        Assert.Equal("residual_1.dense_1", nested.Residual[0].Name);
        Assert.Equal("residual_1.residual_1.dense_1", ((ResidualBlock)nested.Residual[1]).Residual[0].Name);

        // Renaming the owner renames every level again.
        chain.ApplyNames("encoder");
        Assert.Equal(["encoder.dense_2", "encoder.dense_1", "encoder.relu_1", "encoder.residual_1"], chain.Layers.Select(l => l.Name));
        Assert.Equal("encoder.residual_1.residual_1.dense_1", ((ResidualBlock)nested.Residual[1]).Residual[0].Name);
    }

    [Fact]
    public void ChainsNamedTogetherShareOneNamespace()
    {
        var first = new LayerChain([new DenseLayer(3), new DenseLayer(3)], "forward");
        var second = new LayerChain([new DenseLayer(3)], "backward");
        LayerChain.AssignLocalNames(name => $"duplicate {name}", first, second);
        first.ApplyNames("bidirectional_1");
        second.ApplyNames("bidirectional_1");
        Assert.Equal(["bidirectional_1.dense_1", "bidirectional_1.dense_2"], first.Layers.Select(l => l.Name));
        Assert.Equal("bidirectional_1.dense_3", second.Layers[0].Name);

        var clash = Assert.Throws<ArgumentException>(() => LayerChain.AssignLocalNames(
            name => $"Two layers are named '{name}'.", new LayerChain([new DenseLayer(3, name: "a")], "x"), new LayerChain([new DenseLayer(3, name: "a")], "y")));
        Assert.Equal("Two layers are named 'a'.", clash.Message);
    }

    [Fact]
    public void NullAndRepeatedLayersAreRejectedWithTheOwnersWords()
    {
        var e = Assert.Throws<ArgumentNullException>(() => new LayerChain([new DenseLayer(3), null!], "shortcut", pathName: "shortcut"));
        Assert.Equal("shortcut", e.ParamName);
        Assert.StartsWith("Layer 1 of the shortcut path is null.", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentNullException>(() => new LayerChain([null!], "layers"));
        Assert.StartsWith("Layer 0 is null.", e.Message, StringComparison.Ordinal);

        var layer = new DenseLayer(3);
        var twice = Assert.Throws<ArgumentException>(() =>
            LayerChain.RequireDistinctInstances("the encoder", "layers", new LayerChain([new DenseLayer(3), layer], "a"), new LayerChain([layer], "b")));
        Assert.Equal("layers", twice.ParamName);
        Assert.StartsWith("The same layer instance appears twice in the encoder; create a new layer for each position.", twice.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LayerIGetsTheHashOfTheChainSeedAndItsIndex()
    {
        var probes = new[] { new ProbeLayer(), new ProbeLayer() };
        using var chain = new LayerChain(probes, "layers");
        using var backend = new ReferenceBackend();
        Assert.Equal(new TensorShape(3), chain.Build(new TensorShape(3), new ParameterStore()));
        chain.Allocate(backend, 2);
        using var input = backend.Allocate(6);
        Assert.Same(input, chain.Forward(input, 2, new ForwardContext(true, 42), firstSeedIndex: 5));
        Assert.Equal([CounterRandom.Hash(42, 5), CounterRandom.Hash(42, 6)], probes.Select(p => p.LastSeed));
        Assert.All(probes, p => Assert.True(p.LastTraining));
        Assert.Null(chain.Backward(input, 2, computeInputGradient: false));
        Assert.Equal([false, true], probes.Select(p => p.LastComputeInputGradient));
    }

    [Fact]
    public void AnEmptyChainIsTheIdentity()
    {
        using var chain = new LayerChain([], "shortcut");
        using var backend = new ReferenceBackend();
        Assert.Equal(new TensorShape(2, 3), chain.Build(new TensorShape(2, 3), new ParameterStore()));
        chain.Allocate(backend, 1);
        using var buffer = backend.Allocate(6);
        Assert.Same(buffer, chain.Forward(buffer, 1, new ForwardContext(false, 1)));
        Assert.Same(buffer, chain.Backward(buffer, 1, computeInputGradient: true));
        Assert.Null(chain.Backward(buffer, 1, computeInputGradient: false));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TwoLayerChainGradients(bool fuseDenseActivation) =>
        GradientCheck.CheckModel([new ChainLayer(fuseDenseActivation, new DenseLayer(4), new ActivationLayer(ActivationKind.Tanh))], new TensorShape(5), batch: 3);

    [Fact]
    public void AChainOfChainsGradients() =>
        GradientCheck.CheckModel(
            [new ChainLayer(false, new DenseLayer(4), new ChainLayer(true, new DenseLayer(3), new ActivationLayer(ActivationKind.Sigmoid))), new DenseLayer(2)],
            new TensorShape(5), batch: 2);

    [Fact]
    public void DisposeDisposesEachLayerOnce()
    {
        var probes = new[] { new ProbeLayer(), new ProbeLayer(), new ProbeLayer() };
        var block = new ResidualBlock([probes[1]], [probes[2]]);
        var chain = new LayerChain([probes[0], block], "layers");
        chain.Dispose();
        chain.Dispose();
        Assert.Equal([1, 1, 1], probes.Select(p => p.DisposeCount));
    }

    /// <summary>A test container: one layer running a <see cref="LayerChain"/>, as Bidirectional or an encoder would.</summary>
    private sealed class ChainLayer : Layer
    {
        private readonly LayerChain _chain;

        public ChainLayer(bool fuseDenseActivation, params Layer[] layers) : base(null)
        {
            _chain = new LayerChain(layers, nameof(layers), fuseDenseActivation: fuseDenseActivation);
            LayerChain.AssignLocalNames(name => $"duplicate {name}", _chain);
            OnNameChanged();
        }

        public override string Kind => "chain";
        private protected override void OnNameChanged() => _chain.ApplyNames(Name);
        protected override TensorShape BuildCore(TensorShape inputShape, ParameterStore parameters) => _chain.Build(inputShape, parameters);
        protected override void AllocateCore(int maxBatchSize) => _chain.Allocate(Backend, maxBatchSize);

        public override DeviceBuffer Forward(DeviceBuffer input, int batchSize, in ForwardContext context) =>
            _chain.Forward(input, batchSize, context);

        public override DeviceBuffer? Backward(DeviceBuffer dOutput, int batchSize, bool computeInputGradient) =>
            _chain.Backward(dOutput, batchSize, computeInputGradient);

        protected override void Dispose(bool disposing)
        {
            if (disposing) _chain.Dispose();
            base.Dispose(disposing);
        }
    }

    /// <summary>An identity layer that records its last forward and backward calls and counts its disposals.</summary>
    private sealed class ProbeLayer() : Layer(null)
    {
        public ulong LastSeed { get; private set; }
        public bool LastTraining { get; private set; }
        public bool LastComputeInputGradient { get; private set; }
        public int DisposeCount { get; private set; }
        public override string Kind => "probe";
        protected override TensorShape BuildCore(TensorShape inputShape, ParameterStore parameters) => inputShape;
        protected override void AllocateCore(int maxBatchSize) { }

        public override DeviceBuffer Forward(DeviceBuffer input, int batchSize, in ForwardContext context)
        {
            (LastSeed, LastTraining) = (context.Seed, context.Training);
            return input;
        }

        public override DeviceBuffer? Backward(DeviceBuffer dOutput, int batchSize, bool computeInputGradient)
        {
            LastComputeInputGradient = computeInputGradient;
            return computeInputGradient ? dOutput : null;
        }

        protected override void Dispose(bool disposing)
        {
            DisposeCount++;
            base.Dispose(disposing);
        }
    }
}
