namespace MLNet.DeepExtensions;

/// <summary>The recurrent cell of <see cref="DeepRnnTrainer"/>, with PyTorch's equations and gate order.</summary>
public enum RnnCellType
{
    /// <summary>Elman RNN: h = tanh(W_ih·x + b_ih + W_hh·h + b_hh) (torch.nn.RNN, Keras SimpleRNN); ONNX RNN.</summary>
    SimpleRnn,

    /// <summary>Long short-term memory, gates i, f, g, o (torch.nn.LSTM; Keras LSTM with its forget-bias 1 initialization); ONNX LSTM.</summary>
    Lstm,

    /// <summary>Gated recurrent unit, gates r, z, n, the reset gate applied after the recurrent product (torch.nn.GRU, cuDNN; Keras GRU reset_after=True); ONNX GRU with linear_before_reset = 1.</summary>
    Gru,
}
