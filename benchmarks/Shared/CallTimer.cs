using System.Diagnostics;

namespace MLNet.DeepExtensions.Benchmarks.Shared;

/// <summary>
/// Times a short call the way every benchmark here does: back-to-back calls for <c>warmUp</c> (optimized code, steady
/// caches) that also calibrate how many calls fill one sample of at least <c>minimumSample</c>, then the samples.
/// </summary>
internal static class CallTimer
{
    /// <summary>Seconds per call of each of <paramref name="count"/> samples, in the order taken.</summary>
    public static double[] Samples(Action call, TimeSpan warmUp, TimeSpan minimumSample, int count, out int callsPerSample)
    {
        var watch = Stopwatch.StartNew();
        long calls = 0;
        while (watch.Elapsed < warmUp || calls < 3)
        {
            call();
            calls++;
        }
        double perCall = watch.Elapsed.TotalSeconds / calls;
        callsPerSample = (int)Math.Max(1, Math.Ceiling(minimumSample.TotalSeconds / perCall));
        var samples = new double[count];
        for (int s = 0; s < count; s++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < callsPerSample; i++) call();
            samples[s] = Stopwatch.GetElapsedTime(start).TotalSeconds / callsPerSample;
        }
        return samples;
    }
}
