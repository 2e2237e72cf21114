using MLNet.DeepExtensions.Networks.Layers;
using static MLNet.DeepExtensions.Networks.Tests.Layers.Recurrent.RecurrentTestModels;

namespace MLNet.DeepExtensions.Networks.Tests.Layers.Recurrent;

/// <summary>
/// The cases of <see cref="RecurrentBackendParityTests"/> on ILGPU's CPU accelerator against the managed backend.
/// </summary>
[Collection(IlgpuCpuBackendCollection.Name)]
public sealed class RecurrentIlgpuParityTests(IlgpuCpuBackendFixture fixture) : IDisposable
{
    private readonly ManagedCpuBackend _managed = new(numberOfThreads: 2);

    public void Dispose() => _managed.Dispose();

    [Theory]
    [MemberData(nameof(RecurrentBackendParityTests.Sizes), MemberType = typeof(RecurrentBackendParityTests))]
    public void Cell(string cell, int steps, int hidden, bool sequences) =>
        RecurrentParity.Check(fixture.Backend, _managed, () => [Make(cell, hidden, sequences)], new TensorShape(steps, 5), batch: 3,
            RecurrentBackendParityTests.SumScale(steps, hidden, 5));

    [Theory]
    [InlineData("lstm", 7, 33)]
    [InlineData("gru", 33, 7)]
    [InlineData("rnn", 7, 7)]
    public void StackedAndBidirectional(string cell, int steps, int hidden) =>
        RecurrentParity.Check(fixture.Backend, _managed, () => [Bidirectional(cell, hidden, true), Make(cell, hidden, false)], new TensorShape(steps, 4),
            batch: 5, RecurrentBackendParityTests.SumScale(steps, 2 * hidden, 4));

    [Theory]
    [InlineData("lstm", 7, 33, false)]
    [InlineData("gru", 33, 7, true)]
    [InlineData("rnn", 7, 129, false)]
    public void MaskedAfterEmbedding(string cell, int steps, int hidden, bool bidirectional) =>
        RecurrentParity.Check(fixture.Backend, _managed,
            () => [new EmbeddingLayer(11, 6), bidirectional ? Bidirectional(cell, hidden, true) : Make(cell, hidden, true), Make(cell, 3, false)],
            new TensorShape(steps), batch: 6, RecurrentBackendParityTests.SumScale(steps, hidden, 6), Ids(6, steps, 11, seed: 9));
}
