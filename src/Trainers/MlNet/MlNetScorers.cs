using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers;

namespace MLNet.DeepExtensions;

/// <summary>
/// ML.NET's own prediction transformers over an identity linear model, applied to the network's logits: they add the
/// task's standard columns exactly as ML.NET's trainers do (Score, PredictedLabel with the label's key values,
/// Probability through a fixed Platt calibrator), and ML.NET saves and loads them with no reference to this package.
/// </summary>
/// <remarks>
/// Why reflection: ML.NET 5.0.1 keeps the constructors of its prediction transformers and linear model parameters
/// internal, and its OnnxTransformer cannot read rank-0 (scalar) ONNX outputs (OnnxTransformer.MakeObjectGetter treats
/// them as maps and throws ArgumentNullException), so scalar Score/PredictedLabel columns cannot come from the ONNX
/// graph itself. The constructors are reached through <see cref="MlNetInternals"/>, which checks them all when a
/// trainer is created: a Microsoft.ML version without them fails at once with a message naming the version and the
/// constructor.
/// </remarks>
internal static class MlNetScorers
{
    /// <summary>Score = softmax(logits) (class probabilities), PredictedLabel = argmax as a key with the label's key values.</summary>
    public static ITransformer Multiclass(MLContext ml, int classes, DataViewSchema schema, string logitsColumn, string labelColumn)
    {
        var identity = new VBuffer<float>[classes];
        for (int c = 0; c < classes; c++)
        {
            var row = new float[classes];
            row[c] = 1f;
            identity[c] = new VBuffer<float>(classes, row);
        }
        var model = MlNetInternals.NewMaximumEntropyModel(ml, identity, new float[classes], classes, classes);
        return MlNetInternals.NewMulticlassTransformer(ml, model, schema, logitsColumn, labelColumn, "Score", "PredictedLabel");
    }

    /// <summary>Score = the logit, PredictedLabel = Score &gt; 0, then Probability = σ(Score) (Platt with slope −1, offset 0).</summary>
    public static ITransformer Binary(MLContext ml, DataViewSchema schema, string logitsColumn)
    {
        var weights = new VBuffer<float>(1, [1f]);
        var model = MlNetInternals.NewLinearBinaryModel(ml, weights, 0f);
        var scorer = MlNetInternals.NewBinaryTransformer(ml, model, schema, logitsColumn, 0f, "Score");
        // ML.NET's Platt calibrator: P = 1 / (1 + exp(slope·score + offset)); slope −1 makes it the logistic sigmoid.
        var calibrator = ml.BinaryClassification.Calibrators.Platt(slope: -1, offset: 0).Fit(new EmptyDataView(scorer.GetOutputSchema(schema)));
        return new TransformerChain<ITransformer>(scorer, calibrator);
    }

    /// <summary>Score = the single network output.</summary>
    public static ITransformer Regression(MLContext ml, DataViewSchema schema, string outputColumn)
    {
        var weights = new VBuffer<float>(1, [1f]);
        var model = MlNetInternals.NewLinearRegressionModel(ml, weights, 0f);
        return MlNetInternals.NewRegressionTransformer(ml, model, schema, outputColumn);
    }
}
