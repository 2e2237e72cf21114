using MLNet.DeepExtensions.Kernels.Backends;

namespace MLNet.DeepExtensions.Kernels.Tests.Backends;

/// <summary>
/// One ILGPU CPU-accelerator backend for the whole test run: creating an ILGPU context and loading every kernel is
/// expensive, so every test class in <see cref="IlgpuCpuAcceleratorCollection"/> shares this instance.
/// </summary>
public sealed class IlgpuCpuAcceleratorFixture : IDisposable
{
    public IlgpuBackend Backend { get; } = IlgpuBackend.CreateCpuAccelerator();

    public void Dispose() => Backend.Dispose();
}

/// <summary>The xunit collection that shares <see cref="IlgpuCpuAcceleratorFixture"/> (its classes run one after another).</summary>
[CollectionDefinition(Name)]
public sealed class IlgpuCpuAcceleratorCollection : ICollectionFixture<IlgpuCpuAcceleratorFixture>
{
    public const string Name = "ILGPU CPU accelerator";
}
