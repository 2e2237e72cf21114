using MLNet.DeepExtensions.Kernels.Elementwise;

namespace MLNet.DeepExtensions.Kernels.Tests.Elementwise;

/// <summary>The float erf behind GELU, against the double series, on a dense grid (the parity tolerances are too loose to see 1e-6 errors).</summary>
public sealed class ErrorFunctionTests
{
    [Fact]
    public void FloatErfIsWithinTwoTenthsOfAMillionthEverywhere()
    {
        double worst = 0;
        float worstAt = 0;
        for (int i = -80000; i <= 80000; i++)
        {
            float x = i * 1e-4f; // [−8, 8], across all three pieces and their joins at |x| = 1 and 4
            double error = Math.Abs(ErrorFunction.Evaluate(x) - ErrorFunction.Evaluate((double)x));
            if (error > worst) (worst, worstAt) = (error, x);
        }
        Assert.True(worst < 2e-7, $"max |erf error| {worst:R} at x = {worstAt:R}");
    }

    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(0.5, 0.52049987781304654)]
    [InlineData(1.0, 0.84270079294971487)]
    [InlineData(2.0, 0.99532226501895273)]
    [InlineData(-3.0, -0.99997790950300141)]
    [InlineData(10.0, 1.0)]
    public void DoubleErfMatchesKnownValues(double x, double expected)
    {
        Assert.Equal(expected, ErrorFunction.Evaluate(x), 1e-14);
    }

    [Fact]
    public void NaNStaysNaN()
    {
        Assert.True(float.IsNaN(ErrorFunction.Evaluate(float.NaN)));
        Assert.True(double.IsNaN(ErrorFunction.Evaluate(double.NaN)));
    }
}
