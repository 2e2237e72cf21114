namespace MLNet.DeepExtensions;

/// <summary>
/// A trained convolutional network in an ML.NET pipeline, made by <see cref="DeepCnnTrainer"/>. Scoring, saving and
/// ONNX export (Conv, MaxPool, BatchNormalization, Add ... nodes; input [N, channels, height, width]) are those of every
/// deep transformer (<see cref="DeepNetworkTransformer"/>); augmentation layers are training-only and not in the model.
/// </summary>
public sealed class DeepCnnTransformer : DeepNetworkTransformer
{
    internal DeepCnnTransformer(DeepFitResult fit) : base(fit)
    {
    }
}
