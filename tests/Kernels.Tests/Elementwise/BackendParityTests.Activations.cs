namespace MLNet.DeepExtensions.Kernels.Tests.Parity;

// Parity of the activations operations (see BackendParityTests.cs for the backends, tolerances and helpers).
public abstract partial class BackendParityTests
{
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
}
