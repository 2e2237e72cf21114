namespace MLNet.DeepExtensions.Networks.Initializers;

/// <summary>
/// Fills a parameter with its starting values. Fan-based initializers read fanIn (inputs per output unit) and
/// fanOut (outputs per input unit); for a dense layer these are its input and output widths.
/// </summary>
public abstract class Initializer
{
    /// <summary>Writes the starting values into <paramref name="values"/>, drawing from <paramref name="random"/>.</summary>
    public abstract void Initialize(Span<float> values, int fanIn, int fanOut, Random random);

    /// <summary>A standard normal draw (Box-Muller on two uniforms), in double for accuracy.</summary>
    protected static double NextGaussian(Random random)
    {
        double u1 = 1.0 - random.NextDouble(); // (0, 1]: log stays finite
        double u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>values ~ U(−limit, limit).</summary>
    protected static void FillUniform(Span<float> values, double limit, Random random)
    {
        for (int i = 0; i < values.Length; i++) values[i] = (float)((2.0 * random.NextDouble() - 1.0) * limit);
    }

    /// <summary>values ~ N(0, stddev²), not truncated (PyTorch's xavier_normal_/kaiming_normal_; Keras truncates at 2σ).</summary>
    protected static void FillNormal(Span<float> values, double stddev, Random random)
    {
        for (int i = 0; i < values.Length; i++) values[i] = (float)(NextGaussian(random) * stddev);
    }

    /// <summary>Checks that a fan is positive, naming the initializer.</summary>
    protected void CheckFan(int fan, string name)
    {
        if (fan <= 0) throw new ArgumentOutOfRangeException(name, $"{GetType().Name} needs a positive {name}; got {fan}.");
    }
}
