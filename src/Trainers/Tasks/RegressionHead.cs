using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.DeepExtensions.Networks;
using MLNet.DeepExtensions.Networks.Layers;
using MLNet.DeepExtensions.Networks.Losses;
using MLNet.DeepExtensions.Networks.Onnx;
using MLNet.DeepExtensions.Networks.Training;

namespace MLNet.DeepExtensions.Tasks;

/// <summary>
/// Regression: a Single label, one output, mean squared error. The network trains on the standardized target
/// (t − mean) / σ of the training rows, whatever the label's scale (house prices or MPa), and the inverse is folded
/// into the output layer after training (W ← σ·W, b ← σ·b + mean), so Score, the saved model and the ONNX export
/// all predict in the label's own units with no extra node.
/// </summary>
internal sealed class RegressionHead : TaskHead
{
    public static readonly RegressionHead Instance = new();

    public override DeepTask Task => DeepTask.Regression;

    protected override string ExpectedLabel => "Single (regression)";

    protected override bool Accepts(LabelColumn label) => !label.IsKey && label.IsScalar && label.ItemType == NumberDataViewType.Single;

    protected override string Remedy(string labelColumn) => $" Convert it with ml.Transforms.Conversion.ConvertType(\"{labelColumn}\", outputKind: DataKind.Single).";

    public override Func<float> TargetGetter(DataViewRowCursor cursor, DataViewSchema.Column label)
    {
        var get = cursor.GetGetter<float>(label);
        float value = 0;
        return () => { get(ref value); return value; };
    }

    public override Loss CreateLoss(DeepTrainerOptions options) => new MeanSquaredErrorLoss();

    /// <summary>Standardizes both sets' targets with the training rows' mean and (population) standard deviation.</summary>
    public override TargetScaling? ScaleTargets(Dataset train, Dataset? validation, string labelColumn)
    {
        double mean = 0;
        foreach (float t in train.Targets) mean += t;
        mean /= train.Targets.Length;
        double squares = 0;
        foreach (float t in train.Targets) squares += (t - mean) * (t - mean);
        double deviation = Math.Sqrt(squares / train.Targets.Length);
        if (!(deviation > 0) || !double.IsFinite(deviation))
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"{train.Name}: label column '{labelColumn}' has the same value ({train.Targets[0]}) in all {train.Targets.Length} rows; regression needs a label that varies."));
        }
        Standardize(train.Targets, mean, deviation);
        if (validation is not null) Standardize(validation.Targets, mean, deviation);
        return new TargetScaling(mean, deviation);
    }

    private static void Standardize(float[] targets, double mean, double deviation)
    {
        double inverse = 1.0 / deviation;
        for (int i = 0; i < targets.Length; i++) targets[i] = (float)((targets[i] - mean) * inverse);
    }

    // y = σ·(W·h + b) + mean = (σ·W)·h + (σ·b + mean): the output layer absorbs the inverse exactly.
    public override void FinishNetwork(Sequential network, TargetScaling scaling)
    {
        if (network.Layers[^1] is not DenseLayer { Bias: { } bias } output)
        {
            throw new InvalidOperationException($"Regression needs the network to end in a Dense layer with a bias to fold the label scaling into; it ends in {network.Layers[^1].Describe()}.");
        }
        var backend = network.Backend;
        var weight = new float[output.Weight.Size];
        backend.Download(output.Weight.Value, weight);
        for (int i = 0; i < weight.Length; i++) weight[i] = (float)(weight[i] * scaling.StandardDeviation);
        backend.Upload(weight, output.Weight.Value);
        var b = new float[bias.Size];
        backend.Download(bias.Value, b);
        for (int i = 0; i < b.Length; i++) b[i] = (float)(b[i] * scaling.StandardDeviation + scaling.Mean);
        backend.Upload(b, bias.Value);
    }

    public override OnnxOutputHead OnnxHead => OnnxOutputHead.Regression;

    public override ITransformer CreateScorer(MLContext ml, int outputs, DataViewSchema afterNetwork, string networkOutput, string labelColumn) =>
        MlNetScorers.Regression(ml, afterNetwork, networkOutput);

    public override IEstimator<ITransformer> StandardOutputs(MLContext ml, string labelColumn, string featureColumn) =>
        ml.Regression.Trainers.Sdca(labelColumn, featureColumn);
}
