namespace MLNet.DeepExtensions.Kernels.Tests.Parity;

// Parity of the losses operations (see BackendParityTests.cs for the backends, tolerances and helpers).
public abstract partial class BackendParityTests
{
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
}
