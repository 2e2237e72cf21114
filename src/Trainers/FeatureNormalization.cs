namespace MLNet.DeepExtensions;

/// <summary>How a deep trainer scales its input columns (<see cref="DeepTrainerOptions.NormalizeFeatures"/>).</summary>
public enum FeatureNormalization
{
    /// <summary>
    /// Standardize when the features need it: not when every training value already lies in [−1, 1] (pixels / 255,
    /// flags, min-max scaled columns); otherwise as <see cref="Standardize"/> (also after ML.NET's NormalizeMeanVariance,
    /// which does not center by default). The trainer logs what it chose.
    /// </summary>
    Auto,

    /// <summary>
    /// Standardize: (x − mean) / σ with the training rows' statistics per column for flat features (a constant column
    /// becomes 0); for images x / σ with each channel's σ over all its pixels (scaled, not centered, so zero padding
    /// still pads with black). Folded into the network as its first layer, so the saved model and the ONNX export take
    /// the raw columns.
    /// </summary>
    Standardize,

    /// <summary>Use the columns as they come.</summary>
    None,
}
