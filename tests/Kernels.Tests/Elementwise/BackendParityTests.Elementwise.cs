namespace MLNet.DeepExtensions.Kernels.Tests.Parity;

// Parity of the elementwise operations (see BackendParityTests.cs for the backends, tolerances and helpers).
public abstract partial class BackendParityTests
{
    [Theory]
    [InlineData(1, 7)]
    [InlineData(7, 1)]
    [InlineData(33, 257)]
    [InlineData(257, 33)]
    public void AddRowVector(int rows, int columns)
    {
        var rng = new Random(rows + 100 * columns);
        Twin x = Upload(RandomArray(rng, rows * columns));
        Twin bias = Upload(RandomArray(rng, columns));
        Candidate.AddRowVector(x.C, bias.C, rows, columns);
        Oracle.AddRowVector(x.O, bias.O, rows, columns);
        Compare("AddRowVector", x, rows * columns);
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(7, 33, 7)]
    [InlineData(33, 7, 257)]
    [InlineData(257, 1, 33)]
    public void GatherRows(int sourceRows, int columns, int count)
    {
        var rng = new Random(sourceRows + columns + count);
        Twin source = Upload(RandomArray(rng, sourceRows * columns));
        int[] indices = Enumerable.Range(0, count).Select(_ => rng.Next(sourceRows)).ToArray();
        Twin destination = Allocate(count * columns);
        Candidate.GatherRows(source.C, columns, indices, destination.C);
        Oracle.GatherRows(source.O, columns, indices, destination.O);
        Compare("GatherRows", destination, count * columns);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(33)]
    [InlineData(257)]
    public void ScaleAxpyMultiplyClamp(int length)
    {
        var rng = new Random(length);
        Twin x = Upload(RandomArray(rng, length));
        Twin y = Upload(RandomArray(rng, length));
        Candidate.Scale(x.C, -1.25f, length);
        Oracle.Scale(x.O, -1.25f, length);
        Compare("Scale", x, length);
        Candidate.Axpy(0.3f, x.C, y.C, length);
        Oracle.Axpy(0.3f, x.O, y.O, length);
        Compare("Axpy", y, length);
        Twin product = Allocate(length);
        Candidate.Multiply(x.C, y.C, product.C, length);
        Oracle.Multiply(x.O, y.O, product.O, length);
        Compare("Multiply", product, length);
        Candidate.Multiply(x.C, y.C, x.C, length); // result aliasing an input
        Oracle.Multiply(x.O, y.O, x.O, length);
        Compare("Multiply in place", x, length);
        Candidate.Clamp(y.C, -0.5f, 0.75f, length);
        Oracle.Clamp(y.O, -0.5f, 0.75f, length);
        Compare("Clamp", y, length);
        Assert.All(DownloadCandidate(y, length), v => Assert.InRange(v, -0.5f, 0.75f));
    }

    [Theory]
    [InlineData(1, 0.5f)]
    [InlineData(7, 0.1f)]
    [InlineData(257, 0.3f)]
    [InlineData(10007, 0.5f)]
    [InlineData(10007, 0f)]
    public void Dropout(int length, float rate)
    {
        Twin x = Upload(RandomArray(new Random(length), length));
        Twin y = Allocate(length);
        Twin mask = Allocate(length);
        Candidate.DropoutForward(x.C, y.C, mask.C, length, rate, seed: 42);
        Oracle.DropoutForward(x.O, y.O, mask.O, length, rate, seed: 42);
        CompareExact("DropoutForward mask", mask, length); // the counter-based generator makes the mask identical
        Compare("DropoutForward output", y, length);
        if (length > 10000)
        {
            float kept = DownloadCandidate(mask, length).Count(m => m != 0f) / (float)length;
            Assert.InRange(kept, 1f - rate - 0.02f, 1f - rate + 0.02f); // about 4.5 standard deviations at rate 0.5
        }
    }
}
