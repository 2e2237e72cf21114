using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.DeepExtensions.Networks.Losses;
using MLNet.DeepExtensions.Networks.Onnx;

namespace MLNet.DeepExtensions.Tasks;

/// <summary>
/// Multiclass classification: a key label (class index = key − 1, key 0 = missing), one logit per class, softmax
/// cross-entropy (class weights, label smoothing), Score = class probabilities and PredictedLabel = a key like Label.
/// </summary>
internal sealed class MulticlassHead : TaskHead
{
    public static readonly MulticlassHead Instance = new();

    public override DeepTask Task => DeepTask.MulticlassClassification;

    protected override string ExpectedLabel => "a key type (multiclass classification)";

    protected override bool Accepts(LabelColumn label) => label.IsKey && label.IsScalar && label.KeyCount is 0 or (> 0 and <= int.MaxValue);

    protected override string Remedy(string labelColumn) => $" Convert it with ml.Transforms.Conversion.MapValueToKey(\"{labelColumn}\").";

    protected override int ClassCount(LabelColumn label) => (int)label.KeyCount;

    public override LabelKeyValues? LabelValues(DataViewSchema.Column label, int classes) => LabelKeyValues.Read(label, classes);

    public override Func<float> TargetGetter(DataViewRowCursor cursor, DataViewSchema.Column label) =>
        ((KeyDataViewType)label.Type).RawType switch
        {
            Type t when t == typeof(byte) => KeyGetter<byte>(cursor, label, v => v),
            Type t when t == typeof(ushort) => KeyGetter<ushort>(cursor, label, v => v),
            Type t when t == typeof(uint) => KeyGetter<uint>(cursor, label, v => v),
            _ => KeyGetter<ulong>(cursor, label, v => v),
        };

    // Keys are 1-based; 0 means missing. Class index = key − 1.
    private static Func<float> KeyGetter<T>(DataViewRowCursor cursor, DataViewSchema.Column column, Func<T, ulong> widen)
    {
        var get = cursor.GetGetter<T>(column);
        T value = default!;
        return () =>
        {
            get(ref value);
            ulong key = widen(value);
            return key == 0 ? float.NaN : key - 1;
        };
    }

    public override string MissingTarget(string dataName, string labelColumn, int row) =>
        $"{dataName}: label column '{labelColumn}' is missing (key value 0) at row {row}; every training row needs a label.";

    public override void CheckTargets(float[] targets, int classes, string labelColumn, string dataName) =>
        ClassificationTargets.CheckAtLeastTwo(targets, labelColumn, dataName, $"class index {targets[0]} of {classes}");

    public override int Outputs(int classes) => classes;

    public override void CheckOptions(DeepTrainerOptions options, string optionsName, int classes)
    {
        if (options.ClassWeights is not null && options.ClassWeights.Length != classes)
        {
            throw new ArgumentOutOfRangeException(nameof(options.ClassWeights),
                $"{optionsName}.ClassWeights has {options.ClassWeights.Length} entries; label column '{options.LabelColumnName}' has {classes} classes.");
        }
    }

    public override Loss CreateLoss(DeepTrainerOptions options) => new SoftmaxCrossEntropyLoss(options.ClassWeights, options.LabelSmoothing);

    public override OnnxOutputHead OnnxHead => OnnxOutputHead.Multiclass;

    public override ITransformer CreateScorer(MLContext ml, int outputs, DataViewSchema afterNetwork, string networkOutput, string labelColumn) =>
        MlNetScorers.Multiclass(ml, outputs, afterNetwork, networkOutput, labelColumn);

    public override IEstimator<ITransformer> StandardOutputs(MLContext ml, string labelColumn, string featureColumn) =>
        ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(labelColumn, featureColumn);
}
