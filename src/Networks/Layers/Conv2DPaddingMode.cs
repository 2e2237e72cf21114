namespace MLNet.DeepExtensions.Networks.Layers;

/// <summary>The kinds of <see cref="Conv2DPadding"/>.</summary>
public enum Conv2DPaddingMode
{
    /// <summary>No padding.</summary>
    Valid,

    /// <summary>Keeps the spatial size (stride 1).</summary>
    Same,

    /// <summary>A given number of zeros per side.</summary>
    Explicit,
}
