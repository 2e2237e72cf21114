using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Runtime;
using MLNet.DeepExtensions.Kernels;
using MLNet.DeepExtensions.Networks;
using MLNet.DeepExtensions.Networks.Losses;
using MLNet.DeepExtensions.Networks.Onnx;
using MLNet.DeepExtensions.Networks.Optimizers;
using MLNet.DeepExtensions.Networks.Training;

namespace MLNet.DeepExtensions;

/// <summary>What a deep trainer's Fit produced, handed to its transformer.</summary>
internal sealed record DeepFitResult(DeepTask Task, string FeatureColumnName, Sequential Network, ComputeBackend Backend, ITransformer Scoring,
    LabelKeyValues? Labels, IReadOnlyDictionary<string, string> Metadata, TrainingHistory History, DeepNetworkInfo Info);

/// <summary>
/// The Fit that every deep trainer shares: check both data views' schemas, read the rows once, build the network on
/// the chosen backend, train it with <see cref="NetworkTrainer"/>, export it to ONNX and wrap it in the ML.NET
/// scoring chain. A trainer supplies only its input shape and its network.
/// </summary>
internal static class DeepNetworkFit
{
    /// <param name="host">The trainer's ML.NET host (log channel).</param>
    /// <param name="trainerName">"DeepMlp": prefix of log lines and of the model's producer metadata.</param>
    /// <param name="task">The catalog's task.</param>
    /// <param name="o">Validated options.</param>
    /// <param name="trainData">Training rows.</param>
    /// <param name="validationData">Validation rows, or null.</param>
    /// <param name="inputShape">Shape of one sample, from the training schema (flat or C×H×W); checks happen here, before any row is read.</param>
    /// <param name="buildNetwork">The untrained network for a number of outputs (classes, or 1).</param>
    public static DeepFitResult Fit(IHost host, string trainerName, DeepTask task, DeepTrainerOptions o, IDataView trainData, IDataView? validationData,
        Func<DataViewSchema, TensorShape> inputShape, Func<int, Sequential> buildNetwork)
    {
        ArgumentNullException.ThrowIfNull(trainData);
        o.Validate();
        string optionsName = trainerName + "Trainer.Options";
        // Everything that can be checked without reading rows is checked first.
        var (width, classes) = TrainingDataReader.CheckSchema(trainData.Schema, task, o.FeatureColumnName, o.LabelColumnName, "Training data");
        var shape = inputShape(trainData.Schema);
        if (validationData is not null)
        {
            var (validationWidth, validationClasses) = TrainingDataReader.CheckSchema(validationData.Schema, task, o.FeatureColumnName, o.LabelColumnName, "Validation data");
            if (validationWidth != width || validationClasses != classes)
            {
                throw new ArgumentOutOfRangeException(nameof(validationData),
                    $"Validation data has {validationWidth} features and {validationClasses} label classes; training data has {width} and {classes}.");
            }
        }
        if (o.ClassWeights is not null)
        {
            if (task != DeepTask.MulticlassClassification) throw new ArgumentOutOfRangeException(nameof(o.ClassWeights), $"{optionsName}.ClassWeights applies to multiclass classification only; this trainer does {task}.");
            if (o.ClassWeights.Length != classes) throw new ArgumentOutOfRangeException(nameof(o.ClassWeights), $"{optionsName}.ClassWeights has {o.ClassWeights.Length} entries; label column '{o.LabelColumnName}' has {classes} classes.");
        }
        if (o.LabelSmoothing != 0f && task != DeepTask.MulticlassClassification)
        {
            throw new ArgumentOutOfRangeException(nameof(o.LabelSmoothing), $"{optionsName}.LabelSmoothing applies to multiclass classification only; this trainer does {task}.");
        }
        if (o.EarlyStoppingPatience > 0 && validationData is null && o.ValidationFraction == 0f)
        {
            throw new ArgumentOutOfRangeException(nameof(o.EarlyStoppingPatience),
                $"{optionsName}.EarlyStoppingPatience = {o.EarlyStoppingPatience} needs validation data: pass a validation set to Fit or set ValidationFraction > 0.");
        }
        var labels = task == DeepTask.MulticlassClassification ? LabelKeyValues.Read(trainData.Schema[o.LabelColumnName], classes) : null;

        using var channel = host.Start("Training");
        var backend = ComputeBackends.Create(o.Device, o.NumberOfThreads, line => channel.Info(MessageSensitivity.None, line));
        Sequential? network = null;
        try
        {
            var reading = System.Diagnostics.Stopwatch.StartNew();
            var train = TrainingDataReader.Read(trainData, task, o.FeatureColumnName, o.LabelColumnName, "Training data", o.CancellationToken);
            var validation = validationData is null ? null
                : TrainingDataReader.Read(validationData, task, o.FeatureColumnName, o.LabelColumnName, "Validation data", o.CancellationToken);
            channel.Info(MessageSensitivity.None, string.Create(CultureInfo.InvariantCulture,
                $"{trainerName}: read {train.Count + (validation?.Count ?? 0)} rows in {reading.Elapsed.TotalSeconds:F2} s"));
            int outputs = task == DeepTask.MulticlassClassification ? classes : 1;
            network = buildNetwork(outputs);
            network.Build(backend, shape, o.Seed);
            channel.Info(MessageSensitivity.None, $"{trainerName}: {train.Count} training rows, input {shape}, {network.ParameterCount} parameters; {backend.Description}");
            using var loss = CreateLoss(task, o.ClassWeights, o.LabelSmoothing);
            var history = new NetworkTrainer(new TrainingOptions
            {
                Epochs = o.Epochs,
                BatchSize = o.BatchSize,
                Optimizer = CreateOptimizer(o),
                Schedule = o.LearningRateSchedule,
                Seed = o.Seed,
                ValidationFraction = validation is null ? o.ValidationFraction : 0f,
                EarlyStopping = o.EarlyStoppingPatience > 0 ? new EarlyStoppingOptions { Patience = o.EarlyStoppingPatience } : null,
                GradientClipNorm = o.GradientClipNorm,
                Progress = new ChannelProgress(channel, trainerName, o.Progress),
                CancellationToken = o.CancellationToken,
            }).Fit(network, loss, train, validation);

            string architecture = string.Join(" ", network.Layers.Select(l => l.Describe()));
            var metadata = new Dictionary<string, string>
            {
                ["producer"] = "MLNet.DeepExtensions " + trainerName,
                ["task"] = task.ToString(),
                ["architecture"] = architecture,
                ["summary"] = network.Summary(),
                ["parameters"] = network.ParameterCount.ToString(CultureInfo.InvariantCulture),
                ["input_shape"] = string.Join("x", shape.Dimensions),
                ["label_column"] = o.LabelColumnName,
                ["feature_column"] = o.FeatureColumnName,
                ["trained_on"] = backend.Description,
            };
            var onnx = OnnxExporter.Export(network, ScoringChain.ExportOptions(task, o.FeatureColumnName, forScoringChain: true, labels, metadata));
            var scoring = ScoringChain.Build(new MLContext(o.Seed), task, o.FeatureColumnName, o.LabelColumnName, outputs, onnx, trainData.Schema);
            var info = new DeepNetworkInfo(network.Summary(), architecture, network.ParameterCount, width, outputs, backend.Description)
            {
                InputShape = shape.Dimensions.ToArray(),
            };
            return new DeepFitResult(task, o.FeatureColumnName, network, backend, scoring, labels, metadata, history, info);
        }
        catch
        {
            network?.Dispose();
            backend.Dispose();
            throw;
        }
    }

    private static Loss CreateLoss(DeepTask task, float[]? classWeights, float labelSmoothing) => task switch
    {
        DeepTask.MulticlassClassification => new SoftmaxCrossEntropyLoss(classWeights, labelSmoothing),
        DeepTask.BinaryClassification => new BinaryCrossEntropyWithLogitsLoss(),
        _ => new MeanSquaredErrorLoss(),
    };

    private static Optimizer CreateOptimizer(DeepTrainerOptions o)
    {
        float lr = o.LearningRate;
        return o.Optimizer switch
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
    }

    /// <summary>Reports each epoch to the user's progress and to the MLContext log channel.</summary>
    private sealed class ChannelProgress(IChannel channel, string trainerName, IProgress<EpochReport>? user) : IProgress<EpochReport>
    {
        public void Report(EpochReport value)
        {
            channel.Info(MessageSensitivity.None, trainerName + " " + value);
            user?.Report(value);
        }
    }
}
