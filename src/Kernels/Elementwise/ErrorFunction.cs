namespace MLNet.DeepExtensions.Kernels.Elementwise;

/// <summary>
/// The error function erf(x) = 2/√π ∫₀ˣ e^(−t²) dt, which .NET's Math lacks; GELU's exact form needs it.
/// </summary>
/// <remarks>
/// The float version is what every fast backend uses (it is plain arithmetic plus <see cref="MathF.Exp"/>, so ILGPU
/// kernels can call it); the double version is the test oracle's.
/// </remarks>
internal static class ErrorFunction
{
    /// <summary>erf(x) in float32, max absolute error about 1e-7 (the float rounding; the fits are good to 3e-9).</summary>
    /// <remarks>
    /// Our own least-squares fits (numpy, on Chebyshev nodes, against Python's math.erf):
    /// for |x| &lt; 1, erf(x) = x·P(x²) with P of degree 6 (fit error 1.1e-9);
    /// for 1 ≤ |x| &lt; 4, erf(x) = 1 − e^(−x²)·Q(|x| − 2.5), where Q fits the smooth, slowly varying
    /// erfcx(x) = e^(x²)·erfc(x) with degree 11 (relative fit error 4e-8, so erf is good to 3e-9);
    /// for |x| ≥ 4, erfc(x) &lt; 1.6e-8 is below half an ulp of 1, so erf is ±1 in float.
    /// </remarks>
    public static float Evaluate(float x)
    {
        float a = x < 0f ? -x : x;
        float result;
        if (a < 1f)
        {
            float u = a * a;
            float p = 7.88250101585718e-05f;
            p = p * u - 0.0008018859170831508f;
            p = p * u + 0.005189312828527914f;
            p = p * u - 0.02685432954572291f;
            p = p * u + 0.11283597491715754f;
            p = p * u - 0.3761262690790442f;
            p = p * u + 1.1283791658834232f;
            result = a * p;
        }
        else if (a < 4f)
        {
            float t = a - 2.5f;
            float q = -4.2694122990948807e-07f;
            q = q * t + 1.6718326809774351e-06f;
            q = q * t - 3.7443910739586844e-06f;
            q = q * t + 1.4353506162119828e-05f;
            q = q * t - 5.952961245959318e-05f;
            q = q * t + 0.00021297235393831683f;
            q = q * t - 0.0007331466456439499f;
            q = q * t + 0.0024659821652176115f;
            q = q * t - 0.00800169640849584f;
            q = q * t + 0.024938203784900623f;
            q = q * t - 0.07434733646104746f;
            q = q * t + 0.2108063575266155f;
            result = 1f - MathF.Exp(-a * a) * q;
        }
        else
        {
            result = a >= 4f ? 1f : a; // NaN fails every comparison and stays NaN
        }
        return x < 0f ? -result : result;
    }

    /// <summary>erf(x) in double, accurate to about 1e-14: slow, for the reference backend only.</summary>
    /// <remarks>
    /// Uses the all-positive series erf(x) = 2/√π · e^(−x²) · Σₙ 2ⁿ x^(2n+1) / (1·3·…·(2n+1)), which has no
    /// cancellation (unlike the alternating Taylor series); beyond |x| = 6, erfc(x) &lt; 2.2e-17 so erf is ±1 in double.
    /// </remarks>
    public static double Evaluate(double x)
    {
        if (double.IsNaN(x)) return x;
        double a = Math.Abs(x);
        if (a >= 6.0) return Math.Sign(x);
        double term = a;
        double sum = a;
        for (int n = 0; n < 500 && term > 1e-17 * sum; n++)
        {
            term *= 2.0 * a * a / (2 * n + 3);
            sum += term;
        }
        double result = 2.0 / Math.Sqrt(Math.PI) * Math.Exp(-a * a) * sum;
        return x < 0 ? -result : result;
    }
}
