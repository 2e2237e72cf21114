using MLNet.DeepExtensions.Kernels.Backends;
using MLNet.DeepExtensions.Kernels.Tests.Backends;

namespace MLNet.DeepExtensions.Kernels.Tests;

/// <summary>Backend selection: what each <see cref="ComputeDevice"/> gives, the logged line, and the pinned error text.</summary>
public sealed class ComputeBackendsTests
{
    [Fact]
    public void CpuGivesTheManagedBackendAndLogsWhy()
    {
        var lines = new List<string>();
        using var backend = ComputeBackends.Create(ComputeDevice.Cpu, numberOfThreads: 1, log: lines.Add);
        Assert.IsType<ManagedCpuBackend>(backend);
        Assert.Equal(BackendKind.ManagedCpu, backend.Kind);
        Assert.Equal([$"Compute backend: {backend.Description}, because Device = Cpu was requested."], lines);
    }

    [NoGpuFact]
    public void GpuWithoutAGpuThrowsAndSaysWhatWasFound()
    {
        var lines = new List<string>();
        var error = Assert.Throws<InvalidOperationException>(() => ComputeBackends.Create(ComputeDevice.Gpu, log: lines.Add));
        string found = IlgpuBackend.SearchGpus().Summary;
        Assert.StartsWith("only the CPU accelerator (no CUDA device", found);
        Assert.Equal(
            $"Device = Gpu was requested, but ILGPU found {found}. Use Device = Auto to fall back to the managed CPU backend, or Device = Cpu.",
            error.Message);
        Assert.Empty(lines);
    }

    [Fact]
    public void SearchSummaryNamesRejectedOpenClDevices()
    {
        const string rejected = "OpenCL device 'pthread-AMD EPYC' rejected: ILGPU needs OpenCL C 2.0 or later with generic address space support, "
            + "it has OpenCL C CL1.2, generic address space no";
        Assert.Equal($"only the CPU accelerator (no CUDA device); {rejected}", IlgpuBackend.Summarize([], [rejected]));
        Assert.Equal("only the CPU accelerator (no CUDA device, no OpenCL device)", IlgpuBackend.Summarize([], []));
        Assert.Equal($"RTX 4090 (CUDA); {rejected}", IlgpuBackend.Summarize(["RTX 4090 (CUDA)"], [rejected]));
    }

    [NoGpuFact]
    public void AutoWithoutAGpuFallsBackToManagedAndLogsWhy()
    {
        var lines = new List<string>();
        using var backend = ComputeBackends.Create(ComputeDevice.Auto, numberOfThreads: 1, log: lines.Add);
        Assert.Equal(BackendKind.ManagedCpu, backend.Kind);
        Assert.Equal([$"Compute backend: {backend.Description}, because Device = Auto found no usable GPU: ILGPU found {IlgpuBackend.SearchGpus().Summary}."], lines);
    }

    [GpuFact]
    public void AutoWithAGpuPicksIt()
    {
        var lines = new List<string>();
        using var backend = ComputeBackends.Create(ComputeDevice.Auto, log: lines.Add);
        Assert.True(backend.Kind is BackendKind.Cuda or BackendKind.OpenCL, $"Kind was {backend.Kind}.");
        Assert.Single(lines);
    }

    [Fact]
    public void InvalidArgumentsAreRejectedWithTheirNames()
    {
        var threads = Assert.Throws<ArgumentOutOfRangeException>(() => ComputeBackends.Create(ComputeDevice.Cpu, numberOfThreads: -1));
        Assert.Equal("numberOfThreads", threads.ParamName);
        var device = Assert.Throws<ArgumentOutOfRangeException>(() => ComputeBackends.Create((ComputeDevice)7));
        Assert.Equal("device", device.ParamName);
    }
}
