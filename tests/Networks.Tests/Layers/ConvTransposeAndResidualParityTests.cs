using MLNet.DeepExtensions.Kernels;
using MLNet.DeepExtensions.Networks.Layers;

namespace MLNet.DeepExtensions.Networks.Tests.Layers;

/// <summary>
/// <see cref="Conv2DTransposeLayer"/> and <see cref="ResidualBlock"/> through a training forward and backward: the managed
/// CPU backend and ILGPU's CPU accelerator against the reference backend, at awkward sizes (batch 1 and 7, one channel,
/// 33 filters, odd and non-square images), with float32 tolerances (see <see cref="LayerBackendParity"/>).
/// </summary>
[Collection(IlgpuCpuBackendCollection.Name)]
public sealed class ConvTransposeAndResidualParityTests(IlgpuCpuBackendFixture fixture) : IDisposable
{
    private readonly ReferenceBackend _reference = new();
    private readonly ManagedCpuBackend _managed = new(numberOfThreads: 2);

    public void Dispose()
    {
        _reference.Dispose();
        _managed.Dispose();
    }

    /// <summary>(batch, C, H, W, filters, kH, kW, stride, padding, outputPadding, dilation).</summary>
    public static IEnumerable<object[]> TransposeCases() =>
    [
        [1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1],
        [3, 7, 9, 6, 3, 3, 3, 2, 1, 1, 1],
        [2, 3, 7, 5, 7, 4, 2, 2, 0, 1, 2],
        [1, 2, 5, 7, 33, 3, 5, 3, 2, 2, 1],
        [7, 5, 3, 3, 2, 3, 3, 1, 1, 0, 2],
        [2, 4, 6, 4, 3, 2, 2, 2, 0, 0, 1],
    ];

    private void CheckBoth(Func<Layer[]> makeLayers, TensorShape inputShape, int batch, float sumScale)
    {
        LayerBackendParity.Check(_managed, _reference, makeLayers, inputShape, batch, sumScale);
        LayerBackendParity.Check(fixture.Backend, _reference, makeLayers, inputShape, batch, sumScale);
    }

    [Theory]
    [MemberData(nameof(TransposeCases))]
    public void Conv2DTranspose(int batch, int channels, int height, int width, int filters, int kernelH, int kernelW, int stride, int padding,
        int outputPadding, int dilation) =>
        CheckBoth(() => [new Conv2DTransposeLayer(filters, kernelH, kernelW, stride, padding, outputPadding, dilation)],
            new TensorShape(channels, height, width), batch, MathF.Sqrt(Math.Max(channels, filters) * kernelH * kernelW));

    [Theory]
    [InlineData(1, 1, 7, 5)]
    [InlineData(7, 3, 9, 6)]
    [InlineData(2, 33, 3, 3)]
    public void ResidualBlocks(int batch, int channels, int height, int width) =>
        CheckBoth(() =>
            [new ResidualBlock([new Conv2DLayer(channels, 3, padding: Conv2DPadding.Same), new BatchNorm2DLayer(), new ActivationLayer(ActivationKind.Relu), new Conv2DLayer(channels, 3, padding: 1)]),
             new ResidualBlock([new Conv2DLayer(5, 3, stride: 2, padding: 1), new ActivationLayer(ActivationKind.Tanh), new Conv2DLayer(5, 3, padding: 1)],
                 [new Conv2DLayer(5, 1, stride: 2)]),
             new Conv2DTransposeLayer(2, 3, stride: 2, padding: 1, outputPadding: 1), new FlattenLayer(), new DenseLayer(3)],
            new TensorShape(channels, height, width), batch, MathF.Sqrt(channels * 9) * 4);
}
