using Microsoft.ML;

namespace MLNet.DeepExtensions.Trainers.Tests;

/// <summary>
/// The preset knobs of <see cref="DeepCnnTrainer.Options"/>: Activation and DropoutRate are rejected, with a message that
/// says what to write instead, for a custom Layers list (before any row is read); SmallResNet applies DropoutRate.
/// </summary>
public sealed class DeepCnnOptionsTests
{
    private static readonly MLContext Ml = new(seed: 0);

    private static DeepCnnTrainer.Options Custom() => new()
    {
        Layers = [CnnLayer.Conv2D(4, 3, padding: 1), CnnLayer.Relu(), CnnLayer.Flatten(), CnnLayer.Dense(8), CnnLayer.Relu()],
        Epochs = 1,
    };

    [Fact]
    public void DropoutRateWithACustomLayersListIsRejectedWhenTheTrainerIsCreated()
    {
        var options = Custom();
        options.DropoutRate = 0.3f;
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Ml.MulticlassClassification.Trainers.DeepCnn(options));
        Assert.Equal("DropoutRate", error.ParamName);
        Assert.StartsWith("DeepCnnTrainer.Options.DropoutRate = 0.3 is not used with a custom Layers list; add CnnLayer.Dropout(0.3f) to Layers instead.", error.Message);
    }

    [Fact]
    public void ActivationWithACustomLayersListIsRejectedWhenTheTrainerIsCreated()
    {
        var options = Custom();
        options.Activation = ActivationKind.Tanh;
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Ml.Regression.Trainers.DeepCnn(options));
        Assert.Equal("Activation", error.ParamName);
        Assert.StartsWith(
            "DeepCnnTrainer.Options.Activation = Tanh is not used with a custom Layers list; " +
            "add CnnLayer.Activation(ActivationKind.Tanh) to Layers after each layer it should follow instead.", error.Message);
    }

    [Fact]
    public void TheDefaultsAndThePresetsKeepAccepting()
    {
        Assert.NotNull(Ml.MulticlassClassification.Trainers.DeepCnn(Custom()));
        foreach (var architecture in Enum.GetValues<CnnArchitecture>())
        {
            var options = new DeepCnnTrainer.Options { Architecture = architecture, Activation = ActivationKind.Tanh, DropoutRate = 0.3f };
            Assert.NotNull(Ml.MulticlassClassification.Trainers.DeepCnn(options));
        }
    }

    [Theory]
    [InlineData(CnnArchitecture.LeNet5, "Relu Dropout(0.3) Dense(84) Relu Dropout(0.3)")]
    [InlineData(CnnArchitecture.SmallVgg, "Dense(128) Relu Dropout(0.3)")]
    [InlineData(CnnArchitecture.SmallResNet, "Relu GlobalAvgPool Dropout(0.3)")]
    public void EveryPresetPutsDropoutRateBeforeTheOutputLayer(CnnArchitecture architecture, string tail)
    {
        var layers = CnnPresets.Layers(architecture, dropoutRate: 0.3f);
        Assert.EndsWith(" " + tail, " " + string.Join(" ", layers.Select(l => l.Description)), StringComparison.Ordinal);
        Assert.DoesNotContain(CnnPresets.Layers(architecture), l => l.Description.StartsWith("Dropout", StringComparison.Ordinal));
    }
}
