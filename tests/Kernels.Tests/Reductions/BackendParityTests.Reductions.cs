namespace MLNet.DeepExtensions.Kernels.Tests.Parity;

// Parity of the reductions operations (see BackendParityTests.cs for the backends, tolerances and helpers).
public abstract partial class BackendParityTests
{
    [Theory]
    [InlineData(1, 7, 0f)]
    [InlineData(7, 1, 1f)]
    [InlineData(33, 257, 0f)]
    [InlineData(257, 33, 1f)]
    [InlineData(257, 7, 0.5f)]
    public void SumColumns(int rows, int columns, float beta)
    {
        var rng = new Random(rows + 100 * columns);
        Twin x = Upload(RandomArray(rng, rows * columns));
        // With beta 0 the old result is NaN: it must be overwritten, not scaled (0·NaN = NaN).
        Twin result = Upload(beta == 0f ? Enumerable.Repeat(float.NaN, columns).ToArray() : RandomArray(rng, columns));
        Candidate.SumColumns(x.C, rows, columns, result.C, beta);
        Oracle.SumColumns(x.O, rows, columns, result.O, beta);
        Compare($"SumColumns(beta {beta})", result, columns, MathF.Sqrt(rows)); // a rows-term sum, in any order
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(33)]
    [InlineData(257)]
    [InlineData(4099)]
    public void SumMaxSquaredNorm(int length)
    {
        float[] data = RandomArray(new Random(length), length);
        Twin x = Upload(data);
        float sumScale = MathF.Sqrt(length); // a length-term sum, which a device may reduce as a float tree
        AssertClose("Sum", [Oracle.Sum(x.O, length)], [Candidate.Sum(x.C, length)], sumScale);
        AssertClose("Max", [Oracle.Max(x.O, length)], [Candidate.Max(x.C, length)]);
        AssertClose("SquaredNorm", [Oracle.SquaredNorm(x.O, length)], [Candidate.SquaredNorm(x.C, length)], sumScale);
        Assert.Equal(data.Max(), Candidate.Max(x.C, length));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 33)]
    [InlineData(33, 7)]
    [InlineData(257, 3)]
    public void ArgMaxRowsPicksTheFirstOfTies(int rows, int columns)
    {
        // Values on a coarse grid, so most rows hold ties for the maximum.
        var rng = new Random(rows * columns);
        float[] data = Enumerable.Range(0, rows * columns).Select(_ => (float)rng.Next(4)).ToArray();
        Twin x = Upload(data);
        Twin result = Allocate(rows);
        Candidate.ArgMaxRows(x.C, rows, columns, result.C);
        Oracle.ArgMaxRows(x.O, rows, columns, result.O);
        CompareExact("ArgMaxRows", result, rows);
        float[] found = DownloadCandidate(result, rows);
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> row = data.AsSpan(r * columns, columns);
            Assert.Equal(row.IndexOf(row.ToArray().Max()), (int)found[r]);
        }
    }
}
