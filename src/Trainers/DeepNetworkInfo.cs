namespace MLNet.DeepExtensions;

/// <summary>What a fitted deep transformer trained: the architecture, its size and where it ran.</summary>
/// <param name="Summary">Keras-style summary: one line per layer with output shape and parameter count.</param>
/// <param name="Architecture">One-line architecture, e.g. "Dense(256) Relu Dense(128) Relu Dense(10)".</param>
/// <param name="ParameterCount">Trainable parameters.</param>
/// <param name="InputSize">Features per row.</param>
/// <param name="OutputSize">Network outputs (classes, or 1).</param>
/// <param name="Backend">The compute backend that trained it, e.g. "Managed CPU (AVX-512, 2 threads)".</param>
public sealed record DeepNetworkInfo(string Summary, string Architecture, int ParameterCount, int InputSize, int OutputSize, string Backend)
{
    /// <summary>Shape of one input sample: [InputSize] for a perceptron, [channels, height, width] for a CNN.</summary>
    public IReadOnlyList<int> InputShape { get; init; } = [InputSize];
}
