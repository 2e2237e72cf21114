using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.DeepExtensions.Networks.Losses;
using MLNet.DeepExtensions.Networks.Onnx;

namespace MLNet.DeepExtensions.Tasks;

/// <summary>
/// Binary classification: a Boolean label (target 1 or 0), one logit, binary cross-entropy on the logit; Score = the
/// logit, Probability = σ(Score), PredictedLabel = Score &gt; 0.
/// </summary>
internal sealed class BinaryHead : TaskHead
{
    public static readonly BinaryHead Instance = new();

    public override DeepTask Task => DeepTask.BinaryClassification;

    protected override string ExpectedLabel => "Boolean (binary classification)";

    protected override bool Accepts(LabelColumn label) => !label.IsKey && label.IsScalar && label.ItemType == BooleanDataViewType.Instance;

    public override Func<float> TargetGetter(DataViewRowCursor cursor, DataViewSchema.Column label)
    {
        var get = cursor.GetGetter<bool>(label);
        bool value = false;
        return () => { get(ref value); return value ? 1f : 0f; };
    }

    public override void CheckTargets(float[] targets, int classes, string labelColumn, string dataName) =>
        ClassificationTargets.CheckAtLeastTwo(targets, labelColumn, dataName, targets[0] == 1f ? "true" : "false");

    public override Loss CreateLoss(DeepTrainerOptions options) => new BinaryCrossEntropyWithLogitsLoss();

    public override OnnxOutputHead OnnxHead => OnnxOutputHead.Binary;

    public override ITransformer CreateScorer(MLContext ml, int outputs, DataViewSchema afterNetwork, string networkOutput, string labelColumn) =>
        MlNetScorers.Binary(ml, afterNetwork, networkOutput);

    public override IEstimator<ITransformer> StandardOutputs(MLContext ml, string labelColumn, string featureColumn) =>
        ml.BinaryClassification.Trainers.SdcaLogisticRegression(labelColumn, featureColumn);
}

/// <summary>The check both classification heads make once the targets are read.</summary>
internal static class ClassificationTargets
{
    /// <summary>Throws when every target equals the first; <paramref name="which"/> names that single class.</summary>
    public static void CheckAtLeastTwo(float[] targets, string labelColumn, string dataName, string which)
    {
        float first = targets[0];
        foreach (float t in targets) if (t != first) return;
        throw new InvalidOperationException(
            $"{dataName}: label column '{labelColumn}' has a single class ({which}) in all {targets.Length} rows; classification needs at least 2 classes.");
    }
}
