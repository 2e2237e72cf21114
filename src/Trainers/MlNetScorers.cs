using System.Reflection;
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
/// graph itself. The constructors used here are checked by the trainer tests; a Microsoft.ML version without them
/// fails with a clear message at Fit.
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
        var model = Create<MaximumEntropyModelParameters>([typeof(IHostEnvironment), typeof(VBuffer<float>[]), typeof(float[]), typeof(int), typeof(int), typeof(string[]), typeof(ModelStatisticsBase)],
            [ml, identity, new float[classes], classes, classes, null, null]);
        return Create<MulticlassPredictionTransformer<MaximumEntropyModelParameters>>(
            [typeof(IHostEnvironment), typeof(MaximumEntropyModelParameters), typeof(DataViewSchema), typeof(string), typeof(string), typeof(string), typeof(string)],
            [ml, model, schema, logitsColumn, labelColumn, "Score", "PredictedLabel"]);
    }

    /// <summary>Score = the logit, PredictedLabel = Score &gt; 0, then Probability = σ(Score) (Platt with slope −1, offset 0).</summary>
    public static ITransformer Binary(MLContext ml, DataViewSchema schema, string logitsColumn)
    {
        var weights = new VBuffer<float>(1, [1f]);
        var model = Create<LinearBinaryModelParameters>([typeof(IHostEnvironment), typeof(VBuffer<float>).MakeByRefType(), typeof(float), typeof(ModelStatisticsBase)],
            [ml, weights, 0f, null]);
        var scorer = Create<BinaryPredictionTransformer<LinearBinaryModelParameters>>(
            [typeof(IHostEnvironment), typeof(LinearBinaryModelParameters), typeof(DataViewSchema), typeof(string), typeof(float), typeof(string)],
            [ml, model, schema, logitsColumn, 0f, "Score"]);
        // ML.NET's Platt calibrator: P = 1 / (1 + exp(slope·score + offset)); slope −1 makes it the logistic sigmoid.
        var calibrator = ml.BinaryClassification.Calibrators.Platt(slope: -1, offset: 0).Fit(new EmptyDataView(scorer.GetOutputSchema(schema)));
        return new TransformerChain<ITransformer>(scorer, calibrator);
    }

    /// <summary>Score = the single network output.</summary>
    public static ITransformer Regression(MLContext ml, DataViewSchema schema, string outputColumn)
    {
        var weights = new VBuffer<float>(1, [1f]);
        var model = Create<LinearRegressionModelParameters>([typeof(IHostEnvironment), typeof(VBuffer<float>).MakeByRefType(), typeof(float)], [ml, weights, 0f]);
        return Create<RegressionPredictionTransformer<LinearRegressionModelParameters>>(
            [typeof(IHostEnvironment), typeof(LinearRegressionModelParameters), typeof(DataViewSchema), typeof(string)],
            [ml, model, schema, outputColumn]);
    }

    private static T Create<T>(Type[] signature, object?[] arguments)
    {
        var constructor = typeof(T).GetConstructor(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public, signature)
            ?? throw new InvalidOperationException(
                $"This build of Microsoft.ML ({typeof(MLContext).Assembly.GetName().Version}) has no constructor {typeof(T).Name}({string.Join(", ", signature.Select(s => s.Name))}); MLNet.DeepExtensions supports Microsoft.ML 5.0.x.");
        try
        {
            return (T)constructor.Invoke(arguments);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw e.InnerException;
        }
    }
}
