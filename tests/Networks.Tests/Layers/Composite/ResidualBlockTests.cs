using MLNet.DeepExtensions.Kernels;
using MLNet.DeepExtensions.Networks.Layers;

namespace MLNet.DeepExtensions.Networks.Tests.Layers;

/// <summary>
/// <see cref="ResidualBlock"/>: finite-difference checks (double precision) with identity and projection shortcuts and
/// inside a model; the first-layer path; names, summaries, seeds, disposal, and the shape-mismatch message.
/// </summary>
public sealed class ResidualBlockTests
{
    private static ResidualBlock BasicBlock(int channels) => new(
        [new Conv2DLayer(channels, 3, padding: Conv2DPadding.Same), new ActivationLayer(ActivationKind.Relu), new Conv2DLayer(channels, 3, padding: Conv2DPadding.Same)]);

    private static ResidualBlock DownsamplingBlock(int filters) => new(
        [new Conv2DLayer(filters, 3, stride: 2, padding: 1), new ActivationLayer(ActivationKind.Relu), new Conv2DLayer(filters, 3, padding: Conv2DPadding.Same)],
        [new Conv2DLayer(filters, 1, stride: 2)]);

    [Fact]
    public void IdentityShortcutGradients() =>
        GradientCheck.CheckModel([BasicBlock(2)], new TensorShape(2, 6, 5), batch: 2);

    [Fact]
    public void ProjectionShortcutGradients() =>
        GradientCheck.CheckModel([DownsamplingBlock(4)], new TensorShape(2, 7, 5), batch: 2);

    [Fact]
    public void BlocksInsideAModelGradients() =>
        GradientCheck.CheckModel(
            [new Conv2DLayer(3, 3, padding: 1), new ActivationLayer(ActivationKind.Tanh), BasicBlock(3), new ActivationLayer(ActivationKind.Tanh),
             DownsamplingBlock(4), new FlattenLayer(), new DenseLayer(3)],
            new TensorShape(2, 6, 5), batch: 3);

    // torchvision's BasicBlock: conv (no bias) → batch norm → ReLU → conv → batch norm, plus x, then ReLU.
    private static Layer[] ResNetStem() =>
    [
        new Conv2DLayer(3, 3, padding: 1, useBias: false), new BatchNorm2DLayer(), new ActivationLayer(ActivationKind.Relu),
        new ResidualBlock([new Conv2DLayer(3, 3, padding: 1, useBias: false), new BatchNorm2DLayer(), new ActivationLayer(ActivationKind.Relu),
            new Conv2DLayer(3, 3, padding: 1, useBias: false), new BatchNorm2DLayer()]),
        new ActivationLayer(ActivationKind.Relu),
    ];

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void BatchNormBasicBlockGradients(bool training) =>
        GradientCheck.CheckModel(ResNetStem(), new TensorShape(2, 5, 4), batch: 3, training, perturbState: !training);

    [Fact]
    public void BatchNormStateIsNamedWithinTheBlockAndUpdatedInTraining()
    {
        using var model = new Sequential(ResNetStem());
        using var backend = new ReferenceBackend();
        model.Build(backend, new TensorShape(2, 5, 4), seed: 1);
        Assert.Equal(
            ["conv2d_1.weight", "batch_norm2d_1.gamma", "batch_norm2d_1.beta", "batch_norm2d_1.running_mean", "batch_norm2d_1.running_variance",
             "residual_1.conv2d_1.weight", "residual_1.batch_norm2d_1.gamma", "residual_1.batch_norm2d_1.beta",
             "residual_1.batch_norm2d_1.running_mean", "residual_1.batch_norm2d_1.running_variance",
             "residual_1.conv2d_2.weight", "residual_1.batch_norm2d_2.gamma", "residual_1.batch_norm2d_2.beta",
             "residual_1.batch_norm2d_2.running_mean", "residual_1.batch_norm2d_2.running_variance"],
            model.Parameters.Parameters.Select(p => p.Name));
        var before = model.Parameters.Read();
        using var input = backend.Allocate(2 * 40);
        backend.Upload(Enumerable.Range(0, 80).Select(i => MathF.Sin(i)).ToArray(), input);
        model.Forward(input, 2, training: true);
        var after = model.Parameters.Read();
        var innerMean = model.Parameters.Parameters.Single(p => p.Name == "residual_1.batch_norm2d_2.running_mean");
        int offset = model.Parameters.TrainableCount + innerMean.Offset;
        Assert.NotEqual(before.AsSpan(offset, 3).ToArray(), after.AsSpan(offset, 3).ToArray());
    }

    [Fact]
    public void DenseBlocksAndANestedBlockGradients() =>
        GradientCheck.CheckModel(
            [new DenseLayer(6), new ResidualBlock([new DenseLayer(6), new ActivationLayer(ActivationKind.Tanh),
                 new ResidualBlock([new DenseLayer(6), new ActivationLayer(ActivationKind.Sigmoid)]), new DenseLayer(6)]),
             new ResidualBlock([new DenseLayer(4)], [new DenseLayer(4, useBias: false)]), new DenseLayer(2)],
            new TensorShape(5), batch: 3);

    [Fact]
    public void AsTheFirstLayerItSkipsTheInputGradientButNotTheParameterGradients()
    {
        using var backend = new ReferenceBackend();
        using var model = new Sequential(DownsamplingBlock(3), new FlattenLayer(), new DenseLayer(2));
        model.Build(backend, new TensorShape(2, 5, 5), seed: 4);
        var random = new Random(4);
        using var input = backend.Allocate(2 * 50);
        using var dOutput = backend.Allocate(2 * 2);
        backend.Upload(Enumerable.Range(0, 100).Select(_ => (float)random.NextDouble() - 0.5f).ToArray(), input);
        backend.Upload([0.5f, -1f, 2f, 0.25f], dOutput);

        float[] Gradients(bool computeInputGradient, out DeviceBuffer? dInput)
        {
            model.Forward(input, 2, training: true);
            model.Parameters.ZeroGradients();
            dInput = model.Backward(dOutput, 2, computeInputGradient);
            var gradients = new float[model.Parameters.TrainableCount];
            backend.Download(model.Parameters.Gradients, gradients);
            return gradients;
        }

        var with = Gradients(true, out var dInput);
        Assert.NotNull(dInput);
        var without = Gradients(false, out dInput);
        Assert.Null(dInput);
        Assert.Equal(with, without);
        Assert.Contains(with, g => g != 0f);
    }

    [Fact]
    public void InnerLayersAreNamedWithinTheBlock()
    {
        var projection = new Conv2DLayer(4, 1, stride: 2, name: "projection");
        using var model = new Sequential(new Conv2DLayer(2, 3, padding: 1), BasicBlock(2),
            new ResidualBlock([new Conv2DLayer(4, 3, stride: 2, padding: 1), new ActivationLayer(ActivationKind.Relu), new Conv2DLayer(4, 3, padding: 1)], [projection], name: "down"));
        using var backend = new ReferenceBackend();
        model.Build(backend, new TensorShape(1, 6, 6), seed: 1);

        var block = (ResidualBlock)model.Layers[1];
        Assert.Equal("residual_1", block.Name);
        Assert.Equal(["residual_1.conv2d_1", "residual_1.relu_1", "residual_1.conv2d_2"], block.Residual.Select(l => l.Name));
        Assert.Empty(block.Shortcut);
        Assert.Equal("down.projection", projection.Name);
        Assert.Equal(
            ["conv2d_1.weight", "conv2d_1.bias",
             "residual_1.conv2d_1.weight", "residual_1.conv2d_1.bias", "residual_1.conv2d_2.weight", "residual_1.conv2d_2.bias",
             "down.conv2d_1.weight", "down.conv2d_1.bias", "down.conv2d_2.weight", "down.conv2d_2.bias", "down.projection.weight", "down.projection.bias"],
            model.Parameters.Parameters.Select(p => p.Name));
    }

    [Fact]
    public void ANestedBlockPrefixesItsLayersWithEveryEnclosingName()
    {
        var inner = new ResidualBlock([new DenseLayer(3)]);
        using var model = new Sequential(new ResidualBlock([new DenseLayer(3), inner]));
        Assert.Equal("residual_1.residual_1", inner.Name);
        Assert.Equal("residual_1.residual_1.dense_1", inner.Residual[0].Name);
    }

    [Fact]
    public void DuplicateNamesWithinABlockAreRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => new ResidualBlock([new DenseLayer(3, name: "a")], [new DenseLayer(3, name: "a")]));
        Assert.Equal("Two layers of the residual block are named 'a'; names must be unique within the block.", e.Message);
        var layer = new DenseLayer(3);
        var twice = Assert.Throws<ArgumentException>(() => new ResidualBlock([layer, layer]));
        Assert.StartsWith("The same layer instance appears twice in the residual block", twice.Message, StringComparison.Ordinal);
        var empty = Assert.Throws<ArgumentException>(() => new ResidualBlock([]));
        Assert.Equal("residual", empty.ParamName);
    }

    [Fact]
    public void MismatchedPathsNameBothShapes()
    {
        using var backend = new ReferenceBackend();
        using var identity = new Sequential(new ResidualBlock([new Conv2DLayer(4, 3, padding: Conv2DPadding.Same)]));
        var e = Assert.Throws<ArgumentException>(() => identity.Build(backend, new TensorShape(2, 6, 5), seed: 1));
        Assert.StartsWith("Residual block 'residual_1' adds its two paths, so their outputs must have the same shape: the residual path gives (4, 6, 5), " +
            "the identity shortcut (the block's input) gives (2, 6, 5) (block input (2, 6, 5)).", e.Message, StringComparison.Ordinal);

        using var projected = new Sequential(new ResidualBlock([new Conv2DLayer(4, 3, stride: 2, padding: 1)], [new Conv2DLayer(4, 1)]));
        e = Assert.Throws<ArgumentException>(() => projected.Build(backend, new TensorShape(2, 6, 5), seed: 1));
        Assert.Contains("the residual path gives (4, 3, 3), the shortcut path gives (4, 6, 5)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DescribeAndSummaryShowBothPaths()
    {
        using var model = new Sequential(new Conv2DLayer(4, 3, padding: 1), DownsamplingBlock(4), BasicBlock(4));
        using var backend = new ReferenceBackend();
        model.Build(backend, new TensorShape(1, 8, 8), seed: 1);
        Assert.Equal("Residual[Conv2D(4, 3x3, stride 2, padding 1) Relu Conv2D(4, 3x3, stride 1, same) | Conv2D(4, 1x1, stride 2, valid)]", model.Layers[1].Describe());
        Assert.EndsWith("| identity]", model.Layers[2].Describe(), StringComparison.Ordinal);

        string[] summary = model.Summary().Split('\n');
        string Row(string name) => summary.Single(line => line.StartsWith(name + " ", StringComparison.Ordinal));
        int block = 4 * 4 * 9 + 4 + 4 * 4 * 9 + 4;
        Assert.Matches(@"^residual_1 +Residual +\(4, 4, 4\) +" + (block + 4 * 4 + 4).ToString("N0") + "$", Row("residual_1").TrimEnd());
        Assert.Matches(@"^  residual_1\.conv2d_1 +Conv2D\(4, 3x3, stride 2, padding 1\) +\(4, 4, 4\) +148$", Row("  residual_1.conv2d_1").TrimEnd());
        Assert.Matches(@"^  residual_1\.conv2d_3 +shortcut: Conv2D\(4, 1x1, stride 2, valid\) +\(4, 4, 4\) +20$", Row("  residual_1.conv2d_3").TrimEnd());
        Assert.Matches(@"^residual_2 +Residual\(identity shortcut\) +\(4, 4, 4\) +" + block.ToString("N0") + "$", Row("residual_2").TrimEnd());
        Assert.Contains($"trainable parameters: {model.ParameterCount:N0}", model.Summary(), StringComparison.Ordinal);
    }

    [Fact]
    public void EachInnerLayerGetsItsOwnSeed()
    {
        var probes = new[] { new ProbeLayer(), new ProbeLayer(), new ProbeLayer() };
        using var model = new Sequential(new ResidualBlock([probes[0], probes[1]], [probes[2]]));
        using var backend = new ReferenceBackend();
        model.Build(backend, new TensorShape(3), seed: 1);
        using var input = backend.Allocate(3);
        model.Forward(input, 1, training: true, step: 5);
        var first = probes.Select(p => p.LastSeed).ToArray();
        Assert.Equal(3, first.Distinct().Count());
        model.Forward(input, 1, training: true, step: 6);
        Assert.All(probes.Zip(first), pair => Assert.NotEqual(pair.Second, pair.First.LastSeed));
        model.Forward(input, 1, training: true, step: 5);
        Assert.Equal(first, probes.Select(p => p.LastSeed));
    }

    [Fact]
    public void TwoDropoutsInOneBlockDrawDifferentMasks()
    {
        using var model = new Sequential(new ResidualBlock([new DropoutLayer(0.5f)], [new DropoutLayer(0.5f)]));
        using var backend = new ManagedCpuBackend(numberOfThreads: 1);
        model.Build(backend, new TensorShape(64), seed: 1);
        using var input = backend.Allocate(64);
        backend.Fill(input, 1f, 64);
        var y = new float[64];
        backend.Download(model.Forward(input, 1, training: true, step: 2), y);
        // Each path is 0 or 2 (inverted dropout); the same mask twice would give only 0 and 4.
        Assert.Contains(2f, y);
        Assert.All(y, v => Assert.Contains(v, new[] { 0f, 2f, 4f }));
    }

    [Fact]
    public void DisposingTheModelDisposesTheInnerLayers()
    {
        var probes = new[] { new ProbeLayer(), new ProbeLayer() };
        var model = new Sequential(new ResidualBlock([probes[0]], [probes[1]]));
        using var backend = new ReferenceBackend();
        model.Build(backend, new TensorShape(3), seed: 1);
        Assert.All(probes, p => Assert.Equal(32, p.Capacity)); // allocated with the block
        model.Dispose();
        Assert.All(probes, p => Assert.True(p.Disposed));
    }

    /// <summary>An identity layer that records its forward seed and its disposal.</summary>
    private sealed class ProbeLayer() : Layer(null)
    {
        public ulong LastSeed { get; private set; }
        public bool Disposed { get; private set; }
        public override string Kind => "probe";
        protected override TensorShape BuildCore(TensorShape inputShape, ParameterStore parameters) => inputShape;
        protected override void AllocateCore(int maxBatchSize) { }

        public override DeviceBuffer Forward(DeviceBuffer input, int batchSize, in ForwardContext context)
        {
            LastSeed = context.Seed;
            return input;
        }

        public override DeviceBuffer? Backward(DeviceBuffer dOutput, int batchSize, bool computeInputGradient) => computeInputGradient ? dOutput : null;

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }
}
