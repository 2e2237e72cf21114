namespace MLNet.DeepExtensions.Networks.Initializers;

/// <summary>
/// Orthogonal initializer (Keras' Orthogonal, Saxe et al. 2014), the default for a recurrent weight: the Q factor of the
/// QR decomposition of a standard Gaussian matrix, times <see cref="Gain"/>.
/// </summary>
/// <remarks>
/// The parameter is read as one (fanOut, fanIn) row-major matrix (a weight's layout: outputs × inputs) and made
/// orthogonal as a whole, not per gate block: for a recurrent weight_hh (G·H, H) the H columns are orthonormal across
/// all G·H rows, which is what Keras does for its (H, G·H) recurrent kernel (our weight is its transpose). When the
/// matrix has fewer rows than columns the rows are made orthonormal instead. Q is taken with a positive diagonal of R
/// (Keras multiplies by sign(diag R) for the same uniqueness), computed by Gram-Schmidt in double, run twice for accuracy.
/// </remarks>
public sealed class OrthogonalInitializer : Initializer
{
    /// <summary>Creates the initializer with the multiplier <paramref name="gain"/> (Keras' default 1).</summary>
    public OrthogonalInitializer(double gain = 1.0)
    {
        if (!(gain > 0) || double.IsInfinity(gain)) throw new ArgumentOutOfRangeException(nameof(gain), $"The orthogonal gain must be a positive finite number; got {gain}.");
        Gain = gain;
    }

    /// <summary>The multiplier applied to Q.</summary>
    public double Gain { get; }

    /// <inheritdoc/>
    public override void Initialize(Span<float> values, int fanIn, int fanOut, Random random)
    {
        CheckFan(fanIn, nameof(fanIn));
        CheckFan(fanOut, nameof(fanOut));
        if ((long)fanIn * fanOut != values.Length)
        {
            throw new ArgumentException($"OrthogonalInitializer reads the parameter as a (fanOut, fanIn) = ({fanOut}, {fanIn}) matrix; it has {values.Length} values.", nameof(values));
        }
        int rows = fanOut, columns = fanIn;
        // Orthonormalize the shorter dimension's vectors: columns of a tall matrix, rows of a wide one.
        bool tall = rows >= columns;
        int length = tall ? rows : columns, count = tall ? columns : rows;
        var q = new double[count][];
        for (int j = 0; j < count; j++)
        {
            q[j] = new double[length];
            for (int i = 0; i < length; i++) q[j][i] = NextGaussian(random);
        }
        for (int j = 0; j < count; j++)
        {
            for (int pass = 0; pass < 2; pass++)
            {
                for (int p = 0; p < j; p++)
                {
                    double dot = 0;
                    for (int i = 0; i < length; i++) dot += q[p][i] * q[j][i];
                    for (int i = 0; i < length; i++) q[j][i] -= dot * q[p][i];
                }
            }
            double norm = 0;
            for (int i = 0; i < length; i++) norm += q[j][i] * q[j][i];
            norm = Math.Sqrt(norm);
            for (int i = 0; i < length; i++) q[j][i] /= norm;
        }
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++) values[r * columns + c] = (float)(Gain * (tall ? q[c][r] : q[r][c]));
        }
    }
}
