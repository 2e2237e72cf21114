using System.Buffers.Binary;
using System.IO.Compression;

namespace MLNet.DeepExtensions.Benchmarks.VsTorch;

/// <summary>Fashion-MNIST as the protocol wants it: pixels / 255 as float32, each image flattened to 784 values.</summary>
internal sealed record FashionMnist(float[] TrainFeatures, int[] TrainLabels, float[] TestFeatures, int[] TestLabels)
{
    public const int Width = 784;
    public const int Side = 28;
    public const int Classes = 10;
    public const string Directory = "/usr/share/datasets/fashion-mnist";

    public int TrainCount => TrainLabels.Length;
    public int TestCount => TestLabels.Length;

    /// <summary>Reads Debian's <c>dataset-fashion-mnist</c> IDX files; a clear message when they are missing.</summary>
    public static FashionMnist Load(string directory = Directory)
    {
        string[] names = ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"];
        foreach (string name in names)
        {
            string path = Path.Combine(directory, name);
            if (!File.Exists(path))
            {
                throw new FileNotFoundException(
                    $"Fashion-MNIST file {path} is missing. Install Debian's package: apt-get install -y dataset-fashion-mnist", path);
            }
        }
        float[] trainImages = ReadImages(Path.Combine(directory, names[0]));
        int[] trainLabels = ReadLabels(Path.Combine(directory, names[1]));
        float[] testImages = ReadImages(Path.Combine(directory, names[2]));
        int[] testLabels = ReadLabels(Path.Combine(directory, names[3]));
        if (trainImages.Length != trainLabels.Length * Width || testImages.Length != testLabels.Length * Width)
        {
            throw new InvalidDataException("Fashion-MNIST: image and label counts disagree.");
        }
        return new FashionMnist(trainImages, trainLabels, testImages, testLabels);
    }

    /// <summary>IDX3 (magic 0x00000803, count, rows, columns, then unsigned bytes): pixels / 255 as float32.</summary>
    private static float[] ReadImages(string path)
    {
        byte[] data = Decompress(path);
        if (BinaryPrimitives.ReadInt32BigEndian(data) != 0x0803) throw new InvalidDataException($"{path}: not an IDX3 unsigned-byte file.");
        int count = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(4));
        int rows = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(8));
        int columns = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(12));
        if (rows * columns != Width) throw new InvalidDataException($"{path}: images are {rows}x{columns}, expected 28x28.");
        long values = (long)count * Width;
        if (data.Length < 16 + values) throw new InvalidDataException($"{path}: truncated.");
        var result = new float[values];
        for (long i = 0; i < values; i++) result[i] = data[16 + i] / 255f;
        return result;
    }

    /// <summary>IDX1 (magic 0x00000801, count, then unsigned bytes).</summary>
    private static int[] ReadLabels(string path)
    {
        byte[] data = Decompress(path);
        if (BinaryPrimitives.ReadInt32BigEndian(data) != 0x0801) throw new InvalidDataException($"{path}: not an IDX1 unsigned-byte file.");
        int count = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(4));
        if (data.Length < 8 + count) throw new InvalidDataException($"{path}: truncated.");
        var result = new int[count];
        for (int i = 0; i < count; i++)
        {
            result[i] = data[8 + i];
            if (result[i] >= Classes) throw new InvalidDataException($"{path}: label {result[i]} at row {i} is outside 0..9.");
        }
        return result;
    }

    private static byte[] Decompress(string path)
    {
        using var file = File.OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var memory = new MemoryStream();
        gzip.CopyTo(memory);
        return memory.ToArray();
    }
}
