using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLNet.DeepExtensions.Kernels;
using MLNet.DeepExtensions.Networks;
using MLNet.DeepExtensions.Networks.Layers;
using MLNet.DeepExtensions.Networks.Losses;
using MLNet.DeepExtensions.Networks.Onnx;
using MLNet.DeepExtensions.Networks.Optimizers;
using MLNet.DeepExtensions.Networks.Training;

namespace MLNet.DeepExtensions;

/// <summary>
/// Trains a multilayer perceptron (fully connected layers, optional batch norm and dropout) inside an ML.NET pipeline,
/// for multiclass or binary classification or regression. Created by <c>ml.MulticlassClassification.Trainers.DeepMlp</c>,
/// <c>ml.BinaryClassification.Trainers.DeepMlp</c> or <c>ml.Regression.Trainers.DeepMlp</c>.
/// </summary>
/// <remarks>
/// <para>Trainer characteristics:</para>
/// <list type="table">
/// <item><term>Tasks</term><description>multiclass (key label), binary (Boolean label), regression (Single label)</description></item>
/// <item><term>Normalization</term><description>recommended (scale features to about [0, 1] or unit variance)</description></item>
/// <item><term>Caching</term><description>not needed: the data is read once into memory</description></item>
/// <item><term>Hardware</term><description>a GPU through ILGPU (CUDA/OpenCL) or the managed SIMD CPU backend</description></item>
/// <item><term>ONNX</term><description>yes: <see cref="DeepMlpTransformer.ExportOnnx(Stream)"/>, and saved models embed ONNX</description></item>
/// </list>
/// <para>Network: for each hidden size, Dense (Glorot uniform) [→ BatchNorm] → activation [→ Dropout], then a Dense
/// output layer with one unit per class (multiclass, softmax cross-entropy with optional class weights) or one unit
/// (binary: sigmoid cross-entropy on the logit; regression: mean squared error).</para>
/// </remarks>
public sealed partial class DeepMlpTrainer : IEstimator<DeepMlpTransformer>
{
    private readonly IHost _host;
    private readonly Options _options;

    internal DeepMlpTrainer(IHostEnvironment environment, DeepMlpTask task, Options options)
    {
        _host = environment.Register("DeepMlp");
        Task = task;
        _options = options;
    }

    /// <summary>The task this trainer was created for.</summary>
    public DeepMlpTask Task { get; }

    /// <summary>Checks the input columns and returns the schema with the task's output columns.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        CheckShape(inputSchema);
        // ML.NET keeps SchemaShape.Column's constructor internal; its SDCA trainer of the same task declares exactly the
        // conventional output columns (Score, PredictedLabel, Probability) for the same inputs.
        var ml = new MLContext();
        IEstimator<ITransformer> same = Task switch
        {
            DeepMlpTask.MulticlassClassification => ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(_options.LabelColumnName, _options.FeatureColumnName),
            DeepMlpTask.BinaryClassification => ml.BinaryClassification.Trainers.SdcaLogisticRegression(_options.LabelColumnName, _options.FeatureColumnName),
            _ => ml.Regression.Trainers.Sdca(_options.LabelColumnName, _options.FeatureColumnName),
        };
        return same.GetOutputSchema(inputSchema);
    }

    /// <summary>Trains on <paramref name="input"/>; validates on a held-out <see cref="Options.ValidationFraction"/> when set.</summary>
    public DeepMlpTransformer Fit(IDataView input) => Fit(input, null);

    /// <summary>
    /// Trains on <paramref name="trainData"/> and, when given, reports metrics and early-stops on <paramref name="validationData"/>.
    /// </summary>
    public DeepMlpTransformer Fit(IDataView trainData, IDataView? validationData)
    {
        ArgumentNullException.ThrowIfNull(trainData);
        var o = _options;
        o.Validate();
        // Everything that can be checked without reading rows is checked first.
        var (width, classes) = TrainingDataReader.CheckSchema(trainData.Schema, Task, o.FeatureColumnName, o.LabelColumnName, "Training data");
        if (validationData is not null)
        {
            var (validationWidth, validationClasses) = TrainingDataReader.CheckSchema(validationData.Schema, Task, o.FeatureColumnName, o.LabelColumnName, "Validation data");
            if (validationWidth != width || validationClasses != classes)
            {
                throw new ArgumentOutOfRangeException(nameof(validationData),
                    $"Validation data has {validationWidth} features and {validationClasses} label classes; training data has {width} and {classes}.");
            }
        }
        if (o.ClassWeights is not null)
        {
            if (Task != DeepMlpTask.MulticlassClassification) throw new ArgumentOutOfRangeException(nameof(Options.ClassWeights), $"DeepMlpTrainer.Options.ClassWeights applies to multiclass classification only; this trainer does {Task}.");
            if (o.ClassWeights.Length != classes) throw new ArgumentOutOfRangeException(nameof(Options.ClassWeights), $"DeepMlpTrainer.Options.ClassWeights has {o.ClassWeights.Length} entries; label column '{o.LabelColumnName}' has {classes} classes.");
        }
        if (o.EarlyStoppingPatience > 0 && validationData is null && o.ValidationFraction == 0f)
        {
            throw new ArgumentOutOfRangeException(nameof(Options.EarlyStoppingPatience),
                $"DeepMlpTrainer.Options.EarlyStoppingPatience = {o.EarlyStoppingPatience} needs validation data: pass a validation set to Fit or set ValidationFraction > 0.");
        }
        var labels = Task == DeepMlpTask.MulticlassClassification ? LabelKeyValues.Read(trainData.Schema[o.LabelColumnName], classes) : null;

        using var channel = _host.Start("Training");
        var backend = ComputeBackends.Create(o.Device, o.NumberOfThreads, line => channel.Info(MessageSensitivity.None, line));
        Sequential? network = null;
        try
        {
            var reading = System.Diagnostics.Stopwatch.StartNew();
            var train = TrainingDataReader.Read(trainData, Task, o.FeatureColumnName, o.LabelColumnName, "Training data", o.CancellationToken);
            var validation = validationData is null ? null
                : TrainingDataReader.Read(validationData, Task, o.FeatureColumnName, o.LabelColumnName, "Validation data", o.CancellationToken);
            channel.Info(MessageSensitivity.None, string.Create(CultureInfo.InvariantCulture,
                $"DeepMlp: read {train.Count + (validation?.Count ?? 0)} rows in {reading.Elapsed.TotalSeconds:F2} s"));
            int outputs = Task == DeepMlpTask.MulticlassClassification ? classes : 1;
            network = BuildNetwork(outputs);
            network.Build(backend, new TensorShape(width), o.Seed);
            channel.Info(MessageSensitivity.None, $"DeepMlp: {train.Count} training rows, {width} features, {network.ParameterCount} parameters; {backend.Description}");
            using var loss = CreateLoss();
            var history = new NetworkTrainer(new TrainingOptions
            {
                Epochs = o.Epochs,
                BatchSize = o.BatchSize,
                Optimizer = CreateOptimizer(),
                Schedule = o.LearningRateSchedule,
                Seed = o.Seed,
                ValidationFraction = validation is null ? o.ValidationFraction : 0f,
                EarlyStopping = o.EarlyStoppingPatience > 0 ? new EarlyStoppingOptions { Patience = o.EarlyStoppingPatience } : null,
                GradientClipNorm = o.GradientClipNorm,
                Progress = new ChannelProgress(channel, o.Progress),
                CancellationToken = o.CancellationToken,
            }).Fit(network, loss, train, validation);

            string architecture = string.Join(" ", network.Layers.Select(l => l.Describe()));
            var metadata = new Dictionary<string, string>
            {
                ["producer"] = "MLNet.DeepExtensions DeepMlp",
                ["task"] = Task.ToString(),
                ["architecture"] = architecture,
                ["summary"] = network.Summary(),
                ["parameters"] = network.ParameterCount.ToString(CultureInfo.InvariantCulture),
                ["label_column"] = o.LabelColumnName,
                ["feature_column"] = o.FeatureColumnName,
                ["trained_on"] = backend.Description,
            };
            var onnx = OnnxExporter.Export(network, ScoringChain.ExportOptions(Task, o.FeatureColumnName, forScoringChain: true, labels, metadata));
            var scoring = ScoringChain.Build(new MLContext(o.Seed), Task, o.FeatureColumnName, o.LabelColumnName, outputs, onnx, trainData.Schema);
            var info = new DeepNetworkInfo(network.Summary(), architecture, network.ParameterCount, width, outputs, backend.Description);
            return new DeepMlpTransformer(Task, o.FeatureColumnName, network, backend, scoring, labels, metadata, history, info);
        }
        catch
        {
            network?.Dispose();
            backend.Dispose();
            throw;
        }
    }

    private Sequential BuildNetwork(int outputs)
    {
        var o = _options;
        var layers = new List<Layer>();
        foreach (int units in o.HiddenLayers ?? Options.Defaults.HiddenLayers)
        {
            layers.Add(new DenseLayer(units, useBias: !o.BatchNormalization)); // batch norm's β replaces the bias
            if (o.BatchNormalization) layers.Add(new BatchNormLayer());
            layers.Add(new ActivationLayer(o.Activation));
            if (o.DropoutRate > 0f) layers.Add(new DropoutLayer(o.DropoutRate));
        }
        layers.Add(new DenseLayer(outputs));
        return new Sequential(layers.ToArray());
    }

    private Loss CreateLoss() => Task switch
    {
        DeepMlpTask.MulticlassClassification => new SoftmaxCrossEntropyLoss(_options.ClassWeights),
        DeepMlpTask.BinaryClassification => new BinaryCrossEntropyWithLogitsLoss(),
        _ => new MeanSquaredErrorLoss(),
    };

    private Optimizer CreateOptimizer()
    {
        var o = _options;
        float lr = o.LearningRate;
        Optimizer optimizer = o.Optimizer switch
        {
            OptimizerKind.Sgd => new SgdOptimizer(lr) { L1Regularization = o.L1Regularization, L2Regularization = o.L2Regularization, WeightDecay = o.WeightDecay },
            OptimizerKind.Momentum => new SgdOptimizer(lr, momentum: 0.9f) { L1Regularization = o.L1Regularization, L2Regularization = o.L2Regularization, WeightDecay = o.WeightDecay },
            OptimizerKind.Nesterov => new SgdOptimizer(lr, momentum: 0.9f, nesterov: true) { L1Regularization = o.L1Regularization, L2Regularization = o.L2Regularization, WeightDecay = o.WeightDecay },
            OptimizerKind.Adagrad => new AdagradOptimizer(lr) { L1Regularization = o.L1Regularization, L2Regularization = o.L2Regularization, WeightDecay = o.WeightDecay },
            OptimizerKind.Adadelta => new AdadeltaOptimizer(lr) { L1Regularization = o.L1Regularization, L2Regularization = o.L2Regularization, WeightDecay = o.WeightDecay },
            OptimizerKind.RmsProp => new RmsPropOptimizer(lr) { L1Regularization = o.L1Regularization, L2Regularization = o.L2Regularization, WeightDecay = o.WeightDecay },
            OptimizerKind.AdamW => new AdamWOptimizer(lr, o.WeightDecay) { L1Regularization = o.L1Regularization, L2Regularization = o.L2Regularization },
            _ => new AdamOptimizer(lr) { L1Regularization = o.L1Regularization, L2Regularization = o.L2Regularization, WeightDecay = o.WeightDecay },
        };
        return optimizer;
    }

    private void CheckShape(SchemaShape schema)
    {
        var o = _options;
        if (!TryFind(schema, o.FeatureColumnName, out var features))
        {
            throw new ArgumentOutOfRangeException(nameof(schema), $"Feature column '{o.FeatureColumnName}' not found; available columns: {string.Join(", ", schema.Select(c => c.Name))}.");
        }
        if (features.Kind != SchemaShape.Column.VectorKind.Vector || features.ItemType != NumberDataViewType.Single)
        {
            string found = features.Kind == SchemaShape.Column.VectorKind.VariableVector ? $"Vector<{features.ItemType}> (variable size)"
                : features.Kind == SchemaShape.Column.VectorKind.Scalar ? features.ItemType.ToString()! : $"Vector<{features.ItemType}>";
            throw new ArgumentOutOfRangeException(nameof(schema), $"Schema mismatch for feature column '{o.FeatureColumnName}': expected known-size vector of Single, got {found}.");
        }
        if (!TryFind(schema, o.LabelColumnName, out var label))
        {
            throw new ArgumentOutOfRangeException(nameof(schema), $"Label column '{o.LabelColumnName}' not found; available columns: {string.Join(", ", schema.Select(c => c.Name))}.");
        }
        bool ok = Task switch
        {
            DeepMlpTask.MulticlassClassification => label.IsKey,
            DeepMlpTask.BinaryClassification => label.ItemType == BooleanDataViewType.Instance && label.Kind == SchemaShape.Column.VectorKind.Scalar,
            _ => label.ItemType == NumberDataViewType.Single && label.Kind == SchemaShape.Column.VectorKind.Scalar,
        };
        if (!ok)
        {
            string expected = Task switch
            {
                DeepMlpTask.MulticlassClassification => $"a key type (multiclass classification); convert it with ml.Transforms.Conversion.MapValueToKey(\"{o.LabelColumnName}\")",
                DeepMlpTask.BinaryClassification => "Boolean (binary classification)",
                _ => "Single (regression)",
            };
            throw new ArgumentOutOfRangeException(nameof(schema), $"Schema mismatch for label column '{o.LabelColumnName}': expected {expected}, got {(label.IsKey ? "Key<" + label.ItemType + ">" : label.ItemType.ToString())}.");
        }
    }

    private static bool TryFind(SchemaShape schema, string name, out SchemaShape.Column column)
    {
        foreach (var c in schema)
        {
            if (c.Name == name)
            {
                column = c;
                return true;
            }
        }
        column = default;
        return false;
    }

    /// <summary>Reports each epoch to the user's progress and to the MLContext log channel.</summary>
    private sealed class ChannelProgress(IChannel channel, IProgress<EpochReport>? user) : IProgress<EpochReport>
    {
        public void Report(EpochReport value)
        {
            channel.Info(MessageSensitivity.None, "DeepMlp " + value);
            user?.Report(value);
        }
    }
}
