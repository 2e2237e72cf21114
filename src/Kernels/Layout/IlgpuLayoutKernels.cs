using ILGPU;

namespace MLNet.DeepExtensions.Kernels.Layout;

/// <summary>
/// ILGPU layout kernels: one thread per element written, each a gather from one computed source position, so no
/// thread writes another's element and the results are exact copies on every accelerator. The launchers are loaded
/// once per accelerator (<c>IlgpuKernelSet.LoadLayout</c>).
/// </summary>
internal static class IlgpuLayoutKernels
{
    /// <summary>output[t, b, f] = input[b, t, f].</summary>
    /// <param name="i">Flat output index (t·batch + b)·features + f in [0, steps·batch·features).</param>
    /// <param name="input">Tensor (batch, steps, features).</param>
    /// <param name="output">Tensor (steps, batch, features).</param>
    /// <param name="batch">Sequences.</param>
    /// <param name="steps">Time steps.</param>
    /// <param name="features">Features per step.</param>
    internal static void BatchToTimeMajor(Index1D i, ArrayView<float> input, ArrayView<float> output, int batch, int steps, int features)
    {
        int f = i % features, row = i / features; // row = t·batch + b
        int t = row / batch, b = row - t * batch;
        output[i] = input[((long)b * steps + t) * features + f];
    }

    /// <summary>output[b, t, f] = input[t, b, f].</summary>
    /// <param name="i">Flat output index (b·steps + t)·features + f in [0, batch·steps·features).</param>
    /// <param name="input">Tensor (steps, batch, features).</param>
    /// <param name="output">Tensor (batch, steps, features).</param>
    /// <param name="batch">Sequences.</param>
    /// <param name="steps">Time steps.</param>
    /// <param name="features">Features per step.</param>
    internal static void TimeToBatchMajor(Index1D i, ArrayView<float> input, ArrayView<float> output, int batch, int steps, int features)
    {
        int f = i % features, row = i / features; // row = b·steps + t
        int b = row / steps, t = row - b * steps;
        output[i] = input[((long)t * batch + b) * features + f];
    }

    /// <summary>output[r, c] = a[r, c] for c &lt; aColumns, else b[r, c − aColumns].</summary>
    /// <param name="i">Flat output index r·(aColumns + bColumns) + c.</param>
    /// <param name="a">Matrix (rows, aColumns).</param>
    /// <param name="b">Matrix (rows, bColumns).</param>
    /// <param name="output">Matrix (rows, aColumns + bColumns).</param>
    /// <param name="aColumns">Columns of a.</param>
    /// <param name="bColumns">Columns of b.</param>
    internal static void ConcatColumns(Index1D i, ArrayView<float> a, ArrayView<float> b, ArrayView<float> output, int aColumns, int bColumns)
    {
        int columns = aColumns + bColumns;
        int r = i / columns, c = i - r * columns;
        output[i] = c < aColumns ? a[(long)r * aColumns + c] : b[(long)r * bColumns + (c - aColumns)];
    }

    /// <summary>a[r, c] = input[r, c] for c &lt; aColumns, else b[r, c − aColumns] = input[r, c].</summary>
    /// <param name="i">Flat input index r·(aColumns + bColumns) + c.</param>
    /// <param name="input">Matrix (rows, aColumns + bColumns).</param>
    /// <param name="a">Matrix (rows, aColumns).</param>
    /// <param name="b">Matrix (rows, bColumns).</param>
    /// <param name="aColumns">Columns of a.</param>
    /// <param name="bColumns">Columns of b.</param>
    internal static void SplitColumns(Index1D i, ArrayView<float> input, ArrayView<float> a, ArrayView<float> b, int aColumns, int bColumns)
    {
        int columns = aColumns + bColumns;
        int r = i / columns, c = i - r * columns;
        if (c < aColumns) a[(long)r * aColumns + c] = input[i];
        else b[(long)r * bColumns + (c - aColumns)] = input[i];
    }

    /// <summary>output[b, t, :] = input[b, L − 1 − t, :] for t &lt; L = lengths[b] (clamped), input[b, t, :] after.</summary>
    /// <param name="i">Flat output index (b·steps + t)·features + f.</param>
    /// <param name="input">Tensor (batch, steps, features).</param>
    /// <param name="output">Tensor (batch, steps, features).</param>
    /// <param name="lengths">Vector (batch) of lengths as floats; read only when <paramref name="hasLengths"/> is 1.</param>
    /// <param name="hasLengths">1 when lengths are given, 0 for full-length rows.</param>
    /// <param name="steps">Time steps.</param>
    /// <param name="features">Features per step.</param>
    internal static void ReverseSequences(Index1D i, ArrayView<float> input, ArrayView<float> output, ArrayView<float> lengths,
        int hasLengths, int steps, int features)
    {
        int f = i % features, row = i / features; // row = b·steps + t
        int b = row / steps, t = row - b * steps;
        int length = steps;
        if (hasLengths != 0)
        {
            // Unchecked on the device: truncated toward zero and clamped into [0, steps]; NaN fails v > 0 and counts as 0.
            float v = lengths[b];
            length = !(v > 0f) ? 0 : v >= steps ? steps : (int)v;
        }
        int source = t < length ? length - 1 - t : t;
        output[i] = input[((long)b * steps + source) * features + f];
    }
}
