using MLNet.DeepExtensions.Networks.Losses;

namespace MLNet.DeepExtensions.Networks.Tests.Losses;

/// <summary>Finite-difference checks (double precision) of every loss's gradient.</summary>
public sealed class LossGradientTests
{
    private static double[] Classes(int rows, int classes, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, rows).Select(_ => (double)random.Next(classes)).ToArray();
    }

    private static double[] Uniform(int count, int seed, double low, double high)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => low + random.NextDouble() * (high - low)).ToArray();
    }

    [Theory]
    [InlineData(1, 2)]
    [InlineData(7, 5)]
    public void SoftmaxCrossEntropy(int rows, int classes) =>
        GradientCheck.CheckLoss(new SoftmaxCrossEntropyLoss(), rows, classes, Classes(rows, classes, 1));

    [Fact]
    public void SoftmaxCrossEntropyWithClassWeightsAndSmoothing() =>
        GradientCheck.CheckLoss(new SoftmaxCrossEntropyLoss([0.5f, 2f, 1f, 3f], labelSmoothing: 0.1f), 6, 4, Classes(6, 4, 2));

    [Fact]
    public void BinaryCrossEntropyWithLogits() =>
        GradientCheck.CheckLoss(new BinaryCrossEntropyWithLogitsLoss(), 5, 3, Uniform(15, 3, 0, 1));

    [Fact]
    public void MeanSquaredError() =>
        GradientCheck.CheckLoss(new MeanSquaredErrorLoss(), 4, 3, Uniform(12, 4, -2, 2));

    [Fact]
    public void MeanAbsoluteError() =>
        GradientCheck.CheckLoss(new MeanAbsoluteErrorLoss(), 4, 3, Uniform(12, 5, -2, 2));

    [Theory]
    [InlineData(0.5f)]  // most errors in the linear part
    [InlineData(10f)]   // all in the quadratic part
    public void Huber(float delta) =>
        GradientCheck.CheckLoss(new HuberLoss(delta), 6, 2, Uniform(12, 6, -2, 2));

    [Theory]
    [InlineData(1f)]
    [InlineData(0.3f)]
    public void MulticlassHinge(float margin) =>
        GradientCheck.CheckLoss(new MulticlassHingeLoss(margin), 6, 4, Classes(6, 4, 7));
}
