using MLNet.DeepExtensions.Networks.Schedules;

namespace MLNet.DeepExtensions.Networks.Tests.Schedules;

/// <summary>Learning-rate schedules: exact values per epoch, and plateau reductions driven by scripted losses.</summary>
public sealed class ScheduleTests
{
    [Fact]
    public void StepDecayDropsEveryStepSizeEpochs()
    {
        var schedule = new StepDecaySchedule(stepSize: 3, gamma: 0.5f);
        var rates = Enumerable.Range(0, 7).Select(e => schedule.GetLearningRate(e, 0.8f)).ToArray();
        Assert.Equal([0.8f, 0.8f, 0.8f, 0.4f, 0.4f, 0.4f, 0.2f], rates);
    }

    [Fact]
    public void ExponentialDecayMultipliesEachEpoch()
    {
        var schedule = new ExponentialDecaySchedule(0.9f);
        Assert.Equal(1f, schedule.GetLearningRate(0, 1f));
        Assert.Equal(0.729f, schedule.GetLearningRate(3, 1f), 6);
    }

    [Fact]
    public void CosineDecayGoesFromBaseToMinimumAndStays()
    {
        var schedule = new CosineDecaySchedule(epochs: 4, minimumLearningRate: 0.1f);
        Assert.Equal(1f, schedule.GetLearningRate(0, 1f), 6);
        Assert.Equal(0.55f, schedule.GetLearningRate(2, 1f), 6); // halfway: (1 + 0.1) / 2
        Assert.Equal(0.1f, schedule.GetLearningRate(4, 1f), 6);
        Assert.Equal(0.1f, schedule.GetLearningRate(9, 1f), 6);
    }

    [Fact]
    public void LinearWarmupRampsThenHandsOver()
    {
        var schedule = new LinearWarmupSchedule(3, new StepDecaySchedule(1, 0.5f));
        var rates = Enumerable.Range(0, 6).Select(e => schedule.GetLearningRate(e, 1f)).ToArray();
        Assert.Equal([0.25f, 0.5f, 0.75f, 1f, 0.5f, 0.25f], rates);
    }

    [Fact]
    public void ReduceOnPlateauReducesAfterMoreThanPatienceBadEpochs()
    {
        var schedule = new ReduceOnPlateauSchedule(factor: 0.5f, patience: 2, minimumDelta: 0.01);
        double[] losses = [1.0, 0.9, 0.895, 0.91, 0.9, 0.85, 0.86, 0.86, 0.86, 0.86];
        var ratesAfter = new List<float>();
        for (int epoch = 0; epoch < losses.Length; epoch++)
        {
            schedule.OnEpochEnd(epoch, losses[epoch]);
            ratesAfter.Add(schedule.GetLearningRate(epoch + 1, 1f));
        }
        // 0.895 (e2), 0.91 (e3), 0.9 (e4) do not beat 0.9 − 0.01: the third bad epoch (e4) reduces.
        // 0.85 (e5) improves; e6..e8 are bad: reduced again after e8; e9 is the first bad epoch of a new count.
        Assert.Equal([1f, 1f, 1f, 1f, 0.5f, 0.5f, 0.5f, 0.5f, 0.25f, 0.25f], ratesAfter);
        Assert.Equal(2, schedule.Reductions);
    }

    [Fact]
    public void ReduceOnPlateauRespectsCooldownAndFloor()
    {
        var schedule = new ReduceOnPlateauSchedule(factor: 0.1f, patience: 0, cooldown: 2, minimumLearningRate: 0.005f);
        double[] losses = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0];
        var rates = new List<float>();
        for (int epoch = 0; epoch < losses.Length; epoch++)
        {
            schedule.OnEpochEnd(epoch, losses[epoch]);
            rates.Add(schedule.GetLearningRate(epoch + 1, 1f));
        }
        // e1 bad → reduce; e2, e3 cooldown; e4 reduce; e5, e6 cooldown; e7 would reach 0.001: the floor keeps 0.005.
        Assert.Equal([1f, 0.1f, 0.1f, 0.1f, 0.01f, 0.01f, 0.01f, 0.005f], rates.Select(r => MathF.Round(r, 6)));
    }

    [Fact]
    public void ResetForgetsPlateauState()
    {
        var schedule = new ReduceOnPlateauSchedule(factor: 0.5f, patience: 0);
        schedule.OnEpochEnd(0, 1);
        schedule.OnEpochEnd(1, 2);
        Assert.Equal(0.5f, schedule.GetLearningRate(2, 1f));
        schedule.Reset();
        Assert.Equal(1f, schedule.GetLearningRate(0, 1f));
    }

    [Fact]
    public void InvalidArgumentsNameTheArgument()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new StepDecaySchedule(0));
        Assert.Equal("stepSize must be a positive number of epochs; got 0. (Parameter 'stepSize')", e.Message);
        var f = Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialDecaySchedule(1.5f));
        Assert.Equal("gamma must be in (0, 1]; got 1.5. (Parameter 'gamma')", f.Message);
    }
}
