using Microsoft.ML;
using Microsoft.ML.Transforms;
using MLNet.DeepExtensions.Networks.Schedules;

namespace MLNet.DeepExtensions.Samples.ModelBuilder;

/// <summary>The digits model's training pipeline, in the shape of Model Builder's generated <c>BuildPipeline</c>.</summary>
public static class DigitsModel
{
    /// <summary>
    /// Label → key (in value order, so Score[k] is the probability of digit k); Pixels (0..16) → Features scaled to
    /// [0, 1]; a multilayer perceptron; PredictedLabel key → the digit value.
    /// </summary>
    public static IEstimator<ITransformer> BuildPipeline(MLContext ml, int epochs = 40)
    {
        return ml.Transforms.Conversion.MapValueToKey(@"Label", @"Label", keyOrdinality: ValueToKeyMappingEstimator.KeyOrdinality.ByValue)
            .Append(ml.Transforms.NormalizeMinMax(@"Features", @"Pixels"))
            .Append(ml.MulticlassClassification.Trainers.DeepMlp(new DeepMlpTrainer.Options
            {
                LabelColumnName = @"Label",
                FeatureColumnName = @"Features",
                HiddenLayers = [256, 128],
                BatchNormalization = true,
                DropoutRate = 0.2f,
                Epochs = epochs,
                BatchSize = 32,
                LearningRate = 1e-3f,
                LearningRateSchedule = new CosineDecaySchedule(epochs),
                Seed = 0,
            }))
            .Append(ml.Transforms.Conversion.MapKeyToValue(@"PredictedLabel", @"PredictedLabel"));
    }
}
