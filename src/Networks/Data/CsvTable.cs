using System.Globalization;
using System.IO.Compression;

namespace MLNet.DeepExtensions.Networks.Data;

/// <summary>
/// A numeric CSV file in memory: a header line of column names, then one row of numbers per line (comma-separated,
/// invariant culture). Files ending in ".gz" are decompressed on the fly.
/// </summary>
public sealed class CsvTable
{
    private CsvTable(string[] columns, float[] values, int rows)
    {
        Columns = columns;
        Values = values;
        RowCount = rows;
    }

    /// <summary>Column names from the header.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>All values, row-major (RowCount × Columns.Count).</summary>
    public float[] Values { get; }

    /// <summary>Number of data rows.</summary>
    public int RowCount { get; }

    /// <summary>Reads <paramref name="path"/>; throws naming the file, line and column of anything that is not a number.</summary>
    public static CsvTable Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"CSV file '{path}' does not exist.", path);
        using var stream = OpenMaybeCompressed(path);
        using var reader = new StreamReader(stream);
        string? header = reader.ReadLine() ?? throw new InvalidDataException($"CSV file '{path}' is empty; expected a header line.");
        var columns = header.Split(',').Select(c => c.Trim()).ToArray();
        var values = new List<float>();
        int rows = 0;
        int lineNumber = 1;
        for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            lineNumber++;
            if (line.Length == 0) continue;
            var cells = line.Split(',');
            if (cells.Length != columns.Length)
            {
                throw new InvalidDataException($"{path}, line {lineNumber}: expected {columns.Length} values (as in the header); got {cells.Length}.");
            }
            for (int c = 0; c < cells.Length; c++)
            {
                if (!float.TryParse(cells[c], NumberStyles.Float, CultureInfo.InvariantCulture, out float v))
                {
                    throw new InvalidDataException($"{path}, line {lineNumber}, column '{columns[c]}': expected a number; got '{cells[c]}'.");
                }
                values.Add(v);
            }
            rows++;
        }
        return new CsvTable(columns, values.ToArray(), rows);
    }

    /// <summary>Index of <paramref name="name"/>; throws listing the available columns when absent.</summary>
    public int ColumnIndex(string name)
    {
        for (int i = 0; i < Columns.Count; i++) if (Columns[i] == name) return i;
        throw new ArgumentException($"Column '{name}' not found; available: {string.Join(", ", Columns)}.", nameof(name));
    }

    /// <summary>Splits into features (every other column, scaled by <paramref name="featureScale"/>) and the label column.</summary>
    public (float[] Features, float[] Labels, int FeatureCount) SplitLabel(string labelColumn, float featureScale = 1f)
    {
        int label = ColumnIndex(labelColumn);
        int width = Columns.Count;
        int featureCount = width - 1;
        var features = new float[RowCount * featureCount];
        var labels = new float[RowCount];
        for (int r = 0; r < RowCount; r++)
        {
            int f = 0;
            for (int c = 0; c < width; c++)
            {
                float v = Values[r * width + c];
                if (c == label) labels[r] = v;
                else features[r * featureCount + f++] = v * featureScale;
            }
        }
        return (features, labels, featureCount);
    }

    private static Stream OpenMaybeCompressed(string path)
    {
        Stream file = File.OpenRead(path);
        return path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
    }
}
