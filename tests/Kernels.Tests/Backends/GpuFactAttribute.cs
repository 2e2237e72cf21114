using MLNet.DeepExtensions.Kernels.Backends;

namespace MLNet.DeepExtensions.Kernels.Tests.Backends;

/// <summary>What ILGPU finds on this machine, searched once per test run.</summary>
internal static class GpuAvailability
{
    private static readonly Lazy<(IReadOnlyList<string> Usable, string Summary)> Search = new(IlgpuBackend.SearchGpus);

    public static bool HasGpu => Search.Value.Usable.Count > 0;

    public static string Summary => Search.Value.Summary;
}

/// <summary>A fact that needs a GPU: it is reported as skipped, with what ILGPU found, when there is none (never as passed).</summary>
public sealed class GpuFactAttribute : FactAttribute
{
    public GpuFactAttribute()
    {
        if (!GpuAvailability.HasGpu) Skip = $"Needs a GPU; ILGPU found {GpuAvailability.Summary}.";
    }
}

/// <summary>A fact about the machine without a GPU (error messages, fallbacks): skipped visibly where a GPU is present.</summary>
public sealed class NoGpuFactAttribute : FactAttribute
{
    public NoGpuFactAttribute()
    {
        if (GpuAvailability.HasGpu) Skip = $"Checks the no-GPU path, but ILGPU found {GpuAvailability.Summary}.";
    }
}
