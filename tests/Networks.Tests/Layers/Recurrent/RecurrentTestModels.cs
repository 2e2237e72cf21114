using MLNet.DeepExtensions.Kernels;
using MLNet.DeepExtensions.Networks.Layers;

namespace MLNet.DeepExtensions.Networks.Tests.Layers.Recurrent;

/// <summary>The recurrent layers the tests build by name, and token-id inputs with trailing padding.</summary>
internal static class RecurrentTestModels
{
    /// <summary>"lstm", "gru", "rnn" (tanh) or "rnn_relu", with <paramref name="hidden"/> units.</summary>
    public static RecurrentLayer Make(string cell, int hidden, bool sequences) => cell switch
    {
        "lstm" => new LstmLayer(hidden, sequences),
        "gru" => new GruLayer(hidden, sequences),
        "rnn" => new SimpleRnnLayer(hidden, ActivationKind.Tanh, sequences),
        "rnn_relu" => new SimpleRnnLayer(hidden, ActivationKind.Relu, sequences),
        _ => throw new ArgumentOutOfRangeException(nameof(cell), cell, "unknown cell"),
    };

    /// <summary>Bidirectional of two <see cref="Make"/> layers.</summary>
    public static BidirectionalLayer Bidirectional(string cell, int hidden, bool sequences) =>
        new(Make(cell, hidden, sequences), Make(cell, hidden, sequences));

    /// <summary>
    /// (batch, steps) ids in [0, vocabulary) from <paramref name="seed"/>, row b of length lengths[b] (cycled), the rest
    /// −1. The default lengths cover a full row, an empty row, a length-1 row and partial rows.
    /// </summary>
    public static double[] Ids(int batch, int steps, int vocabulary, int seed, int[]? lengths = null)
    {
        lengths ??= [steps, 0, 1, (steps + 1) / 2, Math.Max(steps - 1, 0)];
        var random = new Random(seed);
        var ids = new double[batch * steps];
        for (int b = 0; b < batch; b++)
        {
            int length = Math.Min(lengths[b % lengths.Length], steps);
            for (int t = 0; t < steps; t++) ids[b * steps + t] = t < length ? random.Next(vocabulary) : -1;
        }
        return ids;
    }
}
