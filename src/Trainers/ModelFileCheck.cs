using System.IO.Compression;
using Microsoft.ML;

namespace MLNet.DeepExtensions;

/// <summary>
/// Loads a saved model after checking the file itself, so a truncated or corrupted file is reported with its path,
/// what was expected and what was found (ML.NET's own message for a truncated zip is "Failed to open a zip archive").
/// </summary>
internal static class ModelFileCheck
{
    public static ITransformer Load(ModelOperationsCatalog catalog, string filePath, out DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrEmpty(filePath);
        MlNetInternals.EnsureVerified();
        if (!File.Exists(filePath)) throw new FileNotFoundException($"Model file '{filePath}' does not exist.", filePath);
        long length = new FileInfo(filePath).Length;
        try
        {
            using var zip = ZipFile.OpenRead(filePath);
            if (!zip.Entries.Any(e => e.FullName.StartsWith("TransformerChain/", StringComparison.Ordinal)))
            {
                throw Corrupted(filePath, length, $"found a zip archive without a model (entries: {string.Join(", ", zip.Entries.Take(5).Select(e => e.FullName))})", null);
            }
            // Reading every entry to its end verifies each entry's CRC.
            foreach (var entry in zip.Entries)
            {
                using var content = entry.Open();
                content.CopyTo(Stream.Null);
            }
        }
        catch (InvalidDataException e)
        {
            throw Corrupted(filePath, length, e.Message, e);
        }
        try
        {
            return catalog.Load(filePath, out inputSchema);
        }
        catch (Exception e) when (e is FormatException or InvalidDataException or EndOfStreamException)
        {
            throw Corrupted(filePath, length, e.Message, e);
        }
    }

    private static InvalidDataException Corrupted(string path, long length, string found, Exception? inner) =>
        new($"Model file '{path}' ({length} bytes) is truncated or corrupted: expected an ML.NET model saved with ml.Model.Save (a zip archive with a TransformerChain entry); {found}", inner);
}
