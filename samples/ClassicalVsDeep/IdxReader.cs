using System.Buffers.Binary;
using System.IO.Compression;

namespace MLNet.DeepExtensions.Samples.ClassicalVsDeep;

/// <summary>
/// Reads the IDX files of MNIST and Fashion-MNIST (big-endian header: two zero bytes, a type byte, the number of
/// dimensions, then one Int32 per dimension; then the data). Only unsigned bytes (type 0x08) occur in these data sets.
/// Files ending in ".gz" are decompressed on the fly.
/// </summary>
internal static class IdxReader
{
    private const byte UnsignedByte = 0x08;

    /// <summary>Reads an idx3 image file as rows of <c>height × width</c> pixels, each multiplied by <paramref name="scale"/>.</summary>
    public static (float[] Pixels, int Rows, int PixelsPerRow) ReadImages(string path, float scale)
    {
        var (dimensions, data) = Read(path);
        if (dimensions.Length != 3) throw new InvalidDataException($"IDX file '{path}': expected 3 dimensions (images, rows, columns); got {dimensions.Length}.");
        int rows = dimensions[0];
        int pixelsPerRow = dimensions[1] * dimensions[2];
        var pixels = new float[data.Length];
        for (int i = 0; i < data.Length; i++) pixels[i] = data[i] * scale;
        return (pixels, rows, pixelsPerRow);
    }

    /// <summary>Reads an idx1 label file.</summary>
    public static float[] ReadLabels(string path)
    {
        var (dimensions, data) = Read(path);
        if (dimensions.Length != 1) throw new InvalidDataException($"IDX file '{path}': expected 1 dimension (labels); got {dimensions.Length}.");
        return data.Select(b => (float)b).ToArray();
    }

    private static (int[] Dimensions, byte[] Data) Read(string path)
    {
        using Stream file = File.OpenRead(path);
        using Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
        Span<byte> magic = stackalloc byte[4];
        stream.ReadExactly(magic);
        if (magic[0] != 0 || magic[1] != 0 || magic[2] != UnsignedByte)
        {
            throw new InvalidDataException($"IDX file '{path}': expected the header 00 00 08 <dimensions>; got {Convert.ToHexString(magic)}.");
        }
        var dimensions = new int[magic[3]];
        Span<byte> size = stackalloc byte[4];
        long count = 1;
        for (int d = 0; d < dimensions.Length; d++)
        {
            stream.ReadExactly(size);
            dimensions[d] = BinaryPrimitives.ReadInt32BigEndian(size);
            count *= dimensions[d];
        }
        var data = new byte[count];
        stream.ReadExactly(data);
        return (dimensions, data);
    }
}
