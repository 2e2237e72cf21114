using ILGPU;
using ILGPU.Runtime;

namespace MLNet.DeepExtensions.Kernels.Elementwise;

/// <summary>
/// ILGPU kernels of the elementwise family: fills, BLAS-1 updates, bias add, row gather, activations (forward and
/// backward side by side, one specialization per <see cref="IActivationFunction"/> struct, whose formulas are the shared
/// <see cref="ActivationMath"/>), maxout, row softmax and dropout. One thread per output element (or per row), each output
/// written by exactly one thread, so every result is deterministic. The launchers are loaded once per accelerator.
/// </summary>
internal sealed class IlgpuElementwiseKernels
{
    private readonly Action<Index1D, ArrayView<float>, float> _fill;
    private readonly Action<Index1D, ArrayView<float>, float> _scale;
    private readonly Action<Index1D, float, ArrayView<float>, ArrayView<float>> _axpy;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>> _multiply;
    private readonly Action<Index1D, ArrayView<float>, float, float> _clamp;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, int> _addRowVector;
    private readonly Action<Index1D, ArrayView<float>, int, ArrayView<int>, ArrayView<float>> _gatherRows;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, float>[] _activationForward;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, float>[] _activationBackward;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int> _maxoutForward;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int> _maxoutBackward;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, int> _softmax;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, float, float, ulong> _dropout;

    /// <summary>Compiles and loads every elementwise kernel for <paramref name="accelerator"/>.</summary>
    public IlgpuElementwiseKernels(Accelerator accelerator)
    {
        _fill = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, float>(Fill);
        _scale = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, float>(Scale);
        _axpy = accelerator.LoadAutoGroupedStreamKernel<Index1D, float, ArrayView<float>, ArrayView<float>>(Axpy);
        _multiply = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>>(Multiply);
        _clamp = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, float, float>(Clamp);
        _addRowVector = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int>(AddRowVector);
        _gatherRows = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, int, ArrayView<int>, ArrayView<float>>(GatherRows);
        _maxoutForward = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(MaxoutForward);
        _maxoutBackward = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(MaxoutBackward);
        _softmax = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int>(Softmax);
        _dropout = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, float, float, ulong>(DropoutForward);

        int kinds = Enum.GetValues<ActivationKind>().Length;
        _activationForward = new Action<Index1D, ArrayView<float>, ArrayView<float>, float>[kinds];
        _activationBackward = new Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, float>[kinds];
        LoadActivation<IdentityFunction>(accelerator, ActivationKind.Identity);
        LoadActivation<SigmoidFunction>(accelerator, ActivationKind.Sigmoid);
        LoadActivation<TanhFunction>(accelerator, ActivationKind.Tanh);
        LoadActivation<ReluFunction>(accelerator, ActivationKind.Relu);
        LoadActivation<LeakyReluFunction>(accelerator, ActivationKind.LeakyRelu);
        LoadActivation<EluFunction>(accelerator, ActivationKind.Elu);
        LoadActivation<SeluFunction>(accelerator, ActivationKind.Selu);
        LoadActivation<GeluFunction>(accelerator, ActivationKind.Gelu);
        LoadActivation<SwishFunction>(accelerator, ActivationKind.Swish);
        LoadActivation<SoftplusFunction>(accelerator, ActivationKind.Softplus);
    }

    private void LoadActivation<TActivation>(Accelerator accelerator, ActivationKind kind)
        where TActivation : struct, IActivationFunction
    {
        _activationForward[(int)kind] = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, float>(
            ActivationForward<TActivation>);
        _activationBackward[(int)kind] = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, float>(
            ActivationBackward<TActivation>);
    }

    // ------------------------------------------------------------------ launchers (arguments already validated)

    public void LaunchFill(ArrayView<float> x, float value, int length) { if (length > 0) _fill(length, x, value); }

    public void LaunchScale(ArrayView<float> x, float alpha, int length) { if (length > 0) _scale(length, x, alpha); }

    public void LaunchAxpy(float alpha, ArrayView<float> x, ArrayView<float> y, int length) { if (length > 0) _axpy(length, alpha, x, y); }

    public void LaunchMultiply(ArrayView<float> a, ArrayView<float> b, ArrayView<float> result, int length)
    {
        if (length > 0) _multiply(length, a, b, result);
    }

    public void LaunchClamp(ArrayView<float> x, float min, float max, int length) { if (length > 0) _clamp(length, x, min, max); }

    public void LaunchAddRowVector(ArrayView<float> x, ArrayView<float> bias, int rows, int columns)
    {
        if (rows > 0 && columns > 0) _addRowVector(rows * columns, x, bias, columns);
    }

    public void LaunchGatherRows(ArrayView<float> source, int columns, ArrayView<int> rowIndices, int rows, ArrayView<float> destination)
    {
        if (rows > 0 && columns > 0) _gatherRows(rows * columns, source, columns, rowIndices, destination);
    }

    public void LaunchActivationForward(Activation activation, ArrayView<float> input, ArrayView<float> output, int length)
    {
        if (length > 0) _activationForward[(int)activation.Kind](length, input, output, activation.Alpha);
    }

    public void LaunchActivationBackward(Activation activation, ArrayView<float> input, ArrayView<float> output,
        ArrayView<float> dOutput, ArrayView<float> dInput, int length)
    {
        if (length > 0) _activationBackward[(int)activation.Kind](length, input, output, dOutput, dInput, activation.Alpha);
    }

    public void LaunchMaxoutForward(ArrayView<float> input, ArrayView<float> output, ArrayView<float> argMax, int rows, int units, int pieces)
    {
        if (rows > 0 && units > 0) _maxoutForward(rows * units, input, output, argMax, pieces);
    }

    public void LaunchMaxoutBackward(ArrayView<float> dOutput, ArrayView<float> argMax, ArrayView<float> dInput, int rows, int units, int pieces)
    {
        if (rows > 0 && units > 0) _maxoutBackward(rows * units, dOutput, argMax, dInput, pieces);
    }

    public void LaunchSoftmax(ArrayView<float> logits, ArrayView<float> probabilities, int rows, int classes)
    {
        if (rows > 0) _softmax(rows, logits, probabilities, classes);
    }

    public void LaunchDropout(ArrayView<float> input, ArrayView<float> output, ArrayView<float> mask, int length, float rate, ulong seed)
    {
        // The keep scale is computed once on the host, exactly as the managed backends compute it.
        if (length > 0) _dropout(length, input, output, mask, rate, 1f / (1f - rate), seed);
    }

    // ------------------------------------------------------------------ kernels

    /// <summary>x[i] = value.</summary>
    /// <param name="i">Element index in [0, length).</param>
    /// <param name="x">Vector (length).</param>
    /// <param name="value">The fill value.</param>
    internal static void Fill(Index1D i, ArrayView<float> x, float value) => x[i] = value;

    /// <summary>x[i] ← alpha·x[i].</summary>
    /// <param name="i">Element index in [0, length).</param>
    /// <param name="x">Vector (length), updated in place.</param>
    /// <param name="alpha">Scale factor.</param>
    internal static void Scale(Index1D i, ArrayView<float> x, float alpha) => x[i] = alpha * x[i];

    /// <summary>y[i] ← y[i] + alpha·x[i].</summary>
    /// <param name="i">Element index in [0, length).</param>
    /// <param name="alpha">Scale of x.</param>
    /// <param name="x">Vector (length).</param>
    /// <param name="y">Vector (length), updated in place.</param>
    internal static void Axpy(Index1D i, float alpha, ArrayView<float> x, ArrayView<float> y) => y[i] += alpha * x[i];

    /// <summary>result[i] = a[i]·b[i]; result may alias a or b (each element is read before it is written by the same thread).</summary>
    /// <param name="i">Element index in [0, length).</param>
    /// <param name="a">Vector (length).</param>
    /// <param name="b">Vector (length).</param>
    /// <param name="result">Vector (length).</param>
    internal static void Multiply(Index1D i, ArrayView<float> a, ArrayView<float> b, ArrayView<float> result) => result[i] = a[i] * b[i];

    /// <summary>x[i] ← min(max(x[i], min), max).</summary>
    /// <param name="i">Element index in [0, length).</param>
    /// <param name="x">Vector (length), updated in place.</param>
    /// <param name="min">Lower bound.</param>
    /// <param name="max">Upper bound (≥ min).</param>
    internal static void Clamp(Index1D i, ArrayView<float> x, float min, float max)
    {
        float v = x[i];
        x[i] = v < min ? min : (v > max ? max : v);
    }

    /// <summary>x[r, c] += bias[c].</summary>
    /// <param name="i">Flat index r·columns + c in [0, rows·columns).</param>
    /// <param name="x">Matrix (rows, columns), updated in place.</param>
    /// <param name="bias">Vector (columns).</param>
    /// <param name="columns">Row length.</param>
    internal static void AddRowVector(Index1D i, ArrayView<float> x, ArrayView<float> bias, int columns) => x[i] += bias[i % columns];

    /// <summary>destination[r, c] = source[rowIndices[r], c].</summary>
    /// <param name="i">Flat index r·columns + c in [0, rows·columns).</param>
    /// <param name="source">Matrix (sourceRows, columns).</param>
    /// <param name="columns">Row length.</param>
    /// <param name="rowIndices">Vector (rows) of source row indices, validated on the host.</param>
    /// <param name="destination">Matrix (rows, columns).</param>
    internal static void GatherRows(Index1D i, ArrayView<float> source, int columns, ArrayView<int> rowIndices, ArrayView<float> destination)
    {
        int row = i / columns;
        int column = i - row * columns;
        destination[i] = source[(long)rowIndices[row] * columns + column];
    }

    /// <summary>output[i] = f(input[i]); output may alias input.</summary>
    /// <typeparam name="TActivation">The activation f.</typeparam>
    /// <param name="i">Element index in [0, length).</param>
    /// <param name="input">Vector (length).</param>
    /// <param name="output">Vector (length).</param>
    /// <param name="alpha">The activation's parameter.</param>
    internal static void ActivationForward<TActivation>(Index1D i, ArrayView<float> input, ArrayView<float> output, float alpha)
        where TActivation : struct, IActivationFunction
        => output[i] = TActivation.Apply(alpha, input[i]);

    /// <summary>dInput[i] = dOutput[i]·f'(input[i]) with output[i] = f(input[i]); dInput may alias dOutput.</summary>
    /// <typeparam name="TActivation">The activation f.</typeparam>
    /// <param name="i">Element index in [0, length).</param>
    /// <param name="input">Forward input (length).</param>
    /// <param name="output">Forward output (length).</param>
    /// <param name="dOutput">Gradient of the output (length).</param>
    /// <param name="dInput">Gradient of the input (length), overwritten.</param>
    /// <param name="alpha">The activation's parameter.</param>
    internal static void ActivationBackward<TActivation>(Index1D i, ArrayView<float> input, ArrayView<float> output,
        ArrayView<float> dOutput, ArrayView<float> dInput, float alpha)
        where TActivation : struct, IActivationFunction
        => dInput[i] = dOutput[i] * TActivation.Derivative(alpha, input[i], output[i]);

    /// <summary>output[r, u] = max_j input[r, u·pieces + j]; argMax[r, u] = the first winning j.</summary>
    /// <param name="i">Flat index r·units + u in [0, rows·units).</param>
    /// <param name="input">Matrix (rows, units·pieces).</param>
    /// <param name="output">Matrix (rows, units).</param>
    /// <param name="argMax">Matrix (rows, units), the winning piece as a float.</param>
    /// <param name="pieces">Pieces per unit (positive).</param>
    internal static void MaxoutForward(Index1D i, ArrayView<float> input, ArrayView<float> output, ArrayView<float> argMax, int pieces)
    {
        long start = (long)i.X * pieces;
        float best = input[start];
        int bestPiece = 0;
        for (int j = 1; j < pieces; j++)
        {
            float v = input[start + j];
            if (v > best)
            {
                best = v;
                bestPiece = j;
            }
        }
        output[i] = best;
        argMax[i] = bestPiece;
    }

    /// <summary>dInput[r, u·pieces + j] = dOutput[r, u] for j = argMax[r, u], 0 for the other pieces (overwrite).</summary>
    /// <param name="i">Flat index r·units + u in [0, rows·units).</param>
    /// <param name="dOutput">Matrix (rows, units).</param>
    /// <param name="argMax">Matrix (rows, units) from the forward pass.</param>
    /// <param name="dInput">Matrix (rows, units·pieces).</param>
    /// <param name="pieces">Pieces per unit (positive).</param>
    internal static void MaxoutBackward(Index1D i, ArrayView<float> dOutput, ArrayView<float> argMax, ArrayView<float> dInput, int pieces)
    {
        long start = (long)i.X * pieces;
        int winner = (int)argMax[i];
        float d = dOutput[i];
        for (int j = 0; j < pieces; j++) dInput[start + j] = j == winner ? d : 0f;
    }

    /// <summary>Row softmax, max-subtracted: probabilities[r, c] = e^(x[r,c] − m) / Σ e^(x[r,c'] − m).</summary>
    /// <param name="row">Row index in [0, rows).</param>
    /// <param name="logits">Matrix (rows, classes).</param>
    /// <param name="probabilities">Matrix (rows, classes); may alias logits.</param>
    /// <param name="classes">Row length (positive).</param>
    internal static void Softmax(Index1D row, ArrayView<float> logits, ArrayView<float> probabilities, int classes)
    {
        long start = (long)row.X * classes;
        float max = logits[start];
        for (int c = 1; c < classes; c++) max = MathF.Max(max, logits[start + c]);
        float sum = 0f;
        for (int c = 0; c < classes; c++)
        {
            float e = MathF.Exp(logits[start + c] - max);
            probabilities[start + c] = e;
            sum += e;
        }
        float inverse = 1f / sum;
        for (int c = 0; c < classes; c++) probabilities[start + c] *= inverse;
    }

    /// <summary>Inverted dropout: mask[i] = keepScale when CounterRandom.Uniform(seed, i) ≥ rate, else 0; output[i] = input[i]·mask[i].</summary>
    /// <param name="i">Element index in [0, length).</param>
    /// <param name="input">Vector (length).</param>
    /// <param name="output">Vector (length); may alias input.</param>
    /// <param name="mask">Vector (length), written.</param>
    /// <param name="rate">Drop probability in [0, 1).</param>
    /// <param name="keepScale">1/(1 − rate).</param>
    /// <param name="seed">Seed of the counter-based generator.</param>
    internal static void DropoutForward(Index1D i, ArrayView<float> input, ArrayView<float> output, ArrayView<float> mask,
        float rate, float keepScale, ulong seed)
    {
        float m = CounterRandom.Uniform(seed, i) >= rate ? keepScale : 0f;
        mask[i] = m;
        output[i] = input[i] * m;
    }
}
