using MLNet.DeepExtensions.Networks.Training;

namespace MLNet.DeepExtensions.Networks.Tests.Training;

/// <summary>Early stopping driven by scripted metric lists: the exact stop epoch and best (restored) epoch.</summary>
public sealed class EarlyStoppingTests
{
    private static (int StopEpoch, int BestEpoch) Run(double[] values, int patience, bool higherIsBetter, double minimumDelta = 0)
    {
        var tracker = new EarlyStoppingTracker(new EarlyStoppingOptions { Patience = patience, MinimumDelta = minimumDelta }, higherIsBetter);
        for (int epoch = 1; epoch <= values.Length; epoch++)
        {
            if (tracker.Update(epoch, values[epoch - 1])) return (epoch, tracker.BestEpoch);
        }
        return (0, tracker.BestEpoch);
    }

    [Fact]
    public void StopsWhenLossHasNotImprovedForPatienceEpochs()
    {
        var (stop, best) = Run([1.0, 0.8, 0.85, 0.9, 0.7, 0.75], patience: 2, higherIsBetter: false);
        Assert.Equal(4, stop);
        Assert.Equal(2, best);
    }

    [Fact]
    public void ImprovementResetsTheCount()
    {
        var (stop, best) = Run([1.0, 0.8, 0.85, 0.7, 0.75, 0.76, 0.77, 0.6], patience: 3, higherIsBetter: false);
        Assert.Equal(7, stop);
        Assert.Equal(4, best);
    }

    [Fact]
    public void AccuracyIsMaximized()
    {
        var (stop, best) = Run([0.5, 0.7, 0.69, 0.71, 0.70, 0.70], patience: 2, higherIsBetter: true);
        Assert.Equal(6, stop);
        Assert.Equal(4, best);
    }

    [Fact]
    public void ChangesBelowMinimumDeltaAreNotImprovements()
    {
        var (stop, best) = Run([1.0, 0.995, 0.99, 0.98], patience: 2, higherIsBetter: false, minimumDelta: 0.01);
        Assert.Equal(3, stop);
        Assert.Equal(1, best);
    }

    [Fact]
    public void NeverStopsWhileImproving()
    {
        var (stop, best) = Run([5, 4, 3, 2, 1], patience: 1, higherIsBetter: false);
        Assert.Equal(0, stop);
        Assert.Equal(5, best);
    }

    [Fact]
    public void NegativePatienceIsRejectedWithItsName()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new EarlyStoppingTracker(new EarlyStoppingOptions { Patience = -1 }, false));
        Assert.StartsWith("EarlyStoppingOptions.Patience must be non-negative; got -1.", e.Message);
    }
}
