namespace MLNet.DeepExtensions.Kernels.Tests.Parity;

// Parity of the matrix multiplication operations (see BackendParityTests.cs for the backends, tolerances and helpers).
public abstract partial class BackendParityTests
{
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
}
