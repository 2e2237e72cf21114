using MLNet.DeepExtensions.Kernels.Backends;
using MLNet.DeepExtensions.Kernels.Tests.Backends;

namespace MLNet.DeepExtensions.Kernels.Tests.Scaling;

/// <summary>
/// <see cref="ComputeBackend.ScaleShiftColumns"/> on the three backends: the reference and managed backends against a
/// plain loop written here, the ILGPU CPU accelerator against the managed backend, at awkward sizes, with and without
/// a shift, and in place.
/// </summary>
[Collection(IlgpuCpuAcceleratorCollection.Name)]
public sealed class ScaleShiftColumnsTests(IlgpuCpuAcceleratorFixture fixture)
{
    public static TheoryData<int, int, bool> Sizes()
    {
        var data = new TheoryData<int, int, bool>();
        foreach (var (rows, columns) in new[] { (1, 1), (7, 1), (1, 7), (33, 7), (7, 257), (257, 33) })
        {
            data.Add(rows, columns, true);
            data.Add(rows, columns, false);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void EveryBackendComputesXTimesScalePlusShift(int rows, int columns, bool withShift)
    {
        var random = new Random(rows * 1000 + columns);
        float[] x = Values(random, rows * columns), scale = Values(random, columns), shift = Values(random, columns);
        var expected = new float[rows * columns];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++) expected[r * columns + c] = (float)((double)x[r * columns + c] * scale[c] + (withShift ? shift[c] : 0.0));
        }
        using var reference = new ReferenceBackend();
        using var managed = new ManagedCpuBackend(numberOfThreads: 2);
        float[] onReference = Run(reference, x, scale, withShift ? shift : null, rows, columns, inPlace: false);
        float[] onManaged = Run(managed, x, scale, withShift ? shift : null, rows, columns, inPlace: false);
        float[] onIlgpu = Run(fixture.Backend, x, scale, withShift ? shift : null, rows, columns, inPlace: false);
        float[] managedInPlace = Run(managed, x, scale, withShift ? shift : null, rows, columns, inPlace: true);
        for (int i = 0; i < expected.Length; i++)
        {
            // One rounding of a fused multiply-add against one of a product and one of a sum: within 2 ulps of |result| + |shift|.
            float tolerance = 2e-7f * (Math.Abs(expected[i]) + Math.Abs(shift[i % columns]) + 1e-30f);
            Assert.True(Math.Abs(onReference[i] - expected[i]) <= tolerance, $"reference at {i}: expected {expected[i]}, got {onReference[i]}.");
            Assert.True(Math.Abs(onManaged[i] - expected[i]) <= tolerance, $"managed at {i}: expected {expected[i]}, got {onManaged[i]}.");
            Assert.True(Math.Abs(onIlgpu[i] - onManaged[i]) <= tolerance, $"ILGPU at {i}: managed {onManaged[i]}, got {onIlgpu[i]}.");
            Assert.Equal(onManaged[i], managedInPlace[i]);
        }
    }

    [Fact]
    public void AShortScaleVectorIsRejectedWithItsName()
    {
        using var backend = new ManagedCpuBackend(numberOfThreads: 1);
        using var x = backend.Allocate(12);
        using var scale = backend.Allocate(3);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => backend.ScaleShiftColumns(x, scale, null, x, 3, 4));
        Assert.StartsWith("Buffer 'scale' needs at least 4 elements; got 3.", e.Message);
    }

    private static float[] Run(ComputeBackend backend, float[] x, float[] scale, float[]? shift, int rows, int columns, bool inPlace)
    {
        using var input = backend.Allocate(x.Length);
        using var output = backend.Allocate(x.Length);
        using var s = backend.Allocate(scale.Length);
        using var b = backend.Allocate(scale.Length);
        backend.Upload(x, input);
        backend.Upload(scale, s);
        if (shift is not null) backend.Upload(shift, b);
        var destination = inPlace ? input : output;
        backend.ScaleShiftColumns(input, s, shift is null ? null : b, destination, rows, columns);
        var result = new float[x.Length];
        backend.Download(destination, result);
        return result;
    }

    private static float[] Values(Random random, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (float)(random.NextDouble() * 4 - 2);
        return values;
    }
}
