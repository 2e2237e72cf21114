using Microsoft.ML.Data;
using MLNet.DeepExtensions.Samples.ClassicalVsDeep;

namespace MLNet.DeepExtensions.Samples.ImageFolderCnn;

/// <summary>
/// Writes an example image folder from Debian's Fashion-MNIST IDX files: <c>train/&lt;class&gt;/&lt;n&gt;.png</c> and
/// <c>test/&lt;class&gt;/&lt;n&gt;.png</c>, 28x28 grayscale PNGs, the first images of each class of the official train and
/// test sets. No image data is committed to the repository; this makes it on first run.
/// </summary>
internal static class ExampleFolder
{
    public const string FashionMnistDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>Fashion-MNIST's class names, in label order (from the data set's README), as folder names.</summary>
    private static readonly string[] ClassNames =
        ["T-shirt_top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle_boot"];

    /// <summary>Writes <paramref name="trainPerClass"/> and <paramref name="testPerClass"/> images per class under <paramref name="folder"/>.</summary>
    public static void Write(string folder, int trainPerClass, int testPerClass)
    {
        string Idx(string name) => Path.Combine(FashionMnistDirectory, name);
        if (!File.Exists(Idx("train-images-idx3-ubyte.gz")))
        {
            throw new FileNotFoundException($"Fashion-MNIST not found in {FashionMnistDirectory} to write the example folder from. Install Debian's package (sudo apt-get install dataset-fashion-mnist) or pass --folder with your own images (one subfolder per class under train/ and test/).");
        }
        WriteSplit(Path.Combine(folder, "train"), Idx("train-images-idx3-ubyte.gz"), Idx("train-labels-idx1-ubyte.gz"), trainPerClass);
        WriteSplit(Path.Combine(folder, "test"), Idx("t10k-images-idx3-ubyte.gz"), Idx("t10k-labels-idx1-ubyte.gz"), testPerClass);
    }

    private static void WriteSplit(string folder, string imagesPath, string labelsPath, int perClass)
    {
        var (pixels, rows, size) = IdxReader.ReadImages(imagesPath, 1f);
        var labels = IdxReader.ReadLabels(labelsPath);
        int side = (int)Math.Sqrt(size);
        var written = new int[ClassNames.Length];
        var bgra = new byte[size * 4];
        for (int r = 0; r < rows && written.Sum() < perClass * ClassNames.Length; r++)
        {
            int label = (int)labels[r];
            if (written[label] == perClass) continue;
            for (int p = 0; p < size; p++)
            {
                byte v = (byte)pixels[r * size + p];
                (bgra[4 * p], bgra[4 * p + 1], bgra[4 * p + 2], bgra[4 * p + 3]) = (v, v, v, 255);
            }
            string classFolder = Path.Combine(folder, ClassNames[label]);
            Directory.CreateDirectory(classFolder);
            using var image = MLImage.CreateFromPixels(side, side, MLPixelFormat.Bgra32, bgra);
            image.Save(Path.Combine(classFolder, $"{r:D5}.png"));
            written[label]++;
        }
    }
}
