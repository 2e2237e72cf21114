using System.Globalization;
using MLNet.DeepExtensions.Kernels.Pooling;

namespace MLNet.DeepExtensions.Kernels.Tests.Parity;

/// <summary>
/// Parity of every <see cref="ComputeBackend"/> operation between a candidate backend and an oracle: both get the
/// same seeded random inputs at awkward sizes (1, 7, 33, 257), and every output is compared elementwise with
/// |x − ref| ≤ atol + rtol·|ref|. Subclasses pick the two backends and the tolerances; this class uses only the
/// public backend API (plus Download), so it serves any pair (managed vs reference, ILGPU vs managed, ...).
/// </summary>
public abstract partial class BackendParityTests : IDisposable
{
    private readonly List<DeviceBuffer> _buffers = [];
    private readonly float _absoluteTolerance;
    private readonly float _relativeTolerance;

    /// <summary>Compares <paramref name="candidate"/> against <paramref name="oracle"/> with the given tolerances.</summary>
    protected BackendParityTests(ComputeBackend candidate, ComputeBackend oracle, float absoluteTolerance, float relativeTolerance)
    {
        Candidate = candidate;
        Oracle = oracle;
        _absoluteTolerance = absoluteTolerance;
        _relativeTolerance = relativeTolerance;
    }

    /// <summary>The backend under test.</summary>
    protected ComputeBackend Candidate { get; }

    /// <summary>The backend whose results are taken as right.</summary>
    protected ComputeBackend Oracle { get; }

    /// <summary>Tolerances for one op (by the name the tests pass to the comparison); override to loosen a specific op, saying why.</summary>
    protected virtual (float Absolute, float Relative) Tolerance(string op) => (_absoluteTolerance, _relativeTolerance);

    // ================================================================ memory

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(257)]
    public void UploadDownloadCopyFill(int length)
    {
        float[] data = RandomArray(new Random(length), length);
        Twin a = Upload(data);
        Assert.Equal(data, DownloadCandidate(a, length));
        Twin b = Allocate(length + 3);
        Assert.Equal(new float[length + 3], DownloadCandidate(b, length + 3)); // Allocate zero-fills
        Candidate.Copy(a.C, b.C, length);
        Oracle.Copy(a.O, b.O, length);
        Compare("Copy", b, length + 3);
        Candidate.Fill(b.C, -2.5f, 2);
        Oracle.Fill(b.O, -2.5f, 2);
        Compare("Fill", b, length + 3);
        Assert.Equal(-2.5f, DownloadCandidate(b, 2)[1]);
    }

    [Fact]
    public void SliceViewsShareTheOwnersMemory()
    {
        float[] data = RandomArray(new Random(5), 40);
        Twin owner = Upload(data);
        var view = new Twin(owner.C.Slice(7, 20), owner.O.Slice(7, 20));
        var nested = new Twin(view.C.Slice(3, 10), view.O.Slice(3, 10));
        Assert.Equal(20, view.C.Length);
        Assert.Same(Candidate, nested.C.Backend);
        Candidate.Scale(nested.C, 3f, 10);
        Oracle.Scale(nested.O, 3f, 10);
        Compare("Scale on a slice", owner, 40);
        float[] expected = (float[])data.Clone();
        for (int i = 10; i < 20; i++) expected[i] *= 3f;
        AssertClose("Scale on a slice vs host", expected, DownloadCandidate(owner, 40));
        Candidate.Upload([1f, 2f], view.C);
        Oracle.Upload([1f, 2f], view.O);
        Compare("Upload into a slice", owner, 40);
        Assert.Equal(new[] { 1f, 2f }, DownloadCandidate(owner, 9)[7..9]);
    }

    // ================================================================ linear algebra

    /// <summary>(m, n, k) shapes with all three different and each the smallest in some case, times the 4 transposes.</summary>
    public static IEnumerable<object[]> GemmCases()
    {
        int[][] shapes = [[1, 7, 33], [33, 1, 7], [7, 33, 1], [257, 33, 7], [33, 7, 257], [7, 257, 33]];
        foreach (int[] s in shapes)
        {
            foreach (bool ta in new[] { false, true })
            {
                foreach (bool tb in new[] { false, true }) yield return [ta, tb, s[0], s[1], s[2]];
            }
        }
    }

    [Theory]
    [MemberData(nameof(GemmCases), MemberType = typeof(BackendParityTests))]
    public void Gemm(bool transposeA, bool transposeB, int m, int n, int k)
    {
        var rng = new Random(m * 1000 + n * 10 + k);
        Twin a = Upload(RandomArray(rng, m * k, -1f, 1f));
        Twin b = Upload(RandomArray(rng, k * n, -1f, 1f));
        // beta = 0 must overwrite C without reading it: NaN left in C must not leak.
        Twin c = Upload(Enumerable.Repeat(float.NaN, m * n).ToArray());
        Candidate.Gemm(transposeA, transposeB, m, n, k, 1f, a.C, b.C, 0f, c.C);
        Oracle.Gemm(transposeA, transposeB, m, n, k, 1f, a.O, b.O, 0f, c.O);
        // Each output is a k-term sum of unit-scale products (magnitude about √k) and the candidate may sum in any order,
        // so the absolute tolerance scales with √k; the relative one is unchanged.
        float sumScale = MathF.Sqrt(k);
        Compare($"Gemm(tA={transposeA}, tB={transposeB}, {m}x{n}x{k}, alpha 1, beta 0 over NaN)", c, m * n, sumScale);
        // alpha and beta both in play, accumulating into the previous result.
        Candidate.Gemm(transposeA, transposeB, m, n, k, -0.75f, a.C, b.C, 1.5f, c.C);
        Oracle.Gemm(transposeA, transposeB, m, n, k, -0.75f, a.O, b.O, 1.5f, c.O);
        Compare($"Gemm(tA={transposeA}, tB={transposeB}, {m}x{n}x{k}, alpha -0.75, beta 1.5)", c, m * n, sumScale);
    }

    /// <summary>(rows, units, inputs) with one of each below a tile, several depth blocks (k above 256) and several
    /// column blocks (n above 512) of the managed GEMM, and k = 0; times activation, bias and output aliasing.</summary>
    public static IEnumerable<object[]> DenseForwardCases()
    {
        int[][] shapes = [[1, 7, 33], [33, 1, 7], [257, 33, 7], [9, 40, 0]];
        ActivationKind[] kinds = [ActivationKind.Identity, ActivationKind.Relu, ActivationKind.Sigmoid, ActivationKind.Gelu];
        for (int i = 0; i < shapes.Length; i++)
        {
            foreach (var kind in kinds) yield return [shapes[i][0], shapes[i][1], shapes[i][2], kind, (i + (int)kind) % 2 == 0];
        }
        // Two depth blocks and two column blocks of the managed GEMM; once only (interpreted ILGPU takes seconds on it).
        yield return [3, 520, 260, ActivationKind.Relu, true];
    }

    [Theory]
    [MemberData(nameof(DenseForwardCases), MemberType = typeof(BackendParityTests))]
    public void DenseForward(int rows, int units, int inputs, ActivationKind kind, bool withBias)
    {
        var rng = new Random(rows * 1000 + units * 10 + inputs);
        Activation activation = Activation.Default(kind);
        Twin x = Upload(RandomArray(rng, rows * inputs, -1f, 1f));
        Twin w = Upload(RandomArray(rng, units * inputs, -1f, 1f));
        Twin? b = withBias ? Upload(RandomArray(rng, units, -1f, 1f)) : null;
        // NaN left in the outputs must not leak (preActivation is written, never read first).
        Twin z = Upload(Enumerable.Repeat(float.NaN, rows * units).ToArray());
        Twin y = Upload(Enumerable.Repeat(float.NaN, rows * units).ToArray());
        float sumScale = MathF.Sqrt(Math.Max(inputs, 1));
        Candidate.DenseForward(x.C, w.C, b?.C, activation, z.C, y.C, rows, units, inputs);
        Oracle.DenseForward(x.O, w.O, b?.O, activation, z.O, y.O, rows, units, inputs);
        Compare($"DenseForward({rows}x{units}x{inputs}, {kind}, bias {withBias}) preActivation", z, rows * units, sumScale);
        Compare($"DenseForward({rows}x{units}x{inputs}, {kind}, bias {withBias}) output", y, rows * units, sumScale);
        // In place: output is preActivation, as inference uses it.
        Candidate.DenseForward(x.C, w.C, b?.C, activation, z.C, z.C, rows, units, inputs);
        Oracle.DenseForward(x.O, w.O, b?.O, activation, z.O, z.O, rows, units, inputs);
        Compare($"DenseForward({rows}x{units}x{inputs}, {kind}, bias {withBias}) in place", z, rows * units, sumScale);
    }

    [Theory]
    [InlineData(1, 7)]
    [InlineData(7, 1)]
    [InlineData(33, 257)]
    [InlineData(257, 33)]
    public void AddRowVector(int rows, int columns)
    {
        var rng = new Random(rows + 100 * columns);
        Twin x = Upload(RandomArray(rng, rows * columns));
        Twin bias = Upload(RandomArray(rng, columns));
        Candidate.AddRowVector(x.C, bias.C, rows, columns);
        Oracle.AddRowVector(x.O, bias.O, rows, columns);
        Compare("AddRowVector", x, rows * columns);
    }

    [Theory]
    [InlineData(1, 7, 0f)]
    [InlineData(7, 1, 1f)]
    [InlineData(33, 257, 0f)]
    [InlineData(257, 33, 1f)]
    [InlineData(257, 7, 0.5f)]
    public void SumColumns(int rows, int columns, float beta)
    {
        var rng = new Random(rows + 100 * columns);
        Twin x = Upload(RandomArray(rng, rows * columns));
        // With beta 0 the old result is NaN: it must be overwritten, not scaled (0·NaN = NaN).
        Twin result = Upload(beta == 0f ? Enumerable.Repeat(float.NaN, columns).ToArray() : RandomArray(rng, columns));
        Candidate.SumColumns(x.C, rows, columns, result.C, beta);
        Oracle.SumColumns(x.O, rows, columns, result.O, beta);
        Compare($"SumColumns(beta {beta})", result, columns, MathF.Sqrt(rows)); // a rows-term sum, in any order
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(7, 33, 7)]
    [InlineData(33, 7, 257)]
    [InlineData(257, 1, 33)]
    public void GatherRows(int sourceRows, int columns, int count)
    {
        var rng = new Random(sourceRows + columns + count);
        Twin source = Upload(RandomArray(rng, sourceRows * columns));
        int[] indices = Enumerable.Range(0, count).Select(_ => rng.Next(sourceRows)).ToArray();
        Twin destination = Allocate(count * columns);
        Candidate.GatherRows(source.C, columns, indices, destination.C);
        Oracle.GatherRows(source.O, columns, indices, destination.O);
        Compare("GatherRows", destination, count * columns);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(33)]
    [InlineData(257)]
    public void ScaleAxpyMultiplyClamp(int length)
    {
        var rng = new Random(length);
        Twin x = Upload(RandomArray(rng, length));
        Twin y = Upload(RandomArray(rng, length));
        Candidate.Scale(x.C, -1.25f, length);
        Oracle.Scale(x.O, -1.25f, length);
        Compare("Scale", x, length);
        Candidate.Axpy(0.3f, x.C, y.C, length);
        Oracle.Axpy(0.3f, x.O, y.O, length);
        Compare("Axpy", y, length);
        Twin product = Allocate(length);
        Candidate.Multiply(x.C, y.C, product.C, length);
        Oracle.Multiply(x.O, y.O, product.O, length);
        Compare("Multiply", product, length);
        Candidate.Multiply(x.C, y.C, x.C, length); // result aliasing an input
        Oracle.Multiply(x.O, y.O, x.O, length);
        Compare("Multiply in place", x, length);
        Candidate.Clamp(y.C, -0.5f, 0.75f, length);
        Oracle.Clamp(y.O, -0.5f, 0.75f, length);
        Compare("Clamp", y, length);
        Assert.All(DownloadCandidate(y, length), v => Assert.InRange(v, -0.5f, 0.75f));
    }

    // ================================================================ reductions

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(33)]
    [InlineData(257)]
    [InlineData(4099)]
    public void SumMaxSquaredNorm(int length)
    {
        float[] data = RandomArray(new Random(length), length);
        Twin x = Upload(data);
        float sumScale = MathF.Sqrt(length); // a length-term sum, which a device may reduce as a float tree
        AssertClose("Sum", [Oracle.Sum(x.O, length)], [Candidate.Sum(x.C, length)], sumScale);
        AssertClose("Max", [Oracle.Max(x.O, length)], [Candidate.Max(x.C, length)]);
        AssertClose("SquaredNorm", [Oracle.SquaredNorm(x.O, length)], [Candidate.SquaredNorm(x.C, length)], sumScale);
        Assert.Equal(data.Max(), Candidate.Max(x.C, length));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 33)]
    [InlineData(33, 7)]
    [InlineData(257, 3)]
    public void ArgMaxRowsPicksTheFirstOfTies(int rows, int columns)
    {
        // Values on a coarse grid, so most rows hold ties for the maximum.
        var rng = new Random(rows * columns);
        float[] data = Enumerable.Range(0, rows * columns).Select(_ => (float)rng.Next(4)).ToArray();
        Twin x = Upload(data);
        Twin result = Allocate(rows);
        Candidate.ArgMaxRows(x.C, rows, columns, result.C);
        Oracle.ArgMaxRows(x.O, rows, columns, result.O);
        CompareExact("ArgMaxRows", result, rows);
        float[] found = DownloadCandidate(result, rows);
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> row = data.AsSpan(r * columns, columns);
            Assert.Equal(row.IndexOf(row.ToArray().Max()), (int)found[r]);
        }
    }

    // ================================================================ activations

    /// <summary>Every activation at lengths 1, 7 and 257.</summary>
    public static IEnumerable<object[]> ActivationCases() =>
        from kind in Enum.GetValues<ActivationKind>()
        from length in new[] { 1, 7, 257 }
        select new object[] { kind, length };

    [Theory]
    [MemberData(nameof(ActivationCases), MemberType = typeof(BackendParityTests))]
    public void ActivationForward(ActivationKind kind, int length)
    {
        Activation activation = Activation.Default(kind);
        Twin x = Upload(ActivationInputs(length));
        Twin y = Allocate(length);
        Candidate.ActivationForward(activation, x.C, y.C, length);
        Oracle.ActivationForward(activation, x.O, y.O, length);
        Compare($"ActivationForward({kind})", y, length);
        Candidate.ActivationForward(activation, x.C, x.C, length); // in place
        Oracle.ActivationForward(activation, x.O, x.O, length);
        Compare($"ActivationForward({kind}, in place)", x, length);
    }

    [Theory]
    [MemberData(nameof(ActivationCases), MemberType = typeof(BackendParityTests))]
    public void ActivationBackward(ActivationKind kind, int length)
    {
        Activation activation = kind == ActivationKind.LeakyRelu ? new Activation(kind, 0.2f) : Activation.Default(kind);
        Twin x = Upload(ActivationInputs(length));
        Twin y = Allocate(length);
        Twin dy = Upload(RandomArray(new Random(length + 1), length, -1f, 1f));
        Twin dx = Allocate(length);
        Candidate.ActivationForward(activation, x.C, y.C, length);
        Oracle.ActivationForward(activation, x.O, y.O, length);
        Candidate.ActivationBackward(activation, x.C, y.C, dy.C, dx.C, length);
        Oracle.ActivationBackward(activation, x.O, y.O, dy.O, dx.O, length);
        Compare($"ActivationBackward({kind})", dx, length);
        Candidate.ActivationBackward(activation, x.C, y.C, dy.C, dy.C, length); // dInput aliasing dOutput
        Oracle.ActivationBackward(activation, x.O, y.O, dy.O, dy.O, length);
        Compare($"ActivationBackward({kind}, in place)", dy, length);
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(7, 33, 2)]
    [InlineData(33, 7, 3)]
    [InlineData(257, 1, 7)]
    public void Maxout(int rows, int units, int pieces)
    {
        var rng = new Random(rows + units + pieces);
        // A coarse grid, so ties between pieces are common (the first piece must win).
        Twin input = Upload(Enumerable.Range(0, rows * units * pieces).Select(_ => rng.Next(5) - 2f).ToArray());
        Twin output = Allocate(rows * units);
        Twin argMax = Allocate(rows * units);
        Candidate.MaxoutForward(input.C, output.C, argMax.C, rows, units, pieces);
        Oracle.MaxoutForward(input.O, output.O, argMax.O, rows, units, pieces);
        Compare("MaxoutForward", output, rows * units);
        CompareExact("MaxoutForward argMax", argMax, rows * units);
        Twin dOutput = Upload(RandomArray(rng, rows * units));
        Twin dInput = Upload(RandomArray(rng, rows * units * pieces)); // stale values must be overwritten
        Candidate.MaxoutBackward(dOutput.C, argMax.C, dInput.C, rows, units, pieces);
        Oracle.MaxoutBackward(dOutput.O, argMax.O, dInput.O, rows, units, pieces);
        Compare("MaxoutBackward", dInput, rows * units * pieces);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 33)]
    [InlineData(33, 7)]
    [InlineData(3, 257)]
    public void Softmax(int rows, int classes)
    {
        Twin logits = Upload(Logits(new Random(rows * classes), rows, classes));
        Twin p = Allocate(rows * classes);
        Candidate.Softmax(logits.C, p.C, rows, classes);
        Oracle.Softmax(logits.O, p.O, rows, classes);
        Compare("Softmax", p, rows * classes);
    }

    // ================================================================ losses

    [Theory]
    [InlineData(1, 1, false, 0f, true)]
    [InlineData(7, 33, false, 0f, true)]
    [InlineData(7, 33, true, 0f, false)]
    [InlineData(33, 7, true, 0.1f, true)]
    [InlineData(33, 7, false, 0.1f, false)]
    [InlineData(3, 257, true, 0.2f, true)]
    [InlineData(257, 2, false, 0.05f, true)]
    public void SoftmaxCrossEntropy(int rows, int classes, bool weighted, float labelSmoothing, bool withGradient)
    {
        var rng = new Random(rows * classes + (weighted ? 1 : 0));
        Twin logits = Upload(Logits(rng, rows, classes));
        Twin targets = Upload(ClassIndices(rng, rows, classes));
        Twin? weights = weighted ? Upload(RandomArray(rng, classes, 0.2f, 3f)) : null;
        Twin p = Allocate(rows * classes);
        Twin? d = withGradient ? Upload(RandomArray(rng, rows * classes)) : null;
        Twin loss = Allocate(rows);
        float scale = 1f / rows;
        Candidate.SoftmaxCrossEntropy(logits.C, targets.C, weights?.C, labelSmoothing, rows, classes, scale, p.C, d?.C, loss.C);
        Oracle.SoftmaxCrossEntropy(logits.O, targets.O, weights?.O, labelSmoothing, rows, classes, scale, p.O, d?.O, loss.O);
        string op = $"SoftmaxCrossEntropy(weighted {weighted}, smoothing {labelSmoothing})";
        Compare(op + " rowLoss", loss, rows);
        Compare(op + " probabilities", p, rows * classes);
        if (d is not null) Compare(op + " dLogits", d, rows * classes);
    }

    [Theory]
    [InlineData(1, 1, true)]
    [InlineData(7, 33, true)]
    [InlineData(33, 7, false)]
    [InlineData(257, 1, true)]
    public void BinaryCrossEntropyWithLogits(int rows, int columns, bool withGradient)
    {
        var rng = new Random(rows * columns);
        Twin logits = Upload(ActivationInputs(rows * columns));
        Twin targets = Upload(RandomArray(rng, rows * columns, 0f, 1f));
        Twin? d = withGradient ? Allocate(rows * columns) : null;
        Twin loss = Allocate(rows);
        Candidate.BinaryCrossEntropyWithLogits(logits.C, targets.C, rows, columns, 0.5f, d?.C, loss.C);
        Oracle.BinaryCrossEntropyWithLogits(logits.O, targets.O, rows, columns, 0.5f, d?.O, loss.O);
        Compare("BinaryCrossEntropyWithLogits rowLoss", loss, rows);
        if (d is not null) Compare("BinaryCrossEntropyWithLogits dLogits", d, rows * columns);
    }

    /// <summary>Every regression loss, with and without gradient, at several shapes.</summary>
    public static IEnumerable<object[]> RegressionCases() =>
        from kind in Enum.GetValues<RegressionLossKind>()
        from shape in new[] { (1, 1), (7, 33), (257, 3) }
        from withGradient in new[] { true, false }
        select new object[] { kind, shape.Item1, shape.Item2, withGradient };

    [Theory]
    [MemberData(nameof(RegressionCases), MemberType = typeof(BackendParityTests))]
    public void RegressionLoss(RegressionLossKind kind, int rows, int columns, bool withGradient)
    {
        var rng = new Random(rows * columns + (int)kind);
        float[] predictions = RandomArray(rng, rows * columns, -3f, 3f);
        float[] targetValues = RandomArray(rng, rows * columns, -3f, 3f);
        for (int i = 0; i < predictions.Length; i += 5) targetValues[i] = predictions[i]; // d = 0: sign(0) = 0
        Twin p = Upload(predictions);
        Twin t = Upload(targetValues);
        Twin? d = withGradient ? Allocate(rows * columns) : null;
        Twin loss = Allocate(rows);
        Candidate.RegressionLoss(kind, 1.35f, p.C, t.C, rows, columns, 0.25f, d?.C, loss.C);
        Oracle.RegressionLoss(kind, 1.35f, p.O, t.O, rows, columns, 0.25f, d?.O, loss.O);
        Compare($"RegressionLoss({kind}) rowLoss", loss, rows);
        if (d is not null) Compare($"RegressionLoss({kind}) dPredictions", d, rows * columns);
    }

    [Theory]
    [InlineData(1, 1, true)]
    [InlineData(7, 33, true)]
    [InlineData(33, 7, false)]
    [InlineData(257, 3, true)]
    public void MulticlassHinge(int rows, int classes, bool withGradient)
    {
        var rng = new Random(rows * classes);
        Twin scores = Upload(RandomArray(rng, rows * classes));
        Twin targets = Upload(ClassIndices(rng, rows, classes));
        Twin? d = withGradient ? Upload(RandomArray(rng, rows * classes)) : null;
        Twin loss = Allocate(rows);
        Candidate.MulticlassHinge(scores.C, targets.C, 1f, rows, classes, 1f / rows, d?.C, loss.C);
        Oracle.MulticlassHinge(scores.O, targets.O, 1f, rows, classes, 1f / rows, d?.O, loss.O);
        Compare("MulticlassHinge rowLoss", loss, rows);
        if (d is not null) Compare("MulticlassHinge dScores", d, rows * classes);
    }

    // ================================================================ dropout

    [Theory]
    [InlineData(1, 0.5f)]
    [InlineData(7, 0.1f)]
    [InlineData(257, 0.3f)]
    [InlineData(10007, 0.5f)]
    [InlineData(10007, 0f)]
    public void Dropout(int length, float rate)
    {
        Twin x = Upload(RandomArray(new Random(length), length));
        Twin y = Allocate(length);
        Twin mask = Allocate(length);
        Candidate.DropoutForward(x.C, y.C, mask.C, length, rate, seed: 42);
        Oracle.DropoutForward(x.O, y.O, mask.O, length, rate, seed: 42);
        CompareExact("DropoutForward mask", mask, length); // the counter-based generator makes the mask identical
        Compare("DropoutForward output", y, length);
        if (length > 10000)
        {
            float kept = DownloadCandidate(mask, length).Count(m => m != 0f) / (float)length;
            Assert.InRange(kept, 1f - rate - 0.02f, 1f - rate + 0.02f); // about 4.5 standard deviations at rate 0.5
        }
    }

    // ================================================================ pooling

    /// <summary>
    /// (batch, channels, height, width, poolH, poolW, strideH, strideW, padH, padW): H ≠ W, non-overlapping and
    /// overlapping windows (stride &lt; pool), a 3x2 window, stride 3, padding, a 1x1 image, and a 1x1 image padded to
    /// 3x3 under a 2x2 window (every window holds the one real element). Small: the ILGPU side runs interpreted.
    /// </summary>
    public static IEnumerable<object[]> Pool2DCases()
    {
        yield return [1, 1, 7, 5, 2, 2, 2, 2, 0, 0];
        yield return [2, 3, 7, 5, 3, 3, 1, 1, 1, 1];
        yield return [2, 3, 9, 6, 3, 2, 2, 1, 1, 1];
        yield return [1, 3, 9, 6, 3, 3, 3, 3, 0, 0];
        yield return [2, 1, 6, 9, 2, 3, 1, 2, 0, 1];
        yield return [2, 1, 1, 1, 1, 1, 1, 1, 0, 0];
        yield return [1, 1, 1, 1, 2, 2, 1, 1, 1, 1];
    }

    [Theory]
    [MemberData(nameof(Pool2DCases), MemberType = typeof(BackendParityTests))]
    public void MaxPool2D(int batch, int channels, int height, int width, int poolH, int poolW, int strideH, int strideW, int padH, int padW)
    {
        var rng = new Random(batch * 1000 + channels * 100 + height * 10 + width);
        int inputLength = batch * channels * height * width;
        int outH = (height + 2 * padH - poolH) / strideH + 1, outW = (width + 2 * padW - poolW) / strideW + 1;
        int outputLength = batch * channels * outH * outW;
        // A coarse grid of values, so ties inside windows are common (the first maximum must win), and all
        // negative in one plane, so padding treated as 0 instead of −∞ would win there.
        float[] data = Enumerable.Range(0, inputLength).Select(_ => rng.Next(5) - 2f).ToArray();
        for (int i = 0; i < height * width; i++) data[i] = -1f - rng.Next(3);
        Twin input = Upload(data);
        Twin output = Upload(Enumerable.Repeat(float.NaN, outputLength).ToArray()); // written, never read
        Twin argMax = Allocate(outputLength);
        Candidate.MaxPool2DForward(input.C, output.C, argMax.C, new Pool2DShape(batch, channels, height, width, poolH, poolW, strideH, strideW, padH, padW));
        Oracle.MaxPool2DForward(input.O, output.O, argMax.O, new Pool2DShape(batch, channels, height, width, poolH, poolW, strideH, strideW, padH, padW));
        CompareExact("MaxPool2DForward", output, outputLength);
        CompareExact("MaxPool2DForward argMax", argMax, outputLength);
        Twin dOutput = Upload(RandomArray(rng, outputLength));
        Twin dInput = Upload(RandomArray(rng, inputLength)); // stale values must be overwritten
        Candidate.MaxPool2DBackward(dOutput.C, argMax.C, dInput.C, new Pool2DShape(batch, channels, height, width, poolH, poolW, strideH, strideW, padH, padW));
        Oracle.MaxPool2DBackward(dOutput.O, argMax.O, dInput.O, new Pool2DShape(batch, channels, height, width, poolH, poolW, strideH, strideW, padH, padW));
        Compare("MaxPool2DBackward", dInput, inputLength);
    }

    [Theory]
    [MemberData(nameof(Pool2DCases), MemberType = typeof(BackendParityTests))]
    public void AvgPool2D(int batch, int channels, int height, int width, int poolH, int poolW, int strideH, int strideW, int padH, int padW)
    {
        var rng = new Random(batch * 1000 + channels * 100 + height * 10 + width + 1);
        int inputLength = batch * channels * height * width;
        int outH = (height + 2 * padH - poolH) / strideH + 1, outW = (width + 2 * padW - poolW) / strideW + 1;
        int outputLength = batch * channels * outH * outW;
        Twin input = Upload(RandomArray(rng, inputLength));
        Twin output = Upload(Enumerable.Repeat(float.NaN, outputLength).ToArray());
        Candidate.AvgPool2DForward(input.C, output.C, new Pool2DShape(batch, channels, height, width, poolH, poolW, strideH, strideW, padH, padW));
        Oracle.AvgPool2DForward(input.O, output.O, new Pool2DShape(batch, channels, height, width, poolH, poolW, strideH, strideW, padH, padW));
        Compare("AvgPool2DForward", output, outputLength);
        Twin dOutput = Upload(RandomArray(rng, outputLength));
        Twin dInput = Upload(RandomArray(rng, inputLength));
        Candidate.AvgPool2DBackward(dOutput.C, dInput.C, new Pool2DShape(batch, channels, height, width, poolH, poolW, strideH, strideW, padH, padW));
        Oracle.AvgPool2DBackward(dOutput.O, dInput.O, new Pool2DShape(batch, channels, height, width, poolH, poolW, strideH, strideW, padH, padW));
        Compare("AvgPool2DBackward", dInput, inputLength);
    }

    [Fact]
    public void AvgPool2DCountsPaddingInTheDivisor()
    {
        // A 1x1 image of value 4 padded to 3x3 under a 2x2 window, stride 1: each of the 4 windows holds the one real
        // element, so count_include_pad = True gives 4/4 = 1 (False would give 4).
        Twin input = Upload([4f]);
        Twin output = Allocate(4);
        Candidate.AvgPool2DForward(input.C, output.C, new Pool2DShape(1, 1, 1, 1, 2, 2, 1, 1, 1, 1));
        Assert.Equal(new[] { 1f, 1f, 1f, 1f }, DownloadCandidate(output, 4));
    }

    [Theory]
    [InlineData(1, 1, 1, 1)]
    [InlineData(2, 3, 7, 5)]
    [InlineData(1, 3, 9, 6)]
    public void GlobalAvgPool(int batch, int channels, int height, int width)
    {
        var rng = new Random(batch * 1000 + channels * 100 + height * 10 + width + 2);
        int inputLength = batch * channels * height * width;
        Twin input = Upload(RandomArray(rng, inputLength));
        Twin output = Upload(Enumerable.Repeat(float.NaN, batch * channels).ToArray());
        Candidate.GlobalAvgPoolForward(input.C, output.C, batch, channels, height, width);
        Oracle.GlobalAvgPoolForward(input.O, output.O, batch, channels, height, width);
        Compare("GlobalAvgPoolForward", output, batch * channels);
        Twin dOutput = Upload(RandomArray(rng, batch * channels));
        Twin dInput = Upload(RandomArray(rng, inputLength));
        Candidate.GlobalAvgPoolBackward(dOutput.C, dInput.C, batch, channels, height, width);
        Oracle.GlobalAvgPoolBackward(dOutput.O, dInput.O, batch, channels, height, width);
        Compare("GlobalAvgPoolBackward", dInput, inputLength);
    }

    // ================================================================ normalization

    [Theory]
    [InlineData(1, 7)]
    [InlineData(7, 1)]
    [InlineData(33, 257)]
    [InlineData(257, 33)]
    public void BatchNorm(int rows, int features)
    {
        var rng = new Random(rows * 1000 + features);
        // Offset inputs: the mean must really be subtracted.
        Twin input = Upload(RandomArray(rng, rows * features, 1f, 5f));
        Twin gamma = Upload(RandomArray(rng, features, 0.5f, 1.5f));
        Twin beta = Upload(RandomArray(rng, features));
        Twin output = Allocate(rows * features);
        Twin mean = Allocate(features);
        Twin inverseStd = Allocate(features);
        Twin runningMean = Upload(RandomArray(rng, features));
        Twin runningVariance = Upload(RandomArray(rng, features, 0.5f, 2f));
        Candidate.BatchNormForwardTraining(input.C, gamma.C, beta.C, output.C, mean.C, inverseStd.C, runningMean.C, runningVariance.C, rows, features, 0.1f, 1e-5f);
        Oracle.BatchNormForwardTraining(input.O, gamma.O, beta.O, output.O, mean.O, inverseStd.O, runningMean.O, runningVariance.O, rows, features, 0.1f, 1e-5f);
        Compare("BatchNormForwardTraining output", output, rows * features);
        Compare("BatchNormForwardTraining mean", mean, features);
        Compare("BatchNormForwardTraining inverseStd", inverseStd, features);
        Compare("BatchNormForwardTraining runningMean", runningMean, features);
        Compare("BatchNormForwardTraining runningVariance", runningVariance, features);

        Twin inference = Allocate(rows * features);
        Candidate.BatchNormForwardInference(input.C, gamma.C, beta.C, runningMean.C, runningVariance.C, inference.C, rows, features, 1e-5f);
        Oracle.BatchNormForwardInference(input.O, gamma.O, beta.O, runningMean.O, runningVariance.O, inference.O, rows, features, 1e-5f);
        Compare("BatchNormForwardInference", inference, rows * features);

        Twin dOutput = Upload(RandomArray(rng, rows * features));
        Twin dInput = Upload(RandomArray(rng, rows * features)); // overwritten
        Twin dGamma = Upload(RandomArray(rng, features)); // accumulated
        Twin dBeta = Upload(RandomArray(rng, features)); // accumulated
        Candidate.BatchNormBackward(input.C, gamma.C, mean.C, inverseStd.C, dOutput.C, dInput.C, dGamma.C, dBeta.C, rows, features);
        Oracle.BatchNormBackward(input.O, gamma.O, mean.O, inverseStd.O, dOutput.O, dInput.O, dGamma.O, dBeta.O, rows, features);
        Compare("BatchNormBackward dInput", dInput, rows * features);
        Compare("BatchNormBackward dGamma", dGamma, features, MathF.Sqrt(rows)); // rows-term sums
        Compare("BatchNormBackward dBeta", dBeta, features, MathF.Sqrt(rows));
    }

    [Theory]
    [InlineData(1, 7)]
    [InlineData(7, 1)]
    [InlineData(33, 257)]
    [InlineData(257, 33)]
    public void LayerNorm(int rows, int features)
    {
        var rng = new Random(rows * 1000 + features);
        Twin input = Upload(RandomArray(rng, rows * features, -1f, 4f));
        Twin gamma = Upload(RandomArray(rng, features, 0.5f, 1.5f));
        Twin beta = Upload(RandomArray(rng, features));
        Twin output = Allocate(rows * features);
        Twin mean = Allocate(rows);
        Twin inverseStd = Allocate(rows);
        Candidate.LayerNormForward(input.C, gamma.C, beta.C, output.C, mean.C, inverseStd.C, rows, features, 1e-5f);
        Oracle.LayerNormForward(input.O, gamma.O, beta.O, output.O, mean.O, inverseStd.O, rows, features, 1e-5f);
        Compare("LayerNormForward output", output, rows * features);
        Compare("LayerNormForward mean", mean, rows);
        Compare("LayerNormForward inverseStd", inverseStd, rows);

        Twin dOutput = Upload(RandomArray(rng, rows * features));
        Twin dInput = Upload(RandomArray(rng, rows * features));
        Twin dGamma = Upload(RandomArray(rng, features));
        Twin dBeta = Upload(RandomArray(rng, features));
        Candidate.LayerNormBackward(input.C, gamma.C, mean.C, inverseStd.C, dOutput.C, dInput.C, dGamma.C, dBeta.C, rows, features);
        Oracle.LayerNormBackward(input.O, gamma.O, mean.O, inverseStd.O, dOutput.O, dInput.O, dGamma.O, dBeta.O, rows, features);
        Compare("LayerNormBackward dInput", dInput, rows * features);
        Compare("LayerNormBackward dGamma", dGamma, features, MathF.Sqrt(rows)); // rows-term sums
        Compare("LayerNormBackward dBeta", dBeta, features, MathF.Sqrt(rows));
    }

    /// <summary>
    /// (batch, channels, spatial): batch 1 and 7, channels 1, 3 and 33, spatial 1 (the managed backend's 1-D path),
    /// 7 and 49, one sample alone (statistics over its positions), one value per channel (n = 1: zero variance, the
    /// running variance fed the biased one), and one tensor above the managed backend's parallel threshold.
    /// </summary>
    public static TheoryData<int, int, int> BatchNorm2DCases() => new()
    {
        { 1, 3, 1 },
        { 7, 1, 1 },
        { 7, 33, 1 },
        { 1, 1, 7 },
        { 1, 3, 49 },
        { 7, 3, 7 },
        { 1, 33, 7 },
        { 7, 33, 49 },
        { 3, 33, 400 },
    };

    [Theory]
    [MemberData(nameof(BatchNorm2DCases), MemberType = typeof(BackendParityTests))]
    public void BatchNorm2D(int batch, int channels, int spatial)
    {
        var rng = new Random((batch * 100 + channels) * 1000 + spatial);
        int length = batch * channels * spatial, count = batch * spatial;
        float[] inputData = RandomArray(rng, length, 1f, 5f); // offset: the mean must really be subtracted
        Twin input = Upload(inputData);
        Twin gamma = Upload(RandomArray(rng, channels, 0.5f, 1.5f));
        Twin beta = Upload(RandomArray(rng, channels));
        Twin output = Upload(Enumerable.Repeat(float.NaN, length).ToArray()); // written, never read
        Twin mean = Allocate(channels);
        Twin inverseStd = Allocate(channels);
        Twin runningMean = Upload(RandomArray(rng, channels));
        Twin runningVariance = Upload(RandomArray(rng, channels, 0.5f, 2f));
        Candidate.BatchNorm2DForwardTraining(input.C, gamma.C, beta.C, output.C, mean.C, inverseStd.C, runningMean.C, runningVariance.C,
            batch, channels, spatial, 0.1f, 1e-5f);
        Oracle.BatchNorm2DForwardTraining(input.O, gamma.O, beta.O, output.O, mean.O, inverseStd.O, runningMean.O, runningVariance.O,
            batch, channels, spatial, 0.1f, 1e-5f);
        Compare("BatchNorm2DForwardTraining output", output, length);
        Compare("BatchNorm2DForwardTraining mean", mean, channels);
        Compare("BatchNorm2DForwardTraining inverseStd", inverseStd, channels);
        Compare("BatchNorm2DForwardTraining runningMean", runningMean, channels);
        Compare("BatchNorm2DForwardTraining runningVariance", runningVariance, channels);

        Twin inference = Upload(Enumerable.Repeat(float.NaN, length).ToArray());
        Candidate.BatchNorm2DForwardInference(input.C, gamma.C, beta.C, runningMean.C, runningVariance.C, inference.C, batch, channels, spatial, 1e-5f);
        Oracle.BatchNorm2DForwardInference(input.O, gamma.O, beta.O, runningMean.O, runningVariance.O, inference.O, batch, channels, spatial, 1e-5f);
        Compare("BatchNorm2DForwardInference", inference, length);

        float[] dOutputData = RandomArray(rng, length);
        Twin dOutput = Upload(dOutputData);
        Twin dInput = Upload(RandomArray(rng, length)); // overwritten
        Twin dGamma = Upload(RandomArray(rng, channels)); // accumulated
        Twin dBeta = Upload(RandomArray(rng, channels)); // accumulated
        Candidate.BatchNorm2DBackward(input.C, gamma.C, mean.C, inverseStd.C, dOutput.C, dInput.C, dGamma.C, dBeta.C, batch, channels, spatial);
        Oracle.BatchNorm2DBackward(input.O, gamma.O, mean.O, inverseStd.O, dOutput.O, dInput.O, dGamma.O, dBeta.O, batch, channels, spatial);
        Compare("BatchNorm2DBackward dInput", dInput, length);
        Compare("BatchNorm2DBackward dGamma", dGamma, channels, MathF.Sqrt(count)); // n-term sums
        Compare("BatchNorm2DBackward dBeta", dBeta, channels, MathF.Sqrt(count));

        // In place: output over input, dInput over dOutput.
        Twin inPlace = Upload(inputData);
        Candidate.BatchNorm2DForwardTraining(inPlace.C, gamma.C, beta.C, inPlace.C, mean.C, inverseStd.C, runningMean.C, runningVariance.C,
            batch, channels, spatial, 0.1f, 1e-5f);
        Oracle.BatchNorm2DForwardTraining(inPlace.O, gamma.O, beta.O, inPlace.O, mean.O, inverseStd.O, runningMean.O, runningVariance.O,
            batch, channels, spatial, 0.1f, 1e-5f);
        Compare("BatchNorm2DForwardTraining in place", inPlace, length);
        Twin dInPlace = Upload(dOutputData);
        Candidate.BatchNorm2DBackward(input.C, gamma.C, mean.C, inverseStd.C, dInPlace.C, dInPlace.C, dGamma.C, dBeta.C, batch, channels, spatial);
        Oracle.BatchNorm2DBackward(input.O, gamma.O, mean.O, inverseStd.O, dInPlace.O, dInPlace.O, dGamma.O, dBeta.O, batch, channels, spatial);
        Compare("BatchNorm2DBackward in place", dInPlace, length);
        Compare("BatchNorm2DBackward dGamma, second accumulation", dGamma, channels, MathF.Sqrt(count));
    }

    // ================================================================ convolution

    /// <summary>
    /// (batch, Cin, H, W, Cout, kH, kW, stride, pad, dilation): batch 1 and 3, channels 1–3, H ≠ W, 1x1 / 3x3 / 5x3
    /// kernels, stride 1 and 2, padding 0–2, dilation 1 and 2, the pointwise shortcut (1x1, stride 1, no padding) and
    /// a kernel as large as the padded input (a 1x1 output). Tiny, so the ILGPU CPU accelerator stays fast.
    /// </summary>
    public static TheoryData<int, int, int, int, int, int, int, int, int, int> Conv2DCases() => new()
    {
        { 1, 1, 7, 5, 1, 1, 1, 1, 0, 1 },
        { 3, 2, 7, 5, 3, 1, 1, 1, 0, 1 },
        { 3, 2, 7, 5, 3, 1, 1, 2, 1, 1 },
        { 1, 3, 9, 6, 2, 3, 3, 1, 1, 1 },
        { 3, 2, 9, 6, 3, 3, 3, 2, 0, 1 },
        { 3, 3, 7, 5, 2, 3, 3, 1, 2, 2 },
        { 1, 2, 9, 6, 3, 5, 3, 2, 2, 1 },
        { 3, 1, 9, 6, 2, 5, 3, 1, 1, 2 },
        { 3, 2, 7, 5, 2, 5, 3, 2, 2, 2 },
        { 1, 2, 3, 3, 2, 5, 5, 1, 2, 1 },
    };

    [Theory]
    [MemberData(nameof(Conv2DCases), MemberType = typeof(BackendParityTests))]
    public void Conv2D(int batch, int inChannels, int height, int width, int outChannels, int kernelH, int kernelW, int stride, int pad, int dilation)
    {
        // Stride and padding differ between the axes when they can, so a swapped height/width index shows.
        var shape = new Conv2DShape(batch, inChannels, height, width, outChannels, kernelH, kernelW,
            stride, Math.Max(1, stride - 1), pad, Math.Max(0, pad - 1), dilation, 1);
        var rng = new Random(((batch * 7 + inChannels) * 11 + kernelH) * 13 + stride * 3 + pad + dilation * 5);
        Twin input = Upload(RandomArray(rng, shape.InputSize));
        Twin weight = Upload(RandomArray(rng, shape.WeightSize));
        Twin bias = Upload(RandomArray(rng, outChannels));
        Twin output = Upload(RandomArray(rng, shape.OutputSize)); // overwritten: garbage must not leak
        float depth = MathF.Sqrt(shape.PatchSize);
        Candidate.Conv2DForward(input.C, weight.C, bias.C, output.C, shape);
        Oracle.Conv2DForward(input.O, weight.O, bias.O, output.O, shape);
        Compare("Conv2DForward output", output, shape.OutputSize, depth);
        Candidate.Conv2DForward(input.C, weight.C, null, output.C, shape);
        Oracle.Conv2DForward(input.O, weight.O, null, output.O, shape);
        Compare("Conv2DForward output without bias", output, shape.OutputSize, depth);

        Twin dOutput = Upload(RandomArray(rng, shape.OutputSize));
        Twin dInput = Upload(RandomArray(rng, shape.InputSize)); // overwritten
        Candidate.Conv2DBackwardInput(dOutput.C, weight.C, dInput.C, shape);
        Oracle.Conv2DBackwardInput(dOutput.O, weight.O, dInput.O, shape);
        Compare("Conv2DBackwardInput dInput", dInput, shape.InputSize, MathF.Sqrt(outChannels * kernelH * kernelW));

        Twin dWeight = Upload(RandomArray(rng, shape.WeightSize)); // accumulated into
        Twin dBias = Upload(RandomArray(rng, outChannels));
        float positions = MathF.Sqrt(batch * shape.OutputHeight * shape.OutputWidth);
        Candidate.Conv2DBackwardWeight(input.C, dOutput.C, dWeight.C, dBias.C, shape);
        Oracle.Conv2DBackwardWeight(input.O, dOutput.O, dWeight.O, dBias.O, shape);
        Compare("Conv2DBackwardWeight dWeight", dWeight, shape.WeightSize, positions);
        Compare("Conv2DBackwardWeight dBias", dBias, outChannels, positions);
        Candidate.Conv2DBackwardWeight(input.C, dOutput.C, dWeight.C, null, shape);
        Oracle.Conv2DBackwardWeight(input.O, dOutput.O, dWeight.O, null, shape);
        Compare("Conv2DBackwardWeight dWeight, second accumulation without bias", dWeight, shape.WeightSize, positions);
        Compare("Conv2DBackwardWeight dBias untouched", dBias, outChannels, positions);
    }

    // ================================================================ optimizers

    /// <summary>Every optimizer at lengths 1, 7, 33 and 257 (whole SIMD vectors plus tails).</summary>
    public static IEnumerable<object[]> OptimizerCases() =>
        from kind in Enum.GetValues<OptimizerKind>()
        from length in new[] { 1, 7, 33, 257 }
        select new object[] { kind, length };

    [Theory]
    [MemberData(nameof(OptimizerCases), MemberType = typeof(BackendParityTests))]
    public void OptimizerThreeSteps(OptimizerKind kind, int length)
    {
        var rng = new Random(length + 10 * (int)kind);
        float[] initial = RandomArray(rng, length, -1f, 1f);
        initial[0] = 0f; // sign(0) = 0 for the L1 term
        Twin parameters = Upload(initial);
        Twin state1 = Allocate(length);
        Twin state2 = Allocate(length);
        Twin gradients = Allocate(length);
        const float beta1 = 0.9f, beta2 = 0.999f;
        for (int t = 1; t <= 3; t++)
        {
            float[] g = RandomArray(rng, length, -1f, 1f);
            Candidate.Upload(g, gradients.C);
            Oracle.Upload(g, gradients.O);
            var h = new OptimizerStepParameters
            {
                LearningRate = 0.05f,
                Momentum = 0.9f,
                Beta1 = beta1,
                Beta2 = beta2,
                Rho = 0.9f,
                Epsilon = 1e-6f,
                WeightDecay = 0.01f,
                L1 = 0.001f,
                L2 = 0.01f,
                BiasCorrection1 = 1f - MathF.Pow(beta1, t),
                BiasCorrection2 = 1f - MathF.Pow(beta2, t),
            };
            Candidate.OptimizerStep(kind, h, parameters.C, gradients.C, state1.C, state2.C, length);
            Oracle.OptimizerStep(kind, h, parameters.O, gradients.O, state1.O, state2.O, length);
            Compare($"OptimizerStep({kind}) step {t} parameters", parameters, length);
            Compare($"OptimizerStep({kind}) step {t} state1", state1, length);
            Compare($"OptimizerStep({kind}) step {t} state2", state2, length);
        }
    }

    // ================================================================ helpers

    /// <summary>The same logical buffer on both backends: C on the candidate, O on the oracle.</summary>
    protected sealed record Twin(DeviceBuffer C, DeviceBuffer O);

    /// <summary>Uploads <paramref name="data"/> to both backends.</summary>
    protected Twin Upload(float[] data)
    {
        Twin twin = Allocate(data.Length);
        Candidate.Upload(data, twin.C);
        Oracle.Upload(data, twin.O);
        return twin;
    }

    /// <summary>A zero-filled buffer on both backends, disposed with the test.</summary>
    protected Twin Allocate(int length)
    {
        var twin = new Twin(Candidate.Allocate(length), Oracle.Allocate(length));
        _buffers.Add(twin.C);
        _buffers.Add(twin.O);
        return twin;
    }

    /// <summary>The candidate's first <paramref name="length"/> values.</summary>
    protected float[] DownloadCandidate(Twin twin, int length)
    {
        var values = new float[length];
        Candidate.Download(twin.C, values);
        return values;
    }

    /// <summary>
    /// Downloads both sides and compares them with the op's tolerances; <paramref name="absoluteScale"/> widens the
    /// absolute one for outputs that are long sums (their magnitude, and so their rounding, grows like √terms).
    /// </summary>
    protected void Compare(string op, Twin twin, int length, float absoluteScale = 1f)
    {
        var expected = new float[length];
        Oracle.Download(twin.O, expected);
        AssertClose(op, expected, DownloadCandidate(twin, length), absoluteScale);
    }

    /// <summary>Downloads both sides and requires identical values (indices, masks).</summary>
    protected void CompareExact(string op, Twin twin, int length)
    {
        var expected = new float[length];
        Oracle.Download(twin.O, expected);
        AssertClose(op, expected, DownloadCandidate(twin, length), 0f, 0f);
    }

    /// <summary>Elementwise |actual − expected| ≤ atol·absoluteScale + rtol·|expected|, with the op's tolerances.</summary>
    protected void AssertClose(string op, float[] expected, float[] actual, float absoluteScale = 1f)
    {
        (float absolute, float relative) = Tolerance(op);
        AssertClose(op, expected, actual, absolute * Math.Max(1f, absoluteScale), relative);
    }

    /// <summary>
    /// The one comparison: fails on the first element outside |actual − expected| ≤ atol + rtol·|expected| (NaN never
    /// passes), naming the op, the index, expected, actual and the largest difference over all elements.
    /// </summary>
    protected static void AssertClose(string op, float[] expected, float[] actual, float absoluteTolerance, float relativeTolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        int firstBad = -1, worst = -1;
        double maxDiff = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double diff = Math.Abs((double)actual[i] - expected[i]);
            bool ok = expected[i] == actual[i] || diff <= absoluteTolerance + relativeTolerance * Math.Abs((double)expected[i]);
            if (!ok && firstBad < 0) firstBad = i;
            if (double.IsNaN(diff) || diff > maxDiff || worst < 0)
            {
                if (worst < 0 || !double.IsNaN(maxDiff)) { maxDiff = diff; worst = i; }
            }
        }
        if (firstBad >= 0)
        {
            Assert.Fail(string.Create(CultureInfo.InvariantCulture,
                $"{op}: element {firstBad} of {expected.Length}: expected {expected[firstBad]:R}, actual {actual[firstBad]:R} " +
                $"(tolerance {absoluteTolerance:R} + {relativeTolerance:R}·|expected|); max |diff| {maxDiff:R} at element {worst}."));
        }
    }

    /// <summary>Uniform values in [min, max).</summary>
    protected static float[] RandomArray(Random rng, int length, float min = -2f, float max = 2f) =>
        Enumerable.Range(0, length).Select(_ => min + (max - min) * rng.NextSingle()).ToArray();

    /// <summary>Activation inputs: exact 0, tiny, large |x| (±30, ±100) first, then uniform in [−5, 5).</summary>
    protected static float[] ActivationInputs(int length)
    {
        float[] specials = [0f, -30f, 30f, -100f, 100f, 1e-4f, -1e-4f];
        float[] values = RandomArray(new Random(length * 7 + 3), length, -5f, 5f);
        for (int i = 0; i < Math.Min(length, specials.Length); i++) values[i] = specials[i];
        return values;
    }

    /// <summary>Logits (rows, classes) in [−4, 4), with one row pushed to ±60 so that softmax must subtract the max.</summary>
    protected static float[] Logits(Random rng, int rows, int classes)
    {
        float[] values = RandomArray(rng, rows * classes, -4f, 4f);
        if (rows > 1)
        {
            for (int c = 0; c < classes; c++) values[classes + c] *= 15f;
        }
        return values;
    }

    /// <summary>Random class indices, stored as floats.</summary>
    protected static float[] ClassIndices(Random rng, int rows, int classes) =>
        Enumerable.Range(0, rows).Select(_ => (float)rng.Next(classes)).ToArray();

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Disposes the buffers the test allocated; a subclass that owns its backends disposes them here too.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (!disposing) return;
        foreach (DeviceBuffer buffer in _buffers) buffer.Dispose();
        _buffers.Clear();
    }
}
