namespace MLNet.DeepExtensions.Kernels;

// The elementwise operations: public methods that check their arguments, and the Core methods a backend implements.
public abstract partial class ComputeBackend
{
    /// <summary>x[r, c] += bias[c] for x of shape (rows, columns).</summary>
    public void AddRowVector(DeviceBuffer x, DeviceBuffer bias, int rows, int columns)
    {
        CheckMatrix(x, rows, columns, nameof(x));
        CheckVector(bias, columns, nameof(bias));
        AddRowVectorCore(x, bias, rows, columns);
    }

    /// <summary>
    /// destination[i, :] = source[rowIndices[i], :], rows of <paramref name="columns"/> elements: minibatch
    /// assembly from shuffled indices, on the device.
    /// </summary>
    public void GatherRows(DeviceBuffer source, int columns, ReadOnlySpan<int> rowIndices, DeviceBuffer destination)
    {
        CheckCount(columns, nameof(columns));
        CheckOwn(source, nameof(source));
        int sourceRows = columns == 0 ? 0 : source.Length / columns;
        for (int i = 0; i < rowIndices.Length; i++)
        {
            if ((uint)rowIndices[i] >= (uint)sourceRows)
            {
                throw new ArgumentOutOfRangeException(nameof(rowIndices),
                    $"rowIndices[{i}] must be in [0, {sourceRows}); got {rowIndices[i]}.");
            }
        }
        CheckMatrix(destination, rowIndices.Length, columns, nameof(destination));
        GatherRowsCore(source, columns, rowIndices, destination);
    }

    /// <summary>x[i] ← alpha · x[i] for the first <paramref name="length"/> elements.</summary>
    public void Scale(DeviceBuffer x, float alpha, int length)
    {
        CheckVector(x, length, nameof(x));
        ScaleCore(x, alpha, length);
    }

    /// <summary>y[i] ← y[i] + alpha · x[i].</summary>
    public void Axpy(float alpha, DeviceBuffer x, DeviceBuffer y, int length)
    {
        CheckVector(x, length, nameof(x));
        CheckVector(y, length, nameof(y));
        AxpyCore(alpha, x, y, length);
    }

    /// <summary>result[i] = a[i] · b[i] (result may alias a or b).</summary>
    public void Multiply(DeviceBuffer a, DeviceBuffer b, DeviceBuffer result, int length)
    {
        CheckVector(a, length, nameof(a));
        CheckVector(b, length, nameof(b));
        CheckVector(result, length, nameof(result));
        MultiplyCore(a, b, result, length);
    }

    /// <summary>x[i] ← min(max(x[i], min), max): gradient clipping by value.</summary>
    public void Clamp(DeviceBuffer x, float min, float max, int length)
    {
        CheckVector(x, length, nameof(x));
        if (!(min <= max)) throw Argument(nameof(max), $"a value >= min ({min})", max);
        ClampCore(x, min, max, length);
    }

    /// <summary>
    /// Inverted dropout: mask[i] = 1/(1 − rate) when <see cref="CounterRandom.Uniform"/>(seed, i) ≥ rate, else 0;
    /// output[i] = input[i] · mask[i]. The backward pass is <see cref="Multiply"/>(dOutput, mask, dInput).
    /// </summary>
    public void DropoutForward(DeviceBuffer input, DeviceBuffer output, DeviceBuffer mask, int length, float rate, ulong seed)
    {
        CheckVector(input, length, nameof(input));
        CheckVector(output, length, nameof(output));
        CheckVector(mask, length, nameof(mask));
        if (!(rate >= 0f && rate < 1f)) throw Argument(nameof(rate), "a dropout rate in [0, 1)", rate);
        DropoutForwardCore(input, output, mask, length, rate, seed);
    }

    // ---------------------------------------------------------------- Core methods a backend implements

    /// <summary>See <see cref="AddRowVector"/>.</summary>
    protected abstract void AddRowVectorCore(DeviceBuffer x, DeviceBuffer bias, int rows, int columns);
    /// <summary>See <see cref="GatherRows"/>.</summary>
    protected abstract void GatherRowsCore(DeviceBuffer source, int columns, ReadOnlySpan<int> rowIndices, DeviceBuffer destination);
    /// <summary>See <see cref="Scale"/>.</summary>
    protected abstract void ScaleCore(DeviceBuffer x, float alpha, int length);
    /// <summary>See <see cref="Axpy"/>.</summary>
    protected abstract void AxpyCore(float alpha, DeviceBuffer x, DeviceBuffer y, int length);
    /// <summary>See <see cref="Multiply"/>.</summary>
    protected abstract void MultiplyCore(DeviceBuffer a, DeviceBuffer b, DeviceBuffer result, int length);
    /// <summary>See <see cref="Clamp"/>.</summary>
    protected abstract void ClampCore(DeviceBuffer x, float min, float max, int length);
    /// <summary>See <see cref="DropoutForward"/>.</summary>
    protected abstract void DropoutForwardCore(DeviceBuffer input, DeviceBuffer output, DeviceBuffer mask, int length, float rate, ulong seed);
}
