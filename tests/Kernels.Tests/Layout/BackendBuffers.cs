namespace MLNet.DeepExtensions.Kernels.Tests.Layout;

/// <summary>
/// Test buffers on one backend, disposed together. Every upload is followed by <see cref="Slack"/> sentinel elements,
/// because workspaces are sized for the largest batch and an operation must touch only the first elements its counts
/// name: <see cref="Download"/> checks that the sentinels survived and returns the counted part.
/// </summary>
internal sealed class BackendBuffers(ComputeBackend backend) : IDisposable
{
    /// <summary>Sentinel elements after the counted part of every buffer.</summary>
    public const int Slack = 3;

    /// <summary>The value of every sentinel element.</summary>
    public const float Sentinel = 12345.5f;

    private readonly List<DeviceBuffer> _owned = [];

    public ComputeBackend Backend => backend;

    /// <summary>A buffer of values.Length + <see cref="Slack"/> elements: the values, then the sentinels.</summary>
    public DeviceBuffer Upload(float[] values)
    {
        DeviceBuffer buffer = backend.Allocate(values.Length + Slack);
        _owned.Add(buffer);
        backend.Upload([.. values, .. Enumerable.Repeat(Sentinel, Slack)], buffer);
        return buffer;
    }

    /// <summary>A buffer of <paramref name="length"/> NaNs (an output must overwrite them all) and the sentinels.</summary>
    public DeviceBuffer Output(int length) => Upload(Enumerable.Repeat(float.NaN, length).ToArray());

    /// <summary>The first <paramref name="length"/> elements, after checking that the sentinels behind them are intact.</summary>
    public float[] Download(DeviceBuffer buffer, int length)
    {
        var all = new float[length + Slack];
        backend.Download(buffer, all);
        for (int i = length; i < all.Length; i++)
        {
            Assert.True(all[i] == Sentinel, $"{backend.Description}: element {i} past the counted {length} was overwritten with {all[i]}.");
        }
        return all[..length];
    }

    public void Dispose()
    {
        foreach (DeviceBuffer buffer in _owned) buffer.Dispose();
    }

    /// <summary>Uniform floats in [lo, hi).</summary>
    public static float[] Random(Random rng, int length, float lo = -1f, float hi = 1f) =>
        Enumerable.Range(0, length).Select(_ => lo + (hi - lo) * (float)rng.NextDouble()).ToArray();

    /// <summary>Asserts equal bit patterns (NaN payloads and the sign of zero included), naming the first difference.</summary>
    public static void AssertBitIdentical(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
            {
                Assert.Fail($"{what}: element {i} is {actual[i]:R}, expected {expected[i]:R} (bit for bit).");
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="run"/> on <paramref name="main"/> and, when <paramref name="peer"/> is not null, on the peer
    /// too, asserting that the peer's outputs are bit-identical; returns main's outputs.
    /// </summary>
    public static float[][] RunOnBoth(BackendBuffers main, BackendBuffers? peer, Func<BackendBuffers, float[][]> run)
    {
        float[][] results = run(main);
        if (peer is not null)
        {
            float[][] theirs = run(peer);
            Assert.Equal(theirs.Length, results.Length);
            for (int i = 0; i < results.Length; i++)
            {
                AssertBitIdentical(theirs[i], results[i], $"output {i}: {main.Backend.Description} vs {peer.Backend.Description}");
            }
        }
        return results;
    }
}
