namespace MLNet.DeepExtensions.Trainers.Tests;

/// <summary>The reader's row store: exact, chunked and mis-announced row counts all give the rows in order.</summary>
public sealed class RowStoreTests
{
    [Theory]
    [InlineData(null, 1)]
    [InlineData(null, 4097)]      // across a 4096-row chunk
    [InlineData(9000L, 9000)]     // the announced count is right: written in place
    [InlineData(100L, 5000)]      // announced too few: the rest goes to chunks
    [InlineData(6000L, 5000)]     // announced too many: trimmed
    public void RowsComeBackContiguousAndInOrder(long? announced, int rows)
    {
        const int width = 3;
        var store = new RowStore(width, announced);
        for (int r = 0; r < rows; r++)
        {
            var row = store.NextRow();
            for (int c = 0; c < width; c++) row[c] = r * width + c;
        }
        var all = store.ToArray();
        Assert.Equal(rows * width, all.Length);
        for (int i = 0; i < all.Length; i++) Assert.Equal(i, all[i]);
    }
}
