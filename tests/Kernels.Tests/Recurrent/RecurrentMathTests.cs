using System.Globalization;
using MLNet.DeepExtensions.Kernels.Recurrent;

namespace MLNet.DeepExtensions.Kernels.Tests.Recurrent;

/// <summary>
/// The float-only sigmoid and tanh of the recurrent gates against double on a dense grid over [−100, 100] (steps of
/// 1/1024 inside [−20, 20], plus tiny, huge, infinite and NaN inputs), at every span length up to two vectors (the tail
/// path): σ within 2.5·10⁻⁷ absolute (about 2 ulps of 1; σ's relative error is not what matters in a gate), tanh within
/// 4·10⁻⁷ relative and 1.8·10⁻⁷ absolute (3 ulps of 1), saturation exact, NaN propagated, and the tail equal to the vector path.
/// </summary>
public sealed unsafe class RecurrentMathTests
{
    private static float[] Grid()
    {
        var values = new List<float>();
        for (int i = -20 * 1024; i <= 20 * 1024; i++) values.Add(i / 1024f);
        for (float x = 20f; x <= 100f; x += 0.37f) { values.Add(x); values.Add(-x); }
        values.AddRange([1e-30f, -1e-30f, 1e-8f, -1e-8f, 3e-4f, -3e-4f, 0.6249f, 0.625f, -0.625f, 87.5f, -87.5f, 88.5f, -88.5f, 1e30f, -1e30f,
            float.MaxValue, float.MinValue, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f]);
        return values.ToArray();
    }

    [Fact]
    public void SigmoidIsWithinTwoUlpsOfOne()
    {
        if (!RecurrentMath.IsAccelerated) return; // the cells use TensorPrimitives there
        float[] x = Grid();
        var y = new float[x.Length];
        fixed (float* px = x, py = y) RecurrentMath.Sigmoid(px, py, x.Length);
        for (int i = 0; i < x.Length; i++)
        {
            double expected = 1.0 / (1.0 + Math.Exp(-(double)x[i]));
            Assert.True(Math.Abs(y[i] - expected) <= 2.5e-7, string.Create(CultureInfo.InvariantCulture, $"σ({x[i]:R}) = {y[i]:R}, expected {expected:R}"));
            Assert.InRange(y[i], 0f, 1f);
        }
        Assert.Equal(1f, y[Array.IndexOf(x, float.PositiveInfinity)]);
        Assert.Equal(0f, y[Array.IndexOf(x, float.NegativeInfinity)], 1e-37f);
    }

    [Fact]
    public void TanhIsWithinAFewUlpsRelative()
    {
        if (!RecurrentMath.IsAccelerated) return;
        float[] x = Grid();
        var y = new float[x.Length];
        fixed (float* px = x, py = y) RecurrentMath.Tanh(px, py, x.Length);
        for (int i = 0; i < x.Length; i++)
        {
            double expected = Math.Tanh(x[i]);
            double error = Math.Abs(y[i] - expected);
            Assert.True(error <= 1.8e-7 && error <= 4e-7 * Math.Abs(expected) + 1e-45,
                string.Create(CultureInfo.InvariantCulture, $"tanh({x[i]:R}) = {y[i]:R}, expected {expected:R}"));
        }
        Assert.Equal(1f, y[Array.IndexOf(x, 1e30f)]);
        Assert.Equal(-1f, y[Array.IndexOf(x, float.NegativeInfinity)]);
    }

    [Fact]
    public void NaNPropagatesAndTheTailMatchesTheVectorPath()
    {
        if (!RecurrentMath.IsAccelerated) return;
        var rng = new Random(4);
        float[] x = Enumerable.Range(0, 32).Select(_ => (float)(rng.NextDouble() * 12 - 6)).ToArray();
        x[5] = float.NaN;
        var full = new float[32];
        fixed (float* px = x, pf = full)
        {
            foreach (bool tanh in new[] { false, true })
            {
                if (tanh) RecurrentMath.Tanh(px, pf, 32);
                else RecurrentMath.Sigmoid(px, pf, 32);
                Assert.True(float.IsNaN(full[5]), tanh ? "tanh(NaN)" : "σ(NaN)");
                for (int length = 1; length < 32; length++)
                {
                    var part = new float[length];
                    fixed (float* pp = part)
                    {
                        if (tanh) RecurrentMath.Tanh(px, pp, length);
                        else RecurrentMath.Sigmoid(px, pp, length);
                    }
                    for (int i = 0; i < length; i++) Assert.Equal(BitConverter.SingleToInt32Bits(full[i]), BitConverter.SingleToInt32Bits(part[i]));
                }
            }
        }
    }
}
