namespace MLNet.DeepExtensions.Kernels.Tests.Parity;

// Parity of the normalization operations (see BackendParityTests.cs for the backends, tolerances and helpers).
public abstract partial class BackendParityTests
{
    [Theory]
    [InlineData(1, 7)]
    [InlineData(7, 1)]
    [InlineData(33, 257)]
    [InlineData(257, 33)]
    public void BatchNorm(int rows, int features)
    {
        var rng = new Random(rows * 1000 + features);
        // Offset inputs: the mean must really be subtracted.
        Twin input = Upload(RandomArray(rng, rows * features, 1f, 5f));
        Twin gamma = Upload(RandomArray(rng, features, 0.5f, 1.5f));
        Twin beta = Upload(RandomArray(rng, features));
        Twin output = Allocate(rows * features);
        Twin mean = Allocate(features);
        Twin inverseStd = Allocate(features);
        Twin runningMean = Upload(RandomArray(rng, features));
        Twin runningVariance = Upload(RandomArray(rng, features, 0.5f, 2f));
        Candidate.BatchNormForwardTraining(input.C, gamma.C, beta.C, output.C, mean.C, inverseStd.C, runningMean.C, runningVariance.C, rows, features, 0.1f, 1e-5f);
        Oracle.BatchNormForwardTraining(input.O, gamma.O, beta.O, output.O, mean.O, inverseStd.O, runningMean.O, runningVariance.O, rows, features, 0.1f, 1e-5f);
        Compare("BatchNormForwardTraining output", output, rows * features);
        Compare("BatchNormForwardTraining mean", mean, features);
        Compare("BatchNormForwardTraining inverseStd", inverseStd, features);
        Compare("BatchNormForwardTraining runningMean", runningMean, features);
        Compare("BatchNormForwardTraining runningVariance", runningVariance, features);

        Twin inference = Allocate(rows * features);
        Candidate.BatchNormForwardInference(input.C, gamma.C, beta.C, runningMean.C, runningVariance.C, inference.C, rows, features, 1e-5f);
        Oracle.BatchNormForwardInference(input.O, gamma.O, beta.O, runningMean.O, runningVariance.O, inference.O, rows, features, 1e-5f);
        Compare("BatchNormForwardInference", inference, rows * features);

        Twin dOutput = Upload(RandomArray(rng, rows * features));
        Twin dInput = Upload(RandomArray(rng, rows * features)); // overwritten
        Twin dGamma = Upload(RandomArray(rng, features)); // accumulated
        Twin dBeta = Upload(RandomArray(rng, features)); // accumulated
        Candidate.BatchNormBackward(input.C, gamma.C, mean.C, inverseStd.C, dOutput.C, dInput.C, dGamma.C, dBeta.C, rows, features);
        Oracle.BatchNormBackward(input.O, gamma.O, mean.O, inverseStd.O, dOutput.O, dInput.O, dGamma.O, dBeta.O, rows, features);
        Compare("BatchNormBackward dInput", dInput, rows * features);
        Compare("BatchNormBackward dGamma", dGamma, features, MathF.Sqrt(rows)); // rows-term sums
        Compare("BatchNormBackward dBeta", dBeta, features, MathF.Sqrt(rows));
    }

    [Theory]
    [InlineData(1, 7)]
    [InlineData(7, 1)]
    [InlineData(33, 257)]
    [InlineData(257, 33)]
    public void LayerNorm(int rows, int features)
    {
        var rng = new Random(rows * 1000 + features);
        Twin input = Upload(RandomArray(rng, rows * features, -1f, 4f));
        Twin gamma = Upload(RandomArray(rng, features, 0.5f, 1.5f));
        Twin beta = Upload(RandomArray(rng, features));
        Twin output = Allocate(rows * features);
        Twin mean = Allocate(rows);
        Twin inverseStd = Allocate(rows);
        Candidate.LayerNormForward(input.C, gamma.C, beta.C, output.C, mean.C, inverseStd.C, rows, features, 1e-5f);
        Oracle.LayerNormForward(input.O, gamma.O, beta.O, output.O, mean.O, inverseStd.O, rows, features, 1e-5f);
        Compare("LayerNormForward output", output, rows * features);
        Compare("LayerNormForward mean", mean, rows);
        Compare("LayerNormForward inverseStd", inverseStd, rows);

        Twin dOutput = Upload(RandomArray(rng, rows * features));
        Twin dInput = Upload(RandomArray(rng, rows * features));
        Twin dGamma = Upload(RandomArray(rng, features));
        Twin dBeta = Upload(RandomArray(rng, features));
        Candidate.LayerNormBackward(input.C, gamma.C, mean.C, inverseStd.C, dOutput.C, dInput.C, dGamma.C, dBeta.C, rows, features);
        Oracle.LayerNormBackward(input.O, gamma.O, mean.O, inverseStd.O, dOutput.O, dInput.O, dGamma.O, dBeta.O, rows, features);
        Compare("LayerNormBackward dInput", dInput, rows * features);
        Compare("LayerNormBackward dGamma", dGamma, features, MathF.Sqrt(rows)); // rows-term sums
        Compare("LayerNormBackward dBeta", dBeta, features, MathF.Sqrt(rows));
    }

    /// <summary>
    /// (batch, channels, spatial): batch 1 and 7, channels 1, 3 and 33, spatial 1 (the managed backend's 1-D path),
    /// 7 and 49, one sample alone (statistics over its positions), one value per channel (n = 1: zero variance, the
    /// running variance fed the biased one), and one tensor above the managed backend's parallel threshold.
    /// </summary>
    public static TheoryData<int, int, int> BatchNorm2DCases() => new()
    {
        { 1, 3, 1 },
        { 7, 1, 1 },
        { 7, 33, 1 },
        { 1, 1, 7 },
        { 1, 3, 49 },
        { 7, 3, 7 },
        { 1, 33, 7 },
        { 7, 33, 49 },
        { 3, 33, 400 },
    };

    [Theory]
    [MemberData(nameof(BatchNorm2DCases), MemberType = typeof(BackendParityTests))]
    public void BatchNorm2D(int batch, int channels, int spatial)
    {
        var rng = new Random((batch * 100 + channels) * 1000 + spatial);
        int length = batch * channels * spatial, count = batch * spatial;
        float[] inputData = RandomArray(rng, length, 1f, 5f); // offset: the mean must really be subtracted
        Twin input = Upload(inputData);
        Twin gamma = Upload(RandomArray(rng, channels, 0.5f, 1.5f));
        Twin beta = Upload(RandomArray(rng, channels));
        Twin output = Upload(Enumerable.Repeat(float.NaN, length).ToArray()); // written, never read
        Twin mean = Allocate(channels);
        Twin inverseStd = Allocate(channels);
        Twin runningMean = Upload(RandomArray(rng, channels));
        Twin runningVariance = Upload(RandomArray(rng, channels, 0.5f, 2f));
        Candidate.BatchNorm2DForwardTraining(input.C, gamma.C, beta.C, output.C, mean.C, inverseStd.C, runningMean.C, runningVariance.C,
            batch, channels, spatial, 0.1f, 1e-5f);
        Oracle.BatchNorm2DForwardTraining(input.O, gamma.O, beta.O, output.O, mean.O, inverseStd.O, runningMean.O, runningVariance.O,
            batch, channels, spatial, 0.1f, 1e-5f);
        Compare("BatchNorm2DForwardTraining output", output, length);
        Compare("BatchNorm2DForwardTraining mean", mean, channels);
        Compare("BatchNorm2DForwardTraining inverseStd", inverseStd, channels);
        Compare("BatchNorm2DForwardTraining runningMean", runningMean, channels);
        Compare("BatchNorm2DForwardTraining runningVariance", runningVariance, channels);

        Twin inference = Upload(Enumerable.Repeat(float.NaN, length).ToArray());
        Candidate.BatchNorm2DForwardInference(input.C, gamma.C, beta.C, runningMean.C, runningVariance.C, inference.C, batch, channels, spatial, 1e-5f);
        Oracle.BatchNorm2DForwardInference(input.O, gamma.O, beta.O, runningMean.O, runningVariance.O, inference.O, batch, channels, spatial, 1e-5f);
        Compare("BatchNorm2DForwardInference", inference, length);

        float[] dOutputData = RandomArray(rng, length);
        Twin dOutput = Upload(dOutputData);
        Twin dInput = Upload(RandomArray(rng, length)); // overwritten
        Twin dGamma = Upload(RandomArray(rng, channels)); // accumulated
        Twin dBeta = Upload(RandomArray(rng, channels)); // accumulated
        Candidate.BatchNorm2DBackward(input.C, gamma.C, mean.C, inverseStd.C, dOutput.C, dInput.C, dGamma.C, dBeta.C, batch, channels, spatial);
        Oracle.BatchNorm2DBackward(input.O, gamma.O, mean.O, inverseStd.O, dOutput.O, dInput.O, dGamma.O, dBeta.O, batch, channels, spatial);
        Compare("BatchNorm2DBackward dInput", dInput, length);
        Compare("BatchNorm2DBackward dGamma", dGamma, channels, MathF.Sqrt(count)); // n-term sums
        Compare("BatchNorm2DBackward dBeta", dBeta, channels, MathF.Sqrt(count));

        // In place: output over input, dInput over dOutput.
        Twin inPlace = Upload(inputData);
        Candidate.BatchNorm2DForwardTraining(inPlace.C, gamma.C, beta.C, inPlace.C, mean.C, inverseStd.C, runningMean.C, runningVariance.C,
            batch, channels, spatial, 0.1f, 1e-5f);
        Oracle.BatchNorm2DForwardTraining(inPlace.O, gamma.O, beta.O, inPlace.O, mean.O, inverseStd.O, runningMean.O, runningVariance.O,
            batch, channels, spatial, 0.1f, 1e-5f);
        Compare("BatchNorm2DForwardTraining in place", inPlace, length);
        Twin dInPlace = Upload(dOutputData);
        Candidate.BatchNorm2DBackward(input.C, gamma.C, mean.C, inverseStd.C, dInPlace.C, dInPlace.C, dGamma.C, dBeta.C, batch, channels, spatial);
        Oracle.BatchNorm2DBackward(input.O, gamma.O, mean.O, inverseStd.O, dInPlace.O, dInPlace.O, dGamma.O, dBeta.O, batch, channels, spatial);
        Compare("BatchNorm2DBackward in place", dInPlace, length);
        Compare("BatchNorm2DBackward dGamma, second accumulation", dGamma, channels, MathF.Sqrt(count));
    }
}
