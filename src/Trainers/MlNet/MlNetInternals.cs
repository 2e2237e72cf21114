using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Trainers;

namespace MLNet.DeepExtensions;

/// <summary>
/// Every ML.NET member this package reaches by reflection, in one place. ML.NET keeps them internal (see
/// <see cref="MlNetScorers"/> and <see cref="EnvironmentOf"/> for why they are needed), so a Microsoft.ML release may
/// rename or drop them without notice. Each is resolved once; a missing one throws an
/// <see cref="InvalidOperationException"/> that names the loaded Microsoft.ML version, the member and the supported
/// range. <see cref="EnsureVerified"/> resolves them all once per process at the first trainer or model load, so an
/// unsupported Microsoft.ML fails at once, before any training, rather than after it.
/// </summary>
/// <remarks>
/// The supported range is also declared on the package's Microsoft.ML and Microsoft.ML.OnnxTransformer dependencies
/// (Directory.Packages.props); keep the two in step. A member added here must be added to <see cref="Members"/>.
/// </remarks>
internal static class MlNetInternals
{
    /// <summary>The lowest supported Microsoft.ML (inclusive).</summary>
    public const string MinimumVersion = "5.0.1";

    /// <summary>The first unsupported Microsoft.ML (exclusive upper bound).</summary>
    public const string UpperBoundExclusive = "7.0.0";

    public static string SupportedRange => $">= {MinimumVersion} < {UpperBoundExclusive}";

    private const BindingFlags Instance = BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public;

    // ---- The members. ----

    /// <summary>Microsoft.ML.Data.IInternalCatalog.Environment: the MLContext (as IHostEnvironment) behind a trainer catalog.</summary>
    private static readonly Required<PropertyInfo> CatalogEnvironment = new(
        () => "Microsoft.ML.Data.IInternalCatalog.Environment { get; }",
        () => typeof(MLContext).Assembly.GetType("Microsoft.ML.Data.IInternalCatalog")?.GetProperty("Environment", Instance) is { CanRead: true } p
            && typeof(IHostEnvironment).IsAssignableFrom(p.PropertyType) ? p : null);

    private static readonly Required<ConstructorInfo> MaximumEntropyModelConstructor = Constructor(() => (typeof(MaximumEntropyModelParameters),
        [typeof(IHostEnvironment), typeof(VBuffer<float>[]), typeof(float[]), typeof(int), typeof(int), typeof(string[]), typeof(ModelStatisticsBase)]));

    private static readonly Required<ConstructorInfo> MulticlassTransformerConstructor = Constructor(() => (typeof(MulticlassPredictionTransformer<MaximumEntropyModelParameters>),
        [typeof(IHostEnvironment), typeof(MaximumEntropyModelParameters), typeof(DataViewSchema), typeof(string), typeof(string), typeof(string), typeof(string)]));

    private static readonly Required<ConstructorInfo> LinearBinaryModelConstructor = Constructor(() => (typeof(LinearBinaryModelParameters),
        [typeof(IHostEnvironment), typeof(VBuffer<float>).MakeByRefType(), typeof(float), typeof(ModelStatisticsBase)]));

    private static readonly Required<ConstructorInfo> BinaryTransformerConstructor = Constructor(() => (typeof(BinaryPredictionTransformer<LinearBinaryModelParameters>),
        [typeof(IHostEnvironment), typeof(LinearBinaryModelParameters), typeof(DataViewSchema), typeof(string), typeof(float), typeof(string)]));

    private static readonly Required<ConstructorInfo> LinearRegressionModelConstructor = Constructor(() => (typeof(LinearRegressionModelParameters),
        [typeof(IHostEnvironment), typeof(VBuffer<float>).MakeByRefType(), typeof(float)]));

    private static readonly Required<ConstructorInfo> RegressionTransformerConstructor = Constructor(() => (typeof(RegressionPredictionTransformer<LinearRegressionModelParameters>),
        [typeof(IHostEnvironment), typeof(LinearRegressionModelParameters), typeof(DataViewSchema), typeof(string)]));

    /// <summary>Every member above; <see cref="VerifyAll()"/> resolves exactly these.</summary>
    private static readonly IRequired[] Members =
    [
        CatalogEnvironment,
        MaximumEntropyModelConstructor,
        MulticlassTransformerConstructor,
        LinearBinaryModelConstructor,
        BinaryTransformerConstructor,
        LinearRegressionModelConstructor,
        RegressionTransformerConstructor,
    ];

    /// <summary>How many members this class declares (what <see cref="VerifyAll()"/> must return).</summary>
    public static int MemberCount => Members.Length;

    private static readonly Lazy<IReadOnlyList<string>> Verified = new(VerifyAll, LazyThreadSafetyMode.ExecutionAndPublication);

    // ---- Verification. ----

    /// <summary>Resolves every member once per process (the first call does the work; later calls are free); throws as <see cref="VerifyAll()"/>.</summary>
    public static void EnsureVerified() => _ = Verified.Value;

    /// <summary>Resolves every member and returns their descriptions; throws naming all that are missing.</summary>
    public static IReadOnlyList<string> VerifyAll() => Verify(Members);

    /// <summary>The seam for tests: resolves <paramref name="members"/> (e.g. one built by <see cref="Constructor"/> that does not exist).</summary>
    internal static IReadOnlyList<string> Verify(IEnumerable<IRequired> members)
    {
        var all = members.ToList();
        var missing = all.Where(m => !m.TryResolve()).Select(m => m.Description).ToList();
        if (missing.Count > 0) throw Missing(missing);
        return all.Select(m => m.Description).ToList();
    }

    /// <summary>The loaded Microsoft.ML's version as NuGet names it (informational version without the commit), else its file or assembly version.</summary>
    public static string LoadedVersion
    {
        get
        {
            var assembly = typeof(MLContext).Assembly;
            string? version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
                ?? assembly.GetCustomAttribute<AssemblyFileVersionAttribute>()?.Version
                ?? assembly.GetName().Version?.ToString();
            if (version is null) return "(unknown version)";
            int plus = version.IndexOf('+', StringComparison.Ordinal);
            return plus < 0 ? version : version[..plus];
        }
    }

    private static InvalidOperationException Missing(IReadOnlyList<string> members) =>
        new($"MLNet.DeepExtensions needs Microsoft.ML {SupportedRange}; the loaded Microsoft.ML {LoadedVersion} lacks {string.Join("; ", members)}.");

    // ---- The accessors callers use. ----

    /// <summary>The MLContext (as its host environment) behind a trainer catalog; channels made from it write to the user's <c>MLContext.Log</c>.</summary>
    public static IHostEnvironment EnvironmentOf(TrainCatalogBase.CatalogInstantiatorBase catalog) =>
        CatalogEnvironment.Value.GetValue(catalog) as IHostEnvironment
        ?? throw new InvalidOperationException($"Cannot reach the MLContext behind {catalog.GetType().Name}: Microsoft.ML.Data.IInternalCatalog.Environment returned null (Microsoft.ML {LoadedVersion}).");

    public static MaximumEntropyModelParameters NewMaximumEntropyModel(IHostEnvironment env, VBuffer<float>[] weights, float[] bias, int numClasses, int numFeatures) =>
        Create<MaximumEntropyModelParameters>(MaximumEntropyModelConstructor, [env, weights, bias, numClasses, numFeatures, null, null]);

    public static MulticlassPredictionTransformer<MaximumEntropyModelParameters> NewMulticlassTransformer(IHostEnvironment env, MaximumEntropyModelParameters model,
        DataViewSchema schema, string featureColumn, string labelColumn, string scoreColumn, string predictedLabelColumn) =>
        Create<MulticlassPredictionTransformer<MaximumEntropyModelParameters>>(MulticlassTransformerConstructor, [env, model, schema, featureColumn, labelColumn, scoreColumn, predictedLabelColumn]);

    public static LinearBinaryModelParameters NewLinearBinaryModel(IHostEnvironment env, VBuffer<float> weights, float bias) =>
        Create<LinearBinaryModelParameters>(LinearBinaryModelConstructor, [env, weights, bias, null]);

    public static BinaryPredictionTransformer<LinearBinaryModelParameters> NewBinaryTransformer(IHostEnvironment env, LinearBinaryModelParameters model,
        DataViewSchema schema, string featureColumn, float threshold, string thresholdColumn) =>
        Create<BinaryPredictionTransformer<LinearBinaryModelParameters>>(BinaryTransformerConstructor, [env, model, schema, featureColumn, threshold, thresholdColumn]);

    public static LinearRegressionModelParameters NewLinearRegressionModel(IHostEnvironment env, VBuffer<float> weights, float bias) =>
        Create<LinearRegressionModelParameters>(LinearRegressionModelConstructor, [env, weights, bias]);

    public static RegressionPredictionTransformer<LinearRegressionModelParameters> NewRegressionTransformer(IHostEnvironment env, LinearRegressionModelParameters model,
        DataViewSchema schema, string featureColumn) =>
        Create<RegressionPredictionTransformer<LinearRegressionModelParameters>>(RegressionTransformerConstructor, [env, model, schema, featureColumn]);

    private static T Create<T>(Required<ConstructorInfo> constructor, object?[] arguments)
    {
        try
        {
            return (T)constructor.Value.Invoke(arguments);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw; // unreachable
        }
    }

    // ---- Member descriptors. ----

    /// <summary>
    /// A non-public or public instance constructor with exactly the given signature. The types come from a function so
    /// that a type missing from the loaded Microsoft.ML is reported like a missing member, not as a type-load failure.
    /// </summary>
    internal static Required<ConstructorInfo> Constructor(Func<(Type Type, Type[] Signature)> member) => new(
        () =>
        {
            var (type, signature) = member();
            return $"{Name(type, qualified: true)}.ctor({string.Join(", ", signature.Select(t => Name(t, qualified: false)))})";
        },
        () =>
        {
            var (type, signature) = member();
            return type.GetConstructor(Instance, binder: null, signature, modifiers: null);
        });

    /// <summary>A C#-like name: generic arguments spelled out, <c>ref</c> for by-reference parameters.</summary>
    private static string Name(Type type, bool qualified)
    {
        if (type.IsByRef) return "ref " + Name(type.GetElementType()!, qualified);
        if (type.IsArray) return Name(type.GetElementType()!, qualified) + "[" + new string(',', type.GetArrayRank() - 1) + "]";
        string name = qualified && type.Namespace is { } ns ? ns + "." + type.Name : type.Name;
        if (!type.IsGenericType) return name;
        int tick = name.IndexOf('`', StringComparison.Ordinal);
        return (tick < 0 ? name : name[..tick]) + "<" + string.Join(", ", type.GetGenericArguments().Select(a => Name(a, qualified: false))) + ">";
    }

    internal interface IRequired
    {
        string Description { get; }

        bool TryResolve();
    }

    /// <summary>One member: resolved on first use, then cached; <see cref="Value"/> throws the standard message when it is missing.</summary>
    internal sealed class Required<T>(Func<string> describe, Func<T?> resolve) : IRequired where T : MemberInfo
    {
        private readonly Lazy<string> _description = new(() => Guarded(describe, e => $"{e.TypeName} (a type it needs failed to load: {e.Message})"));

        private readonly Lazy<T?> _member = new(() => Guarded(resolve, _ => null), LazyThreadSafetyMode.ExecutionAndPublication);

        public string Description => _description.Value;

        public T Value => _member.Value ?? throw Missing([Description]);

        public bool TryResolve() => _member.Value is not null;

        private static TResult Guarded<TResult>(Func<TResult> f, Func<TypeLoadException, TResult> onTypeLoad)
        {
            try
            {
                return f();
            }
            catch (TypeLoadException e)
            {
                return onTypeLoad(e);
            }
        }
    }
}
