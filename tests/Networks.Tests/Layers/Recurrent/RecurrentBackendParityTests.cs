using MLNet.DeepExtensions.Kernels;
using MLNet.DeepExtensions.Networks.Layers;
using static MLNet.DeepExtensions.Networks.Tests.Layers.Recurrent.RecurrentTestModels;

namespace MLNet.DeepExtensions.Networks.Tests.Layers.Recurrent;

/// <summary>
/// The recurrent layers through a training forward and backward on the managed CPU backend against the reference
/// backend, at steps 1, 7, 33 and hidden sizes 1, 7, 33, 129 (see <see cref="LayerBackendParity"/>), stacked,
/// Bidirectional and masked after an embedding. The ILGPU versions of the same cases are in
/// <see cref="RecurrentIlgpuParityTests"/>.
/// </summary>
public sealed class RecurrentBackendParityTests : IDisposable
{
    private readonly ReferenceBackend _reference = new();
    private readonly ManagedCpuBackend _managed = new(numberOfThreads: 2);

    public void Dispose()
    {
        _reference.Dispose();
        _managed.Dispose();
    }

    /// <summary>(cell, steps, hidden, sequences): every cell at steps {1, 7, 33} × hidden {1, 7, 33, 129}.</summary>
    public static TheoryData<string, int, int, bool> Sizes()
    {
        var data = new TheoryData<string, int, int, bool>();
        foreach (var cell in new[] { "lstm", "gru", "rnn", "rnn_relu" })
        {
            foreach (int steps in new[] { 1, 7, 33 })
            {
                foreach (int hidden in new[] { 1, 7, 33, 129 })
                {
                    if (cell == "rnn_relu" && hidden is 1 or 129) continue; // ReLU: the tanh cases cover the loop
                    data.Add(cell, steps, hidden, (steps + hidden) % 3 != 0);
                }
            }
        }
        return data;
    }

    /// <summary>Long sums: the absolute tolerance grows with the product and time lengths.</summary>
    internal static float SumScale(int steps, int hidden, int features) => MathF.Sqrt(Math.Max(hidden, features)) * MathF.Sqrt(steps);

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Cell(string cell, int steps, int hidden, bool sequences) =>
        RecurrentParity.Check(_managed, _reference, () => [Make(cell, hidden, sequences)], new TensorShape(steps, 5), batch: 3,
            SumScale(steps, hidden, 5));

    [Theory]
    [InlineData("lstm", 7, 33)]
    [InlineData("gru", 33, 7)]
    [InlineData("rnn", 7, 7)]
    public void StackedAndBidirectional(string cell, int steps, int hidden) =>
        RecurrentParity.Check(_managed, _reference, () => [Bidirectional(cell, hidden, true), Make(cell, hidden, false)], new TensorShape(steps, 4),
            batch: 5, SumScale(steps, 2 * hidden, 4));

    [Theory]
    [InlineData("lstm", 7, 33, false)]
    [InlineData("gru", 33, 7, true)]
    [InlineData("rnn", 7, 129, false)]
    [InlineData("lstm", 1, 7, true)]
    public void MaskedAfterEmbedding(string cell, int steps, int hidden, bool bidirectional) =>
        RecurrentParity.Check(_managed, _reference,
            () => [new EmbeddingLayer(11, 6), bidirectional ? Bidirectional(cell, hidden, true) : Make(cell, hidden, true), Make(cell, 3, false)],
            new TensorShape(steps), batch: 6, SumScale(steps, hidden, 6), Ids(6, steps, 11, seed: 9));
}

