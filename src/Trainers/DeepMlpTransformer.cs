namespace MLNet.DeepExtensions;

/// <summary>
/// A trained multilayer perceptron in an ML.NET pipeline, made by <see cref="DeepMlpTrainer"/>. Scoring, saving and
/// ONNX export are those of every deep transformer (<see cref="DeepNetworkTransformer"/>).
/// </summary>
public sealed class DeepMlpTransformer : DeepNetworkTransformer
{
    internal DeepMlpTransformer(DeepFitResult fit) : base(fit)
    {
    }
}
