using MLNet.DeepExtensions;
using Defaults = MLNet.DeepExtensions.DeepTrainerOptions.Defaults;
using RnnDefaults = MLNet.DeepExtensions.DeepRnnTrainer.Options.Defaults;

namespace Microsoft.ML;

// The DeepRnn overloads of DeepCatalog: simple (columns and the most-used knobs) and Options, per task.
public static partial class DeepCatalog
{
    /// <summary>
    /// A recurrent network for multiclass classification: Label a key (use <c>MapValueToKey</c>), Features a known-size
    /// vector of Single read as <paramref name="sequenceShape"/> = [steps, features] (or the column's two dimensions);
    /// outputs Score (class probabilities) and PredictedLabel (a key like Label). For token keys use the Options overload
    /// with <see cref="DeepRnnTrainer.Options.EmbeddingSize"/>.
    /// </summary>
    public static DeepRnnTrainer DeepRnn(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string labelColumnName = Defaults.LabelColumnName, string featureColumnName = Defaults.FeatureColumnName,
        RnnCellType cellType = RnnDefaults.CellType, int hiddenSize = RnnDefaults.HiddenSize, int[]? sequenceShape = null,
        int epochs = Defaults.Epochs, int batchSize = Defaults.BatchSize, float learningRate = Defaults.LearningRate)
        => DeepRnn(catalog, Simple(labelColumnName, featureColumnName, cellType, hiddenSize, sequenceShape, epochs, batchSize, learningRate));

    /// <summary>A recurrent network for multiclass classification, configured by <paramref name="options"/>.</summary>
    public static DeepRnnTrainer DeepRnn(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog, DeepRnnTrainer.Options options)
        => Create(catalog, DeepTask.MulticlassClassification, options);

    /// <summary>A recurrent network for binary classification: Label Boolean, Features as for multiclass; outputs Score (logit), Probability and PredictedLabel.</summary>
    public static DeepRnnTrainer DeepRnn(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog,
        string labelColumnName = Defaults.LabelColumnName, string featureColumnName = Defaults.FeatureColumnName,
        RnnCellType cellType = RnnDefaults.CellType, int hiddenSize = RnnDefaults.HiddenSize, int[]? sequenceShape = null,
        int epochs = Defaults.Epochs, int batchSize = Defaults.BatchSize, float learningRate = Defaults.LearningRate)
        => DeepRnn(catalog, Simple(labelColumnName, featureColumnName, cellType, hiddenSize, sequenceShape, epochs, batchSize, learningRate));

    /// <summary>A recurrent network for binary classification, configured by <paramref name="options"/>.</summary>
    public static DeepRnnTrainer DeepRnn(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog, DeepRnnTrainer.Options options)
        => Create(catalog, DeepTask.BinaryClassification, options);

    /// <summary>A recurrent network for regression: Label Single, Features as for multiclass; outputs Score.</summary>
    public static DeepRnnTrainer DeepRnn(this RegressionCatalog.RegressionTrainers catalog,
        string labelColumnName = Defaults.LabelColumnName, string featureColumnName = Defaults.FeatureColumnName,
        RnnCellType cellType = RnnDefaults.CellType, int hiddenSize = RnnDefaults.HiddenSize, int[]? sequenceShape = null,
        int epochs = Defaults.Epochs, int batchSize = Defaults.BatchSize, float learningRate = Defaults.LearningRate)
        => DeepRnn(catalog, Simple(labelColumnName, featureColumnName, cellType, hiddenSize, sequenceShape, epochs, batchSize, learningRate));

    /// <summary>A recurrent network for regression, configured by <paramref name="options"/>.</summary>
    public static DeepRnnTrainer DeepRnn(this RegressionCatalog.RegressionTrainers catalog, DeepRnnTrainer.Options options)
        => Create(catalog, DeepTask.Regression, options);

    private static DeepRnnTrainer.Options Simple(string labelColumnName, string featureColumnName, RnnCellType cellType, int hiddenSize, int[]? sequenceShape,
        int epochs, int batchSize, float learningRate) => new()
    {
        LabelColumnName = labelColumnName,
        FeatureColumnName = featureColumnName,
        CellType = cellType,
        HiddenSize = hiddenSize,
        SequenceShape = sequenceShape,
        Epochs = epochs,
        BatchSize = batchSize,
        LearningRate = learningRate,
    };

    private static DeepRnnTrainer Create(TrainCatalogBase.CatalogInstantiatorBase catalog, DeepTask task, DeepRnnTrainer.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return new DeepRnnTrainer(HostOf(catalog), task, options);
    }
}
