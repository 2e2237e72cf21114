using Microsoft.ML.Data;

namespace MLNet.DeepExtensions.Samples.ModelBuilder;

/// <summary>
/// One row of samples/data/digits.csv, as Model Builder generates it: the 64 pixels (columns pixel0..pixel63, 0..16)
/// loaded as one vector, and the digit.
/// </summary>
public class ModelInput
{
    /// <summary>The 8×8 image, row-major, pixels 0..16.</summary>
    [LoadColumn(0, 63)]
    [VectorType(64)]
    [ColumnName(@"Pixels")]
    public float[] Pixels { get; set; } = new float[64];

    /// <summary>The digit 0..9 (column "label").</summary>
    [LoadColumn(64)]
    [ColumnName(@"Label")]
    public float Label { get; set; }
}
