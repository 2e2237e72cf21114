namespace MLNet.DeepExtensions.Benchmarks.Shared;

/// <summary>Writes one generated section of a markdown file (docs/BENCHMARKS.md), leaving the rest as it is.</summary>
internal static class MarkdownSection
{
    /// <summary>
    /// Replaces the text from <paramref name="beginMarker"/> through <paramref name="endMarker"/> in the file at
    /// <paramref name="path"/> with <paramref name="section"/> (which carries both markers), or appends it.
    /// </summary>
    public static void Write(string path, string section, string beginMarker, string endMarker)
    {
        string existing = File.Exists(path) ? File.ReadAllText(path) : "# Benchmarks\n";
        int begin = existing.IndexOf(beginMarker, StringComparison.Ordinal);
        int end = existing.IndexOf(endMarker, StringComparison.Ordinal);
        string updated;
        if (begin >= 0 && end > begin)
        {
            int after = end + endMarker.Length;
            if (after < existing.Length && existing[after] == '\n') after++;
            updated = existing[..begin] + section + existing[after..];
        }
        else
        {
            updated = existing.TrimEnd() + "\n\n" + section;
        }
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        File.WriteAllText(path, updated);
    }
}
