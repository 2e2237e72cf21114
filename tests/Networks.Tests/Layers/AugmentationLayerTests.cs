using MLNet.DeepExtensions.Kernels;
using MLNet.DeepExtensions.Networks.Layers;

namespace MLNet.DeepExtensions.Networks.Tests.Layers;

/// <summary>
/// The augmentation layers (<see cref="RandomHorizontalFlipLayer"/>, <see cref="RandomCropLayer"/>,
/// <see cref="GaussianNoiseLayer"/>): finite-difference checks in training mode (the step's seed is fixed, so the
/// transform is a fixed linear map and backward must be its adjoint), the identity in inference, seeding through
/// <see cref="Sequential"/>, the same augmentation on every backend, and the shape rules and messages.
/// </summary>
public sealed class AugmentationLayerTests
{
    // ---------------------------------------------------------------- gradients (double, ReferenceBackend)

    [Theory]
    [InlineData(6, 2, 5, 7)]
    [InlineData(7, 1, 1, 1)]
    [InlineData(5, 3, 4, 1)]
    public void RandomHorizontalFlipGradient(int batch, int channels, int height, int width) =>
        GradientCheck.CheckModel([new RandomHorizontalFlipLayer()], new TensorShape(channels, height, width), batch);

    [Theory]
    [InlineData(1, 6, 3, 4, 5)]
    [InlineData(4, 5, 1, 7, 7)]  // shifts as large as half the image: many samples lose most of it
    [InlineData(0, 3, 2, 3, 3)]  // padding 0: the identity, in training too
    [InlineData(4, 3, 1, 1, 7)]  // padding above the height
    public void RandomCropGradient(int padding, int batch, int channels, int height, int width) =>
        GradientCheck.CheckModel([new RandomCropLayer(padding)], new TensorShape(channels, height, width), batch);

    [Theory]
    [InlineData(0.3f, 4, 20)]
    [InlineData(1f, 1, 7)]
    public void GaussianNoiseGradient(float standardDeviation, int batch, int features) =>
        GradientCheck.CheckModel([new GaussianNoiseLayer(standardDeviation)], new TensorShape(features), batch);

    [Fact]
    public void AugmentationPipelineBeforeAConvNetGradient() =>
        // Parameter gradients flow through the augmented input: crop → flip → noise → conv → pool → dense.
        GradientCheck.CheckModel(
            [new RandomCropLayer(2), new RandomHorizontalFlipLayer(), new GaussianNoiseLayer(0.2f),
                new Conv2DLayer(3, 3, padding: Conv2DPadding.Same), new GlobalAvgPoolLayer(), new DenseLayer(2)],
            new TensorShape(2, 5, 6), batch: 4);

    [Fact]
    public void AugmentationPipelineInInferenceGradient() =>
        GradientCheck.CheckModel(
            [new RandomCropLayer(1), new RandomHorizontalFlipLayer(), new GaussianNoiseLayer(0.5f), new FlattenLayer(), new DenseLayer(3)],
            new TensorShape(2, 3, 4), batch: 3, training: false);

    // ---------------------------------------------------------------- inference and training behaviour

    public static TheoryData<string> LayerKinds() => new() { "random_flip", "random_crop", "gaussian_noise" };

    private static Layer Create(string kind) => kind switch
    {
        "random_flip" => new RandomHorizontalFlipLayer(),
        "random_crop" => new RandomCropLayer(2),
        "gaussian_noise" => new GaussianNoiseLayer(0.5f),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown kind"),
    };

    [Theory]
    [MemberData(nameof(LayerKinds))]
    public void InferenceReturnsTheInputBufferUnchanged(string kind)
    {
        using var backend = new ManagedCpuBackend(1);
        using var model = new Sequential(Create(kind));
        model.Build(backend, new TensorShape(2, 5, 6), seed: 3);
        float[] values = Values(8 * 60);
        using var input = backend.Allocate(values.Length);
        backend.Upload(values, input);
        var output = model.Forward(input, 8, training: false, step: 4);
        Assert.Same(input, output); // no copy
        var back = new float[values.Length];
        backend.Download(output, back);
        Assert.Equal(values, back);
        using var dOutput = backend.Allocate(values.Length);
        Assert.Same(dOutput, model.Backward(dOutput, 8, computeInputGradient: true)); // identity gradient, no copy
    }

    [Theory]
    [MemberData(nameof(LayerKinds))]
    public void TrainingChangesTheBatchAndIsReproducible(string kind)
    {
        using var backend = new ManagedCpuBackend(1);
        using var model = new Sequential(Create(kind));
        model.Build(backend, new TensorShape(2, 5, 6), seed: 3);
        float[] values = Values(16 * 60);
        float[] first = Run(model, backend, values, 16, step: 7);
        Assert.NotEqual(values, first);
        Assert.Equal(first, Run(model, backend, values, 16, step: 7));   // same model seed, step and layer: same augmentation
        Assert.NotEqual(first, Run(model, backend, values, 16, step: 8)); // the next step draws anew

        using var reseeded = new Sequential(Create(kind));
        reseeded.Build(backend, new TensorShape(2, 5, 6), seed: 4);
        Assert.NotEqual(first, Run(reseeded, backend, values, 16, step: 7));
    }

    [Fact]
    public void EachFlippedSampleIsTheMirrorAndAboutHalfAreFlipped()
    {
        const int batch = 400, height = 3, width = 5;
        using var backend = new ManagedCpuBackend(1);
        using var model = new Sequential(new RandomHorizontalFlipLayer());
        model.Build(backend, new TensorShape(1, height, width), seed: 12);
        float[] values = Values(batch * height * width);
        float[] output = Run(model, backend, values, batch, step: 1);
        int flipped = 0;
        for (int n = 0; n < batch; n++)
        {
            bool same = true, mirrored = true;
            for (int y = 0; y < height; y++)
            {
                for (int x = 0; x < width; x++)
                {
                    float v = output[(n * height + y) * width + x];
                    same &= v == values[(n * height + y) * width + x];
                    mirrored &= v == values[(n * height + y) * width + width - 1 - x];
                }
            }
            Assert.True(same || mirrored, $"sample {n} is neither the input nor its mirror");
            if (mirrored) flipped++;
        }
        Assert.InRange(flipped, 0.4 * batch, 0.6 * batch); // Binomial(400, 1/2): σ = 10, so ±80 is 8σ
    }

    [Fact]
    public void CropShiftsCoverMinusPaddingToPadding()
    {
        // A single 1 on a 9x9 plane of zeros, in the middle: its position in the output is the (negated) shift.
        const int batch = 2000, size = 9, padding = 3;
        using var backend = new ManagedCpuBackend(1);
        using var model = new Sequential(new RandomCropLayer(padding));
        model.Build(backend, new TensorShape(1, size, size), seed: 5);
        var values = new float[batch * size * size];
        for (int n = 0; n < batch; n++) values[n * size * size + 4 * size + 4] = 1f;
        float[] output = Run(model, backend, values, batch, step: 2);
        var seen = new int[2 * padding + 1, 2 * padding + 1];
        for (int n = 0; n < batch; n++)
        {
            int at = Array.IndexOf(output, 1f, n * size * size, size * size) - n * size * size;
            Assert.True(at >= 0, $"sample {n}: a shift of at most {padding} keeps the centre pixel inside");
            seen[4 - at / size + padding, 4 - at % size + padding]++;
        }
        foreach (int count in seen) Assert.InRange(count, 15, 90); // each of the 49 shifts ≈ 41 times (σ ≈ 6.3)
    }

    [Fact]
    public void AugmentationIsTheSameOnEveryBackend()
    {
        var shape = new TensorShape(3, 7, 5);
        const int batch = 9;
        float[] values = Values(batch * shape.Size);
        Sequential Pipeline() => new(new RandomCropLayer(2), new RandomHorizontalFlipLayer(), new GaussianNoiseLayer(0.25f));

        using var reference = new ReferenceBackend();
        using var managed = new ManagedCpuBackend(1);
        using var ilgpu = IlgpuBackend.CreateCpuAccelerator();
        using Sequential onReference = Pipeline(), onManaged = Pipeline(), onIlgpu = Pipeline();
        onReference.Build(reference, shape, seed: 21);
        onManaged.Build(managed, shape, seed: 21);
        onIlgpu.Build(ilgpu, shape, seed: 21);
        float[] expected = Run(onReference, reference, values, batch, step: 6);
        float[] fromManaged = Run(onManaged, managed, values, batch, step: 6);
        float[] fromIlgpu = Run(onIlgpu, ilgpu, values, batch, step: 6);
        for (int i = 0; i < expected.Length; i++)
        {
            // The crops and flips are identical; only the noise's float rounding differs (|σ·z| ≤ 1.45).
            Assert.True(Math.Abs(expected[i] - fromManaged[i]) <= 1e-5 + 1e-6 * Math.Abs(expected[i]), $"managed [{i}]: {fromManaged[i]} vs reference {expected[i]}");
            Assert.Equal(fromManaged[i], fromIlgpu[i]);
        }
    }

    // ---------------------------------------------------------------- configuration, shapes, messages

    [Fact]
    public void KindsNamesAndDescriptions()
    {
        using var backend = new ReferenceBackend();
        using var model = new Sequential(new RandomHorizontalFlipLayer(), new RandomCropLayer(4), new GaussianNoiseLayer(0.1f), new FlattenLayer());
        model.Build(backend, new TensorShape(3, 8, 8), seed: 1);
        Assert.Equal(["random_flip_1", "random_crop_1", "gaussian_noise_1", "flatten_1"], model.Layers.Select(l => l.Name));
        Assert.Equal(["RandomHorizontalFlip", "RandomCrop(padding 4)", "GaussianNoise(0.1)"], model.Layers.Take(3).Select(l => l.Describe()));
        Assert.All(model.Layers.Take(3), l => Assert.Equal(new TensorShape(3, 8, 8), l.OutputShape));
        Assert.Equal(0, model.Parameters.TrainableCount);
        var crop = (RandomCropLayer)model.Layers[1];
        Assert.Equal((false, 4), (crop.HorizontalFlip, crop.Padding));
        var flip = (RandomHorizontalFlipLayer)model.Layers[0];
        Assert.Equal((true, 0), (flip.HorizontalFlip, flip.Padding));
    }

    [Fact]
    public void FlipAndCropNeedAnImageShape()
    {
        var e = Assert.Throws<ArgumentException>(() => new RandomHorizontalFlipLayer("flip").Build(new TensorShape(12), new ParameterStore()));
        Assert.StartsWith("RandomHorizontalFlip layer 'flip' needs an input shape (channels, height, width); got (12).", e.Message);
        e = Assert.Throws<ArgumentException>(() => new RandomCropLayer(1, "crop").Build(new TensorShape(3, 4), new ParameterStore()));
        Assert.StartsWith("RandomCrop(padding 1) layer 'crop' needs an input shape (channels, height, width); got (3, 4).", e.Message);
    }

    [Fact]
    public void NoiseWorksOnAnyShape()
    {
        var layer = new GaussianNoiseLayer(0.1f);
        layer.Build(new TensorShape(2, 3), new ParameterStore());
        Assert.Equal(new TensorShape(2, 3), layer.OutputShape);
    }

    [Fact]
    public void APaddingBeyondTheImageIsRejectedAtBuild()
    {
        var e = Assert.Throws<ArgumentException>(() => new RandomCropLayer(6, "crop").Build(new TensorShape(1, 3, 5), new ParameterStore()));
        Assert.StartsWith("RandomCrop(padding 6) layer 'crop' cannot shift input shape (1, 3, 5) by up to 6: padding must be at most max(height, width) = 5.", e.Message);
    }

    [Fact]
    public void BadConfigurationIsRejectedWithTheValue()
    {
        var padding = Assert.Throws<ArgumentOutOfRangeException>(() => new RandomCropLayer(-1));
        Assert.Equal("padding", padding.ParamName);
        Assert.StartsWith("padding must be non-negative; got -1.", padding.Message);
        var noise = Assert.Throws<ArgumentOutOfRangeException>(() => new GaussianNoiseLayer(-0.5f));
        Assert.Equal("standardDeviation", noise.ParamName);
        Assert.StartsWith("standardDeviation must be finite and >= 0; got -0.5.", noise.Message);
        Assert.StartsWith("standardDeviation must be finite and >= 0; got NaN.",
            Assert.Throws<ArgumentOutOfRangeException>(() => new GaussianNoiseLayer(float.NaN)).Message);
    }

    private static float[] Run(Sequential model, ComputeBackend backend, float[] values, int batch, long step)
    {
        using var input = backend.Allocate(values.Length);
        backend.Upload(values, input);
        var output = model.Forward(input, batch, training: true, step);
        var result = new float[values.Length];
        backend.Download(output, result);
        return result;
    }

    // 1, 2, 3, ...: distinct and non-zero, so zero fill and moved values are recognisable.
    private static float[] Values(int length) => Enumerable.Range(1, length).Select(i => (float)i).ToArray();
}
