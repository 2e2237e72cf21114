namespace MLNet.DeepExtensions.Networks.Tests;

/// <summary>
/// One ILGPU CPU-accelerator backend shared by the layer parity tests: creating an ILGPU context and loading every kernel
/// is expensive, so the classes of <see cref="IlgpuCpuBackendCollection"/> share this instance (and run one after another).
/// </summary>
public sealed class IlgpuCpuBackendFixture : IDisposable
{
    public IlgpuBackend Backend { get; } = IlgpuBackend.CreateCpuAccelerator();

    public void Dispose() => Backend.Dispose();
}

/// <summary>The xunit collection that shares <see cref="IlgpuCpuBackendFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class IlgpuCpuBackendCollection : ICollectionFixture<IlgpuCpuBackendFixture>
{
    public const string Name = "ILGPU CPU accelerator (layers)";
}
