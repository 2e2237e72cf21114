using MLNet.DeepExtensions.Kernels;

namespace MLNet.DeepExtensions.Networks.Layers;

/// <summary>
/// Simple (Elman) recurrent layer (Keras SimpleRNN(units, activation), torch.nn.RNN with nonlinearity tanh or relu):
/// per step h_t = f(x·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh), zero initial state.
/// </summary>
/// <remarks>
/// Input (steps, features); output (H) = h_T, or (steps, H) with returnSequences. See
/// <see cref="RecurrentLayer"/> for the parameters, the initialization and masking. Every step's output is the cache
/// (f′ is computed from it).
/// </remarks>
public sealed class SimpleRnnLayer : RecurrentLayer
{
    /// <summary>Creates the layer with <paramref name="activation"/> tanh (the default) or ReLU.</summary>
    public SimpleRnnLayer(int hiddenSize, ActivationKind activation = ActivationKind.Tanh, bool returnSequences = false, string? name = null)
        : base(hiddenSize, returnSequences, name)
    {
        if (activation is not (ActivationKind.Tanh or ActivationKind.Relu))
        {
            throw new ArgumentOutOfRangeException(nameof(activation), $"A SimpleRNN layer's activation must be Tanh or Relu; got {activation}.");
        }
        Activation = activation;
    }

    /// <summary>f: <see cref="ActivationKind.Tanh"/> or <see cref="ActivationKind.Relu"/>.</summary>
    public ActivationKind Activation { get; }

    /// <inheritdoc/>
    public override string Kind => "simple_rnn";

    /// <inheritdoc/>
    public override int GateCount => 1;

    private protected override string CellName => "SimpleRNN";

    private protected override string DescribeOptions => Activation == ActivationKind.Tanh ? "" : ", relu";

    private protected override void AllocateCell(int maxBatchSize)
    {
    }

    private protected override void ForwardStep(int step, int batch, DeviceBuffer? lengths)
    {
        int h = HiddenSize;
        var hidden = Views(Hidden, Steps + 1, batch * h);
        var gates = Views(Gates, Steps, batch * h);
        Backend.RnnStepForward(hidden[step], RecurrentWeight.Value, gates[step], hidden[step + 1], Activation, batch, h, lengths, step);
    }

    private protected override DeviceBuffer BackwardStep(int step, int batch, DeviceBuffer? dOutput, DeviceBuffer? lengths)
    {
        int h = HiddenSize;
        var hidden = Views(Hidden, Steps + 1, batch * h);
        var dGates = Views(DGates, Steps, batch * h);
        Backend.RnnCellBackward(hidden[step + 1], dOutput, DHidden, dGates[step], Activation, batch, h, lengths, step);
        return dGates[step];
    }

    internal override bool SameConfiguration(RecurrentLayer other) =>
        base.SameConfiguration(other) && ((SimpleRnnLayer)other).Activation == Activation;
}
