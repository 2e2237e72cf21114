namespace MLNet.DeepExtensions.Samples.ImageFolderCnn;

/// <summary>One image file: its path relative to the image folder and its class (the name of its subfolder).</summary>
internal sealed class ImageFile
{
    public string ImagePath { get; set; } = "";

    public string Label { get; set; } = "";
}

/// <summary>What the pipeline adds: the class probabilities and the predicted class name.</summary>
internal sealed class ImagePrediction
{
    public float[] Score { get; set; } = [];

    public string PredictedLabel { get; set; } = "";
}

/// <summary>Lists the images of a split folder: <c>split/&lt;class&gt;/&lt;file&gt;</c>, paths relative to the split's parent.</summary>
internal static class ImageFiles
{
    private static readonly HashSet<string> Extensions = new(StringComparer.OrdinalIgnoreCase) { ".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp" };

    public static List<ImageFile> In(string splitFolder)
    {
        if (!Directory.Exists(splitFolder)) throw new DirectoryNotFoundException($"Image folder '{splitFolder}' does not exist; expected one subfolder per class in it.");
        string root = Path.GetDirectoryName(Path.GetFullPath(splitFolder))!;
        var files = Directory.EnumerateDirectories(splitFolder).Order(StringComparer.Ordinal)
            .SelectMany(classFolder => Directory.EnumerateFiles(classFolder).Where(f => Extensions.Contains(Path.GetExtension(f))).Order(StringComparer.Ordinal)
                .Select(f => new ImageFile { ImagePath = Path.GetRelativePath(root, f), Label = Path.GetFileName(classFolder) }))
            .ToList();
        if (files.Count == 0) throw new InvalidDataException($"Image folder '{splitFolder}' has no image files in class subfolders.");
        return files;
    }
}
