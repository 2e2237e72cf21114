using Microsoft.ML.Runtime;
using MLNet.DeepExtensions;
using Defaults = MLNet.DeepExtensions.DeepTrainerOptions.Defaults;

namespace Microsoft.ML;

/// <summary>
/// Adds the deep-learning trainers of MLNet.DeepExtensions to ML.NET's catalogs:
/// <c>ml.MulticlassClassification.Trainers.DeepMlp(...)</c> and <c>DeepCnn(...)</c>, and the same for binary classification and regression.
/// </summary>
public static partial class DeepCatalog
{
    /// <summary>
    /// A multilayer perceptron for multiclass classification: Label a key (use <c>MapValueToKey</c>), Features a
    /// known-size vector of Single; outputs Score (class probabilities) and PredictedLabel (a key like Label).
    /// </summary>
    public static DeepMlpTrainer DeepMlp(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string labelColumnName = Defaults.LabelColumnName, string featureColumnName = Defaults.FeatureColumnName,
        int[]? hiddenLayers = null, int epochs = Defaults.Epochs, int batchSize = Defaults.BatchSize, float learningRate = Defaults.LearningRate)
        => DeepMlp(catalog, Simple(labelColumnName, featureColumnName, hiddenLayers, epochs, batchSize, learningRate));

    /// <summary>A multilayer perceptron for multiclass classification, configured by <paramref name="options"/>.</summary>
    public static DeepMlpTrainer DeepMlp(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog, DeepMlpTrainer.Options options)
        => Create(catalog, DeepTask.MulticlassClassification, options);

    /// <summary>
    /// A multilayer perceptron for binary classification: Label Boolean, Features a known-size vector of Single;
    /// outputs Score (the logit), Probability and PredictedLabel (Boolean).
    /// </summary>
    public static DeepMlpTrainer DeepMlp(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog,
        string labelColumnName = Defaults.LabelColumnName, string featureColumnName = Defaults.FeatureColumnName,
        int[]? hiddenLayers = null, int epochs = Defaults.Epochs, int batchSize = Defaults.BatchSize, float learningRate = Defaults.LearningRate)
        => DeepMlp(catalog, Simple(labelColumnName, featureColumnName, hiddenLayers, epochs, batchSize, learningRate));

    /// <summary>A multilayer perceptron for binary classification, configured by <paramref name="options"/>.</summary>
    public static DeepMlpTrainer DeepMlp(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog, DeepMlpTrainer.Options options)
        => Create(catalog, DeepTask.BinaryClassification, options);

    /// <summary>
    /// A multilayer perceptron for regression: Label Single, Features a known-size vector of Single; outputs Score.
    /// </summary>
    public static DeepMlpTrainer DeepMlp(this RegressionCatalog.RegressionTrainers catalog,
        string labelColumnName = Defaults.LabelColumnName, string featureColumnName = Defaults.FeatureColumnName,
        int[]? hiddenLayers = null, int epochs = Defaults.Epochs, int batchSize = Defaults.BatchSize, float learningRate = Defaults.LearningRate)
        => DeepMlp(catalog, Simple(labelColumnName, featureColumnName, hiddenLayers, epochs, batchSize, learningRate));

    /// <summary>A multilayer perceptron for regression, configured by <paramref name="options"/>.</summary>
    public static DeepMlpTrainer DeepMlp(this RegressionCatalog.RegressionTrainers catalog, DeepMlpTrainer.Options options)
        => Create(catalog, DeepTask.Regression, options);

    /// <summary>
    /// A convolutional network for multiclass classification: Label a key, Features a known-size vector of Single with
    /// channels x height x width pixels (the output of <c>ExtractPixels</c>, or a flat vector with
    /// <paramref name="imageShape"/>); outputs Score (class probabilities) and PredictedLabel.
    /// </summary>
    public static DeepCnnTrainer DeepCnn(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string labelColumnName = Defaults.LabelColumnName, string featureColumnName = Defaults.FeatureColumnName,
        CnnArchitecture architecture = CnnArchitecture.LeNet5, int[]? imageShape = null,
        int epochs = Defaults.Epochs, int batchSize = Defaults.BatchSize, float learningRate = Defaults.LearningRate)
        => DeepCnn(catalog, Simple(labelColumnName, featureColumnName, architecture, imageShape, epochs, batchSize, learningRate));

    /// <summary>A convolutional network for multiclass classification, configured by <paramref name="options"/>.</summary>
    public static DeepCnnTrainer DeepCnn(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog, DeepCnnTrainer.Options options)
        => Create(catalog, DeepTask.MulticlassClassification, options);

    /// <summary>A convolutional network for binary classification: Label Boolean; outputs Score (logit), Probability and PredictedLabel.</summary>
    public static DeepCnnTrainer DeepCnn(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog,
        string labelColumnName = Defaults.LabelColumnName, string featureColumnName = Defaults.FeatureColumnName,
        CnnArchitecture architecture = CnnArchitecture.LeNet5, int[]? imageShape = null,
        int epochs = Defaults.Epochs, int batchSize = Defaults.BatchSize, float learningRate = Defaults.LearningRate)
        => DeepCnn(catalog, Simple(labelColumnName, featureColumnName, architecture, imageShape, epochs, batchSize, learningRate));

    /// <summary>A convolutional network for binary classification, configured by <paramref name="options"/>.</summary>
    public static DeepCnnTrainer DeepCnn(this BinaryClassificationCatalog.BinaryClassificationTrainers catalog, DeepCnnTrainer.Options options)
        => Create(catalog, DeepTask.BinaryClassification, options);

    /// <summary>A convolutional network for regression: Label Single, Features image pixels as for multiclass; outputs Score.</summary>
    public static DeepCnnTrainer DeepCnn(this RegressionCatalog.RegressionTrainers catalog,
        string labelColumnName = Defaults.LabelColumnName, string featureColumnName = Defaults.FeatureColumnName,
        CnnArchitecture architecture = CnnArchitecture.LeNet5, int[]? imageShape = null,
        int epochs = Defaults.Epochs, int batchSize = Defaults.BatchSize, float learningRate = Defaults.LearningRate)
        => DeepCnn(catalog, Simple(labelColumnName, featureColumnName, architecture, imageShape, epochs, batchSize, learningRate));

    /// <summary>A convolutional network for regression, configured by <paramref name="options"/>.</summary>
    public static DeepCnnTrainer DeepCnn(this RegressionCatalog.RegressionTrainers catalog, DeepCnnTrainer.Options options)
        => Create(catalog, DeepTask.Regression, options);

    /// <summary>
    /// Loads a model saved with <c>ml.Model.Save</c>, like <see cref="ModelOperationsCatalog.Load(string, out DataViewSchema)"/>,
    /// after checking the file: a missing, truncated or corrupted file gets an exception naming the path, what was
    /// expected and what was found.
    /// </summary>
    public static ITransformer LoadDeepModel(this ModelOperationsCatalog catalog, string filePath, out DataViewSchema inputSchema)
        => ModelFileCheck.Load(catalog, filePath, out inputSchema);

    private static DeepMlpTrainer.Options Simple(string labelColumnName, string featureColumnName, int[]? hiddenLayers, int epochs, int batchSize, float learningRate) => new()
    {
        LabelColumnName = labelColumnName,
        FeatureColumnName = featureColumnName,
        HiddenLayers = hiddenLayers,
        Epochs = epochs,
        BatchSize = batchSize,
        LearningRate = learningRate,
    };

    private static DeepCnnTrainer.Options Simple(string labelColumnName, string featureColumnName, CnnArchitecture architecture, int[]? imageShape, int epochs, int batchSize, float learningRate) => new()
    {
        LabelColumnName = labelColumnName,
        FeatureColumnName = featureColumnName,
        Architecture = architecture,
        ImageShape = imageShape,
        Epochs = epochs,
        BatchSize = batchSize,
        LearningRate = learningRate,
    };

    /// <summary>The catalog's MLContext; first checks, once per process, every ML.NET internal this package reaches (<see cref="MlNetInternals"/>).</summary>
    private static IHostEnvironment HostOf(TrainCatalogBase.CatalogInstantiatorBase catalog)
    {
        MlNetInternals.EnsureVerified();
        return MlNetInternals.EnvironmentOf(catalog);
    }

    private static DeepCnnTrainer Create(TrainCatalogBase.CatalogInstantiatorBase catalog, DeepTask task, DeepCnnTrainer.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return new DeepCnnTrainer(HostOf(catalog), task, options);
    }

    private static DeepMlpTrainer Create(TrainCatalogBase.CatalogInstantiatorBase catalog, DeepTask task, DeepMlpTrainer.Options options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return new DeepMlpTrainer(HostOf(catalog), task, options);
    }
}
