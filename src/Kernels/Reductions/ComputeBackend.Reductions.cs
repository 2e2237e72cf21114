namespace MLNet.DeepExtensions.Kernels;

// The reductions operations: public methods that check their arguments, and the Core methods a backend implements.
public abstract partial class ComputeBackend
{
    /// <summary>result[c] = beta · result[c] + Σ_r x[r, c] for x of shape (rows, columns).</summary>
    public void SumColumns(DeviceBuffer x, int rows, int columns, DeviceBuffer result, float beta)
    {
        CheckMatrix(x, rows, columns, nameof(x));
        CheckVector(result, columns, nameof(result));
        SumColumnsCore(x, rows, columns, result, beta);
    }

    /// <summary>Σ x[i] over the first <paramref name="length"/> elements.</summary>
    public float Sum(DeviceBuffer x, int length)
    {
        CheckVector(x, length, nameof(x));
        return SumCore(x, length);
    }

    /// <summary>max x[i] over the first <paramref name="length"/> elements (length must be positive).</summary>
    public float Max(DeviceBuffer x, int length)
    {
        CheckVector(x, length, nameof(x));
        if (length == 0) throw Argument(nameof(length), "a positive element count", length);
        return MaxCore(x, length);
    }

    /// <summary>Σ x[i]² over the first <paramref name="length"/> elements (the squared L2 norm).</summary>
    public float SquaredNorm(DeviceBuffer x, int length)
    {
        CheckVector(x, length, nameof(x));
        return SquaredNormCore(x, length);
    }

    /// <summary>result[r] = index of the largest x[r, c] (first one on ties), as a float.</summary>
    public void ArgMaxRows(DeviceBuffer x, int rows, int columns, DeviceBuffer result)
    {
        CheckMatrix(x, rows, columns, nameof(x));
        if (columns == 0) throw Argument(nameof(columns), "a positive column count", columns);
        CheckVector(result, rows, nameof(result));
        ArgMaxRowsCore(x, rows, columns, result);
    }

    // ---------------------------------------------------------------- Core methods a backend implements

    /// <summary>See <see cref="SumColumns"/>.</summary>
    protected abstract void SumColumnsCore(DeviceBuffer x, int rows, int columns, DeviceBuffer result, float beta);
    /// <summary>See <see cref="Sum"/>.</summary>
    protected abstract float SumCore(DeviceBuffer x, int length);
    /// <summary>See <see cref="Max"/>.</summary>
    protected abstract float MaxCore(DeviceBuffer x, int length);
    /// <summary>See <see cref="SquaredNorm"/>.</summary>
    protected abstract float SquaredNormCore(DeviceBuffer x, int length);
    /// <summary>See <see cref="ArgMaxRows"/>.</summary>
    protected abstract void ArgMaxRowsCore(DeviceBuffer x, int rows, int columns, DeviceBuffer result);
}
