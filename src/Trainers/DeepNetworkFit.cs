using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLNet.DeepExtensions.Kernels;
using MLNet.DeepExtensions.Networks;
using MLNet.DeepExtensions.Networks.Layers;
using MLNet.DeepExtensions.Networks.Onnx;
using MLNet.DeepExtensions.Networks.Optimizers;
using MLNet.DeepExtensions.Networks.Training;
using MLNet.DeepExtensions.Tasks;

namespace MLNet.DeepExtensions;

/// <summary>
/// What a deep trainer's Fit produced, handed to its transformer. FeatureType is the feature column's type as trained:
/// Vector&lt;Single, shape...&gt;, or for token sequences a variable-length vector of the training key type.
/// </summary>
internal sealed record DeepFitResult(TaskHead Head, string FeatureColumnName, Sequential Network, ComputeBackend Backend, ITransformer Scoring,
    LabelKeyValues? Labels, IReadOnlyDictionary<string, string> Metadata, TrainingHistory History, DeepNetworkInfo Info, DataViewType FeatureType);

/// <summary>
/// The Fit that every deep trainer shares: check both data views' schemas, read the rows once, scale features and
/// targets as the options and the task say, build the network on the chosen backend, train it with
/// <see cref="NetworkTrainer"/>, export it to ONNX and wrap it in the ML.NET scoring chain. A trainer supplies only its
/// input shape and its layers; its task head supplies everything task-specific.
/// </summary>
internal static class DeepNetworkFit
{
    /// <param name="host">The trainer's ML.NET host (log channel).</param>
    /// <param name="trainerName">"DeepMlp": prefix of log lines and of the model's producer metadata.</param>
    /// <param name="head">The catalog's task.</param>
    /// <param name="o">Validated options.</param>
    /// <param name="trainData">Training rows.</param>
    /// <param name="validationData">Validation rows, or null.</param>
    /// <param name="inputShape">Shape of one sample, from the training schema (flat or C×H×W); checks happen here, before any row is read.</param>
    /// <param name="buildLayers">The untrained layers for a number of outputs (classes, or 1), ending in the output Dense layer.</param>
    /// <param name="tokens">Non-null when the feature column holds token keys (DeepRnn with an Embedding): the rows are read
    /// as padded id sequences, the input shape is (steps) from the rows (not <paramref name="inputShape"/>, which then
    /// only checks options), nothing is standardized, and the scoring chain takes the key column itself.</param>
    public static DeepFitResult Fit(IHost host, string trainerName, TaskHead head, DeepTrainerOptions o, IDataView trainData, IDataView? validationData,
        Func<DataViewSchema, TensorShape> inputShape, Func<int, IReadOnlyList<Layer>> buildLayers, TokenSequences? tokens = null)
    {
        ArgumentNullException.ThrowIfNull(trainData);
        o.Validate();
        string optionsName = trainerName + "Trainer.Options";
        // Everything that can be checked without reading rows is checked first.
        var (width, classes) = TrainingDataReader.CheckSchema(trainData.Schema, head, o.FeatureColumnName, o.LabelColumnName, "Training data", tokens);
        var shape = inputShape(trainData.Schema);
        if (validationData is not null)
        {
            var (validationWidth, validationClasses) = TrainingDataReader.CheckSchema(validationData.Schema, head, o.FeatureColumnName, o.LabelColumnName, "Validation data", tokens);
            if (tokens is not null && validationWidth != width)
            {
                throw new ArgumentOutOfRangeException(nameof(validationData),
                    $"Validation data's feature column '{o.FeatureColumnName}' has keys of count {validationWidth}; training data's has {width}: map both with the same fitted MapValueToKey.");
            }
            if (validationWidth != width || validationClasses != classes)
            {
                throw new ArgumentOutOfRangeException(nameof(validationData),
                    $"Validation data has {validationWidth} features and {validationClasses} label classes; training data has {width} and {classes}.");
            }
        }
        head.CheckOptions(o, optionsName, classes);
        if (o.EarlyStoppingPatience > 0 && validationData is null && o.ValidationFraction == 0f)
        {
            throw new ArgumentOutOfRangeException(nameof(o.EarlyStoppingPatience),
                $"{optionsName}.EarlyStoppingPatience = {o.EarlyStoppingPatience} needs validation data: pass a validation set to Fit or set ValidationFraction > 0.");
        }
        var labels = head.LabelValues(trainData.Schema[o.LabelColumnName], classes);

        using var channel = host.Start("Training");
        void Log(string line) => channel.Info(MessageSensitivity.None, line);
        var backend = ComputeBackends.Create(o.Device, o.NumberOfThreads, Log);
        Sequential? network = null;
        try
        {
            var reading = System.Diagnostics.Stopwatch.StartNew();
            Dataset train;
            Dataset? validation;
            if (tokens is null)
            {
                train = TrainingDataReader.Read(trainData, head, o.FeatureColumnName, o.LabelColumnName, "Training data", o.CancellationToken);
                validation = validationData is null ? null
                    : TrainingDataReader.Read(validationData, head, o.FeatureColumnName, o.LabelColumnName, "Validation data", o.CancellationToken);
            }
            else
            {
                // Validation rows get the training rows' steps, cut like scoring cuts a longer row.
                train = TrainingDataReader.ReadTokens(trainData, head, o.FeatureColumnName, o.LabelColumnName, "Training data", tokens.MaxLength, o.CancellationToken);
                shape = train.FeatureShape;
                validation = validationData is null ? null
                    : TrainingDataReader.ReadTokens(validationData, head, o.FeatureColumnName, o.LabelColumnName, "Validation data", shape.Size, o.CancellationToken);
            }
            Log(string.Create(CultureInfo.InvariantCulture, $"{trainerName}: read {train.Count + (validation?.Count ?? 0)} rows in {reading.Elapsed.TotalSeconds:F2} s"));

            var metadata = new Dictionary<string, string>();
            var layers = new List<Layer>();
            var (standardize, reason) = tokens is null ? FeatureStatistics.Decide(o.NormalizeFeatures, train) : (false, "token ids");
            if (standardize)
            {
                var (mean, deviation) = FeatureStatistics.Of(train, shape);
                layers.Add(new StandardizationLayer(mean, deviation));
                string account = FeatureStatistics.Describe(shape, deviation);
                Log($"{trainerName}: features {account} ({reason}); the first layer holds the statistics, so the model takes the raw columns");
                metadata["feature_normalization"] = account;
            }
            else
            {
                Log($"{trainerName}: features used as they come ({reason})");
                metadata["feature_normalization"] = "none";
            }
            var targetScaling = head.ScaleTargets(train, validation, o.LabelColumnName);
            if (targetScaling is not null)
            {
                string mean = targetScaling.Mean.ToString("G6", CultureInfo.InvariantCulture), deviation = targetScaling.StandardDeviation.ToString("G6", CultureInfo.InvariantCulture);
                Log($"{trainerName}: label '{o.LabelColumnName}' standardized for training (mean {mean}, standard deviation {deviation}); losses in the epoch reports are in those units, Score is in the label's own");
                metadata["label_mean"] = mean;
                metadata["label_standard_deviation"] = deviation;
            }
            int outputs = head.Outputs(classes);
            layers.AddRange(buildLayers(outputs));
            network = new Sequential(layers.ToArray());
            network.Build(backend, shape, o.Seed);
            Log($"{trainerName}: {train.Count} training rows, input {shape}, {network.ParameterCount} parameters; {backend.Description}");
            using var loss = head.CreateLoss(o);
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
            if (targetScaling is not null) head.FinishNetwork(network, targetScaling);

            string architecture = string.Join(" ", network.Layers.Select(l => l.Describe()));
            metadata["producer"] = "MLNet.DeepExtensions " + trainerName;
            metadata["task"] = head.Task.ToString();
            metadata["architecture"] = architecture;
            metadata["summary"] = network.Summary();
            metadata["parameters"] = network.ParameterCount.ToString(CultureInfo.InvariantCulture);
            metadata["input_shape"] = string.Join("x", shape.Dimensions);
            metadata["label_column"] = o.LabelColumnName;
            metadata["feature_column"] = o.FeatureColumnName;
            metadata["trained_on"] = backend.Description;
            if (tokens is not null) metadata["key_count"] = width.ToString(CultureInfo.InvariantCulture);
            var featureType = tokens is null ? new VectorDataViewType(NumberDataViewType.Single, shape.Dimensions.ToArray())
                : new VectorDataViewType(((VectorDataViewType)trainData.Schema[o.FeatureColumnName].Type).ItemType);
            var onnx = OnnxExporter.Export(network, ScoringChain.ExportOptions(head, o.FeatureColumnName, forScoringChain: true, labels, metadata, tokens is not null));
            var scoring = ScoringChain.Build(new MLContext(o.Seed), head, o.FeatureColumnName, o.LabelColumnName, outputs, onnx, trainData.Schema);
            var info = new DeepNetworkInfo(network.Summary(), architecture, network.ParameterCount, shape.Size, outputs, backend.Description)
            {
                InputShape = shape.Dimensions.ToArray(),
            };
            return new DeepFitResult(head, o.FeatureColumnName, network, backend, scoring, labels, metadata, history, info, featureType);
        }
        catch
        {
            network?.Dispose();
            backend.Dispose();
            throw;
        }
    }

    private static Optimizer CreateOptimizer(DeepTrainerOptions o)
    {
        float lr = o.LearningRate ?? DeepTrainerOptions.Defaults.LearningRateOf(o.Optimizer);
        float decay = o.WeightDecay ?? DeepTrainerOptions.Defaults.WeightDecayOf(o.Optimizer);
        float l1 = o.L1Regularization, l2 = o.L2Regularization;
        return o.Optimizer switch
        {
            OptimizerKind.Sgd => new SgdOptimizer(lr) { L1Regularization = l1, L2Regularization = l2, WeightDecay = decay },
            OptimizerKind.Momentum => new SgdOptimizer(lr, momentum: 0.9f) { L1Regularization = l1, L2Regularization = l2, WeightDecay = decay },
            OptimizerKind.Nesterov => new SgdOptimizer(lr, momentum: 0.9f, nesterov: true) { L1Regularization = l1, L2Regularization = l2, WeightDecay = decay },
            OptimizerKind.Adagrad => new AdagradOptimizer(lr) { L1Regularization = l1, L2Regularization = l2, WeightDecay = decay },
            OptimizerKind.Adadelta => new AdadeltaOptimizer(lr) { L1Regularization = l1, L2Regularization = l2, WeightDecay = decay },
            OptimizerKind.RmsProp => new RmsPropOptimizer(lr) { L1Regularization = l1, L2Regularization = l2, WeightDecay = decay },
            OptimizerKind.AdamW => new AdamWOptimizer(lr, decay) { L1Regularization = l1, L2Regularization = l2 },
            _ => new AdamOptimizer(lr) { L1Regularization = l1, L2Regularization = l2, WeightDecay = decay },
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
