using Microsoft.ML;
using Microsoft.ML.Runtime;
using MLNet.DeepExtensions.Tasks;

namespace MLNet.DeepExtensions;

/// <summary>
/// What every deep trainer is to ML.NET: an estimator for one task, created by a catalog, that checks the input schema
/// and fits a <typeparamref name="TTransformer"/>, optionally watching a validation set.
/// </summary>
public abstract class DeepTrainerBase<TTransformer> : IEstimator<TTransformer> where TTransformer : DeepNetworkTransformer
{
    private readonly DeepTrainerOptions _options;

    private protected DeepTrainerBase(IHostEnvironment environment, string name, DeepTask task, DeepTrainerOptions options)
    {
        Host = environment.Register(name);
        Head = TaskHead.For(task);
        _options = options;
    }

    /// <summary>The task this trainer was created for.</summary>
    public DeepTask Task => Head.Task;

    /// <summary>Everything the task decides (label rule, loss, outputs, scorer).</summary>
    private protected TaskHead Head { get; }

    /// <summary>The ML.NET host (log channel) of this trainer.</summary>
    private protected IHost Host { get; }

    /// <summary>Checks the input columns and returns the schema with the task's output columns.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) => DeepOutputSchema.Of(inputSchema, Head, _options);

    /// <summary>Trains on <paramref name="input"/>; validates on a held-out <see cref="DeepTrainerOptions.ValidationFraction"/> when set.</summary>
    public TTransformer Fit(IDataView input) => Fit(input, null);

    /// <summary>
    /// Trains on <paramref name="trainData"/> and, when given, reports metrics and early-stops on <paramref name="validationData"/>.
    /// </summary>
    public abstract TTransformer Fit(IDataView trainData, IDataView? validationData);
}
