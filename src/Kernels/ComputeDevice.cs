namespace MLNet.DeepExtensions;

/// <summary>The device a user asks for; <c>ComputeBackends.Create</c> turns it into a backend.</summary>
public enum ComputeDevice
{
    /// <summary>A GPU when ILGPU finds one, otherwise the managed CPU backend.</summary>
    Auto,

    /// <summary>The managed CPU backend, even when a GPU is present.</summary>
    Cpu,

    /// <summary>A GPU through ILGPU; an error when none is present.</summary>
    Gpu,
}
