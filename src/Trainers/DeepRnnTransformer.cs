namespace MLNet.DeepExtensions;

/// <summary>
/// A trained recurrent network in an ML.NET pipeline, made by <see cref="DeepRnnTrainer"/>. Scoring, saving and ONNX
/// export (LSTM, GRU, RNN nodes in ONNX's gate order; Gather for an Embedding) are those of every deep transformer
/// (<see cref="DeepNetworkTransformer"/>). A float-sequence model takes the feature column as in training
/// (Vector&lt;Single, steps·features&gt;); a token model takes a vector of keys of the training key type, of any length
/// (a longer row is cut to its first <see cref="DeepRnnTrainer.Options.MaxSequenceLength"/> tokens).
/// </summary>
public sealed class DeepRnnTransformer : DeepNetworkTransformer
{
    internal DeepRnnTransformer(DeepFitResult fit) : base(fit)
    {
    }
}
