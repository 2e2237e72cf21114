using Microsoft.ML;
using Microsoft.ML.Trainers.LightGbm;

namespace MLNet.DeepExtensions.Benchmarks.TabularBaselines;

/// <summary>One row kind of the tables: an estimator appended after <see cref="LoadedTable.Prepare"/>.</summary>
/// <param name="Name">Column header in the tables.</param>
/// <param name="Create">The estimator, given the label column it must read (<see cref="LabelColumn"/>); it reads Features.</param>
/// <param name="StandardizeLabelByHand">Regression: trained on (Label − mean) / std of the training rows, scored back.</param>
internal sealed record Contender(string Name, Func<MLContext, string, IEstimator<ITransformer>> Create, bool StandardizeLabelByHand = false)
{
    public const string StandardizedLabel = "StandardizedLabel";

    /// <summary>The label column the estimator reads.</summary>
    public string LabelColumn => StandardizeLabelByHand ? StandardizedLabel : "Label";
}

/// <summary>
/// The compared trainers: the ML.NET-recommended linear learner (SDCA after NormalizeMeanVariance), LightGbm on the raw
/// columns, and DeepMlp with its default options without and with NormalizeMeanVariance. ML.NET's simple catalog
/// overloads throughout, except LightGbm's thread count (its default threading collapses on a busy machine).
/// </summary>
internal static class Contenders
{
    public static IReadOnlyList<Contender> For(TabularTask task, CommandLine settings)
    {
        var assignments = DeepOptionsParser.Parse(settings.Deep);
        bool defaults = settings.Epochs is null && assignments.Count == 0;
        int threads = Environment.ProcessorCount;

        // DeepMlp: the simple overload (the defaults a user gets) unless --epochs or --deep asks for more.
        DeepMlpTrainer.Options DeepOptions(string label)
        {
            var options = new DeepMlpTrainer.Options { LabelColumnName = label };
            if (settings.Epochs is int epochs) options.Epochs = epochs;
            DeepOptionsParser.Apply(options, assignments);
            return options;
        }
        IEstimator<ITransformer> Deep(MLContext ml, string label) => task switch
        {
            TabularTask.Regression => defaults ? ml.Regression.Trainers.DeepMlp(labelColumnName: label) : ml.Regression.Trainers.DeepMlp(DeepOptions(label)),
            TabularTask.Multiclass => defaults ? ml.MulticlassClassification.Trainers.DeepMlp(labelColumnName: label) : ml.MulticlassClassification.Trainers.DeepMlp(DeepOptions(label)),
            _ => defaults ? ml.BinaryClassification.Trainers.DeepMlp(labelColumnName: label) : ml.BinaryClassification.Trainers.DeepMlp(DeepOptions(label)),
        };
        IEstimator<ITransformer> Normalize(MLContext ml) => ml.Transforms.NormalizeMeanVariance("Features");
        // NormalizeMeanVariance's default (fixZero: true) only scales, x / sqrt(mean² + variance), keeping zero at zero:
        // a column like latitude 38.6 ± 0.15 becomes 1.000 ± 0.004. fixZero: false is the centred z-score (x − mean) / std.
        IEstimator<ITransformer> ZScore(MLContext ml) => ml.Transforms.NormalizeMeanVariance("Features", fixZero: false);

        var list = new List<Contender>();
        switch (task)
        {
            case TabularTask.Regression:
                list.Add(new("SDCA", (ml, label) => Normalize(ml).AppendCacheCheckpoint(ml).Append(ml.Regression.Trainers.Sdca(labelColumnName: label))));
                list.Add(new("LightGbm", (ml, label) => ml.Regression.Trainers.LightGbm(new LightGbmRegressionTrainer.Options { LabelColumnName = label, NumberOfThreads = threads })));
                break;
            case TabularTask.Multiclass:
                list.Add(new("SdcaMaximumEntropy", (ml, label) => Normalize(ml).AppendCacheCheckpoint(ml).Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(labelColumnName: label))));
                list.Add(new("LightGbm", (ml, label) => ml.MulticlassClassification.Trainers.LightGbm(new LightGbmMulticlassTrainer.Options { LabelColumnName = label, NumberOfThreads = threads })));
                break;
            default:
                list.Add(new("SdcaLogisticRegression", (ml, label) => Normalize(ml).AppendCacheCheckpoint(ml).Append(ml.BinaryClassification.Trainers.SdcaLogisticRegression(labelColumnName: label))));
                list.Add(new("LightGbm", (ml, label) => ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options { LabelColumnName = label, NumberOfThreads = threads })));
                break;
        }
        list.Add(new(RawDeep, Deep));
        list.Add(new(NormalizedDeep, (ml, label) => Normalize(ml).Append(Deep(ml, label))));
        if (settings.ZScore) list.Add(new(ZScoredDeep, (ml, label) => ZScore(ml).Append(Deep(ml, label))));
        if (task == TabularTask.Regression && settings.StandardizeLabelByHand)
        {
            list.Add(new(RawDeepByHand, Deep, StandardizeLabelByHand: true));
            list.Add(new(NormalizedDeepByHand, (ml, label) => Normalize(ml).Append(Deep(ml, label)), StandardizeLabelByHand: true));
            if (settings.ZScore) list.Add(new(ZScoredDeepByHand, (ml, label) => ZScore(ml).Append(Deep(ml, label)), StandardizeLabelByHand: true));
        }
        return list;
    }

    public const string RawDeep = "DeepMlp (raw)";
    public const string NormalizedDeep = "DeepMlp (+NormalizeMeanVariance)";
    public const string RawDeepByHand = "DeepMlp (raw, label standardized by hand)";
    public const string NormalizedDeepByHand = "DeepMlp (+NormalizeMeanVariance, label standardized by hand)";
    public const string ZScoredDeep = "DeepMlp (+z-score)";
    public const string ZScoredDeepByHand = "DeepMlp (+z-score, label standardized by hand)";
}
