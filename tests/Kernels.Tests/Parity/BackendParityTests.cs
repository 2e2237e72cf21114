using System.Globalization;

namespace MLNet.DeepExtensions.Kernels.Tests.Parity;

/// <summary>
/// Parity of every <see cref="ComputeBackend"/> operation between a candidate backend and an oracle: both get the
/// same seeded random inputs at awkward sizes (1, 7, 33, 257), and every output is compared elementwise with
/// |x − ref| ≤ atol + rtol·|ref|. Subclasses pick the two backends and the tolerances; this class uses only the
/// public backend API (plus Download), so it serves any pair (managed vs reference, ILGPU vs managed, ...).
/// This file holds the setup, the memory tests and the helpers; each op family's tests are a partial file beside the
/// family's other tests, <c>tests/Kernels.Tests/&lt;Family&gt;/BackendParityTests.&lt;Family&gt;.cs</c> (the namespace stays
/// Parity, so the test names do not change); Parity/BackendParityTests.BatchPaths.cs covers the batch paths.
/// </summary>
public abstract partial class BackendParityTests : IDisposable
{
    private readonly List<DeviceBuffer> _buffers = [];
    private readonly float _absoluteTolerance;
    private readonly float _relativeTolerance;

    /// <summary>Compares <paramref name="candidate"/> against <paramref name="oracle"/> with the given tolerances.</summary>
    protected BackendParityTests(ComputeBackend candidate, ComputeBackend oracle, float absoluteTolerance, float relativeTolerance)
    {
        Candidate = candidate;
        Oracle = oracle;
        _absoluteTolerance = absoluteTolerance;
        _relativeTolerance = relativeTolerance;
    }

    /// <summary>The backend under test.</summary>
    protected ComputeBackend Candidate { get; }

    /// <summary>The backend whose results are taken as right.</summary>
    protected ComputeBackend Oracle { get; }

    /// <summary>Tolerances for one op (by the name the tests pass to the comparison); override to loosen a specific op, saying why.</summary>
    protected virtual (float Absolute, float Relative) Tolerance(string op) => (_absoluteTolerance, _relativeTolerance);

    // ================================================================ memory

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(257)]
    public void UploadDownloadCopyFill(int length)
    {
        float[] data = RandomArray(new Random(length), length);
        Twin a = Upload(data);
        Assert.Equal(data, DownloadCandidate(a, length));
        Twin b = Allocate(length + 3);
        Assert.Equal(new float[length + 3], DownloadCandidate(b, length + 3)); // Allocate zero-fills
        Candidate.Copy(a.C, b.C, length);
        Oracle.Copy(a.O, b.O, length);
        Compare("Copy", b, length + 3);
        Candidate.Fill(b.C, -2.5f, 2);
        Oracle.Fill(b.O, -2.5f, 2);
        Compare("Fill", b, length + 3);
        Assert.Equal(-2.5f, DownloadCandidate(b, 2)[1]);
    }

    [Fact]
    public void SliceViewsShareTheOwnersMemory()
    {
        float[] data = RandomArray(new Random(5), 40);
        Twin owner = Upload(data);
        var view = new Twin(owner.C.Slice(7, 20), owner.O.Slice(7, 20));
        var nested = new Twin(view.C.Slice(3, 10), view.O.Slice(3, 10));
        Assert.Equal(20, view.C.Length);
        Assert.Same(Candidate, nested.C.Backend);
        Candidate.Scale(nested.C, 3f, 10);
        Oracle.Scale(nested.O, 3f, 10);
        Compare("Scale on a slice", owner, 40);
        float[] expected = (float[])data.Clone();
        for (int i = 10; i < 20; i++) expected[i] *= 3f;
        AssertClose("Scale on a slice vs host", expected, DownloadCandidate(owner, 40));
        Candidate.Upload([1f, 2f], view.C);
        Oracle.Upload([1f, 2f], view.O);
        Compare("Upload into a slice", owner, 40);
        Assert.Equal(new[] { 1f, 2f }, DownloadCandidate(owner, 9)[7..9]);
    }

    // ================================================================ helpers

    /// <summary>The same logical buffer on both backends: C on the candidate, O on the oracle.</summary>
    protected sealed record Twin(DeviceBuffer C, DeviceBuffer O);

    /// <summary>Uploads <paramref name="data"/> to both backends.</summary>
    protected Twin Upload(float[] data)
    {
        Twin twin = Allocate(data.Length);
        Candidate.Upload(data, twin.C);
        Oracle.Upload(data, twin.O);
        return twin;
    }

    /// <summary>A zero-filled buffer on both backends, disposed with the test.</summary>
    protected Twin Allocate(int length)
    {
        var twin = new Twin(Candidate.Allocate(length), Oracle.Allocate(length));
        _buffers.Add(twin.C);
        _buffers.Add(twin.O);
        return twin;
    }

    /// <summary>The candidate's first <paramref name="length"/> values.</summary>
    protected float[] DownloadCandidate(Twin twin, int length)
    {
        var values = new float[length];
        Candidate.Download(twin.C, values);
        return values;
    }

    /// <summary>
    /// Downloads both sides and compares them with the op's tolerances; <paramref name="absoluteScale"/> widens the
    /// absolute one for outputs that are long sums (their magnitude, and so their rounding, grows like √terms).
    /// </summary>
    protected void Compare(string op, Twin twin, int length, float absoluteScale = 1f)
    {
        var expected = new float[length];
        Oracle.Download(twin.O, expected);
        AssertClose(op, expected, DownloadCandidate(twin, length), absoluteScale);
    }

    /// <summary>Downloads both sides and requires identical values (indices, masks).</summary>
    protected void CompareExact(string op, Twin twin, int length)
    {
        var expected = new float[length];
        Oracle.Download(twin.O, expected);
        AssertClose(op, expected, DownloadCandidate(twin, length), 0f, 0f);
    }

    /// <summary>Elementwise |actual − expected| ≤ atol·absoluteScale + rtol·|expected|, with the op's tolerances.</summary>
    protected void AssertClose(string op, float[] expected, float[] actual, float absoluteScale = 1f)
    {
        (float absolute, float relative) = Tolerance(op);
        AssertClose(op, expected, actual, absolute * Math.Max(1f, absoluteScale), relative);
    }

    /// <summary>
    /// The one comparison: fails on the first element outside |actual − expected| ≤ atol + rtol·|expected| (NaN never
    /// passes), naming the op, the index, expected, actual and the largest difference over all elements.
    /// </summary>
    protected static void AssertClose(string op, float[] expected, float[] actual, float absoluteTolerance, float relativeTolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        int firstBad = -1, worst = -1;
        double maxDiff = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double diff = Math.Abs((double)actual[i] - expected[i]);
            bool ok = expected[i] == actual[i] || diff <= absoluteTolerance + relativeTolerance * Math.Abs((double)expected[i]);
            if (!ok && firstBad < 0) firstBad = i;
            if (double.IsNaN(diff) || diff > maxDiff || worst < 0)
            {
                if (worst < 0 || !double.IsNaN(maxDiff)) { maxDiff = diff; worst = i; }
            }
        }
        if (firstBad >= 0)
        {
            Assert.Fail(string.Create(CultureInfo.InvariantCulture,
                $"{op}: element {firstBad} of {expected.Length}: expected {expected[firstBad]:R}, actual {actual[firstBad]:R} " +
                $"(tolerance {absoluteTolerance:R} + {relativeTolerance:R}·|expected|); max |diff| {maxDiff:R} at element {worst}."));
        }
    }

    /// <summary>Uniform values in [min, max).</summary>
    protected static float[] RandomArray(Random rng, int length, float min = -2f, float max = 2f) =>
        Enumerable.Range(0, length).Select(_ => min + (max - min) * rng.NextSingle()).ToArray();

    /// <summary>Activation inputs: exact 0, tiny, large |x| (±30, ±100) first, then uniform in [−5, 5).</summary>
    protected static float[] ActivationInputs(int length)
    {
        float[] specials = [0f, -30f, 30f, -100f, 100f, 1e-4f, -1e-4f];
        float[] values = RandomArray(new Random(length * 7 + 3), length, -5f, 5f);
        for (int i = 0; i < Math.Min(length, specials.Length); i++) values[i] = specials[i];
        return values;
    }

    /// <summary>Logits (rows, classes) in [−4, 4), with one row pushed to ±60 so that softmax must subtract the max.</summary>
    protected static float[] Logits(Random rng, int rows, int classes)
    {
        float[] values = RandomArray(rng, rows * classes, -4f, 4f);
        if (rows > 1)
        {
            for (int c = 0; c < classes; c++) values[classes + c] *= 15f;
        }
        return values;
    }

    /// <summary>Random class indices, stored as floats.</summary>
    protected static float[] ClassIndices(Random rng, int rows, int classes) =>
        Enumerable.Range(0, rows).Select(_ => (float)rng.Next(classes)).ToArray();

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Disposes the buffers the test allocated; a subclass that owns its backends disposes them here too.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (!disposing) return;
        foreach (DeviceBuffer buffer in _buffers) buffer.Dispose();
        _buffers.Clear();
    }
}
