using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace MLNet.DeepExtensions;

/// <summary>
/// The MLContext (as its host environment) behind a trainer catalog. ML.NET 5.0.1 keeps it behind the internal
/// interface Microsoft.ML.Data.IInternalCatalog, with no public accessor for add-on packages, so this reads it by
/// reflection once; channels made from it write to the user's <c>MLContext.Log</c>.
/// </summary>
internal static class CatalogEnvironment
{
    private static readonly PropertyInfo? EnvironmentProperty =
        typeof(MLContext).Assembly.GetType("Microsoft.ML.Data.IInternalCatalog")?.GetProperty("Environment");

    public static IHostEnvironment Of(TrainCatalogBase.CatalogInstantiatorBase catalog) =>
        EnvironmentProperty?.GetValue(catalog) as IHostEnvironment
        ?? throw new InvalidOperationException(
            $"Cannot reach the MLContext behind {catalog.GetType().Name}: this build of Microsoft.ML ({typeof(MLContext).Assembly.GetName().Version}) " +
            "has no internal IInternalCatalog.Environment. MLNet.DeepExtensions supports Microsoft.ML 5.0.x.");
}
