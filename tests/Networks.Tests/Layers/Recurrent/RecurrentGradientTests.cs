using MLNet.DeepExtensions.Networks.Layers;
using static MLNet.DeepExtensions.Networks.Tests.Layers.Recurrent.RecurrentTestModels;

namespace MLNet.DeepExtensions.Networks.Tests.Layers.Recurrent;

/// <summary>
/// Finite-difference checks (double precision, reference backend) of the recurrent layers' backward passes: dL/dInput
/// and every parameter, for each cell, both output modes, 1 and 7 steps, stacked, Bidirectional, and masked after an
/// <see cref="EmbeddingLayer"/> (parameters only: ids have no gradient).
/// </summary>
public sealed class RecurrentGradientTests
{
    public static TheoryData<string, int, bool> CellCases()
    {
        var data = new TheoryData<string, int, bool>();
        foreach (var cell in new[] { "lstm", "gru", "rnn", "rnn_relu" })
        {
            foreach (int steps in new[] { 1, 7 })
            {
                data.Add(cell, steps, false);
                data.Add(cell, steps, true);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(CellCases))]
    public void Cell(string cell, int steps, bool sequences) =>
        GradientCheck.CheckModel([Make(cell, 4, sequences)], new TensorShape(steps, 3), batch: 3);

    [Theory]
    [InlineData("lstm", "gru", 7)]
    [InlineData("gru", "rnn", 7)]
    [InlineData("rnn", "lstm", 1)]
    public void Stacked(string first, string second, int steps) =>
        GradientCheck.CheckModel([Make(first, 4, true), Make(second, 3, false)], new TensorShape(steps, 3), batch: 2);

    [Theory]
    [MemberData(nameof(CellCases))]
    public void Bidirectional(string cell, int steps, bool sequences) =>
        GradientCheck.CheckModel([RecurrentTestModels.Bidirectional(cell, 3, sequences)], new TensorShape(steps, 2), batch: 2);

    [Fact]
    public void EmbeddingWeight() =>
        RecurrentGradientCheck.CheckParameters([new EmbeddingLayer(7, 3)], new TensorShape(5), batch: 4, Ids(4, 5, 7, seed: 1));

    [Fact]
    public void EmbeddingWithRepeatedIds() =>
        RecurrentGradientCheck.CheckParameters([new EmbeddingLayer(2, 3)], new TensorShape(6), batch: 2, [1, 1, 0, 1, -1, -1, 0, 0, 0, 1, 1, -1]);

    [Theory]
    [MemberData(nameof(CellCases))]
    public void MaskedAfterEmbedding(string cell, int steps, bool sequences) =>
        RecurrentGradientCheck.CheckParameters([new EmbeddingLayer(6, 3), Make(cell, 4, sequences)], new TensorShape(steps), batch: 5, Ids(5, steps, 6, seed: 2));

    [Theory]
    [InlineData("lstm", "gru", 7)]
    [InlineData("rnn", "lstm", 1)]
    public void MaskedStacked(string first, string second, int steps) =>
        RecurrentGradientCheck.CheckParameters([new EmbeddingLayer(6, 3), Make(first, 3, true), Make(second, 2, false)], new TensorShape(steps),
            batch: 5, Ids(5, steps, 6, seed: 3));

    [Theory]
    [MemberData(nameof(CellCases))]
    public void MaskedBidirectional(string cell, int steps, bool sequences) =>
        RecurrentGradientCheck.CheckParameters([new EmbeddingLayer(5, 2), RecurrentTestModels.Bidirectional(cell, 3, sequences)], new TensorShape(steps),
            batch: 5, Ids(5, steps, 5, seed: 4));
}
