using MLNet.DeepExtensions.Kernels.Tests.Layout;

namespace MLNet.DeepExtensions.Kernels.Tests.Recurrent;

/// <summary>
/// One call of a recurrent op on random inputs, the same on every backend (the inputs come from a seeded generator),
/// returning every buffer the op writes. Shared by the parity tests of each backend pair and the GPU test. Inputs are in
/// the ranges the ops see in training: pre-activations in [−3, 3], activated gates inside their functions' ranges,
/// states and gradients in [−1, 1], recurrent weights scaled by 1/√H so that a product stays of unit size.
/// </summary>
internal static class RecurrentScenarios
{
    /// <summary>The time step every scenario runs at (so a length of 3 pads the row, 4 does not).</summary>
    public const int Step = 3;

    /// <summary>Every op of the family with its activation where it has one; "Backward" ones also run with a dOutput.</summary>
    public static readonly string[] Ops =
    [
        "LstmCellForward", "LstmCellBackward", "GruCellForward", "GruCellBackward",
        "RnnCellForward/Tanh", "RnnCellForward/Relu", "RnnCellBackward/Tanh", "RnnCellBackward/Relu",
        "LstmStepForward", "GruStepForward", "RnnStepForward/Tanh", "RnnStepForward/Relu",
    ];

    /// <summary>
    /// The lengths buffer of a masking kind: "none" is null (no row padded); "ragged" starts with the edge cases at
    /// <see cref="Step"/> — 0, NaN, 3 (padded: the step equals the length), 4 (valid), 2.5 (padded), 3.5 (valid), 100 — and
    /// continues with random whole lengths in [0, 6].
    /// </summary>
    public static float[]? Lengths(int batch, string masking, int seed)
    {
        if (masking == "none") return null;
        var rng = new Random(seed);
        float[] edges = [0f, float.NaN, 3f, 4f, 2.5f, 3.5f, 100f];
        return Enumerable.Range(0, batch).Select(b => b < edges.Length ? edges[b] : rng.Next(7)).ToArray();
    }

    /// <summary>Runs <paramref name="op"/> once and downloads what it wrote (outputs start as NaN, so each must be written).</summary>
    public static float[][] Run(string op, BackendBuffers buffers, int batch, int h, float[]? lengthValues, bool withDOutput, int seed)
    {
        ComputeBackend backend = buffers.Backend;
        var rng = new Random(seed);
        int s = batch * h;
        DeviceBuffer? lengths = lengthValues is null ? null : buffers.Upload(lengthValues);
        DeviceBuffer U(int length, float lo = -1f, float hi = 1f) => buffers.Upload(BackendBuffers.Random(rng, length, lo, hi));
        DeviceBuffer? DOutput() => withDOutput ? U(s) : null;
        float[] D(DeviceBuffer buffer, int length) => buffers.Download(buffer, length);
        ActivationKind activation = op.EndsWith("/Relu", StringComparison.Ordinal) ? ActivationKind.Relu : ActivationKind.Tanh;
        float wScale = 1f / MathF.Sqrt(h);

        switch (op)
        {
            case "LstmCellForward":
            {
                DeviceBuffer gates = U(4 * s, -3f, 3f), cp = U(s), hp = U(s), c = buffers.Output(s), y = buffers.Output(s);
                backend.LstmCellForward(gates, cp, hp, c, y, batch, h, lengths, Step);
                return [D(gates, 4 * s), D(c, s), D(y, s)];
            }
            case "LstmCellBackward":
            {
                DeviceBuffer gates = buffers.Upload(ActivatedGates(rng, batch, h, 4, tanhBlock: 2)), cp = U(s), c = U(s, -2f, 2f);
                DeviceBuffer? dy = DOutput();
                DeviceBuffer dh = U(s), dc = U(s), dg = buffers.Output(4 * s);
                backend.LstmCellBackward(gates, cp, c, dy, dh, dc, dg, batch, h, lengths, Step);
                return [D(dg, 4 * s), D(dh, s), D(dc, s)];
            }
            case "GruCellForward":
            {
                DeviceBuffer xg = U(3 * s, -3f, 3f), hg = U(3 * s, -3f, 3f), bias = U(3 * h), hp = U(s), y = buffers.Output(s);
                backend.GruCellForward(xg, hg, bias, hp, y, batch, h, lengths, Step);
                return [D(xg, 3 * s), D(hg, 3 * s), D(y, s)];
            }
            case "GruCellBackward":
            {
                DeviceBuffer xg = buffers.Upload(ActivatedGates(rng, batch, h, 3, tanhBlock: 2)), hg = U(3 * s, -2f, 2f), hp = U(s);
                DeviceBuffer? dy = DOutput();
                DeviceBuffer dh = U(s), dxg = buffers.Output(3 * s), dhg = buffers.Output(3 * s);
                backend.GruCellBackward(xg, hg, hp, dy, dh, dxg, dhg, batch, h, lengths, Step);
                return [D(dxg, 3 * s), D(dhg, 3 * s), D(dh, s)];
            }
            case "RnnCellForward/Tanh" or "RnnCellForward/Relu":
            {
                DeviceBuffer z = U(s, -3f, 3f), hp = U(s), y = buffers.Output(s);
                backend.RnnCellForward(z, hp, y, activation, batch, h, lengths, Step);
                return [D(y, s), D(z, s)];
            }
            case "RnnCellBackward/Tanh" or "RnnCellBackward/Relu":
            {
                // ReLU outputs are ≥ 0 with exact zeros (where the derivative is 0).
                float[] yValues = BackendBuffers.Random(rng, s);
                if (activation == ActivationKind.Relu) yValues = yValues.Select(v => MathF.Max(0f, v)).ToArray();
                DeviceBuffer y = buffers.Upload(yValues);
                DeviceBuffer? dy = DOutput();
                DeviceBuffer dh = U(s), dz = buffers.Output(s);
                backend.RnnCellBackward(y, dy, dh, dz, activation, batch, h, lengths, Step);
                return [D(dz, s), D(dh, s)];
            }
            case "LstmStepForward":
            {
                DeviceBuffer hp = U(s), w = U(4 * h * h, -wScale, wScale), gates = U(4 * s), cp = U(s), c = buffers.Output(s), y = buffers.Output(s);
                backend.LstmStepForward(hp, w, gates, cp, c, y, batch, h, lengths, Step);
                return [D(gates, 4 * s), D(c, s), D(y, s)];
            }
            case "GruStepForward":
            {
                DeviceBuffer hp = U(s), w = U(3 * h * h, -wScale, wScale), bias = U(3 * h), xg = U(3 * s, -2f, 2f);
                DeviceBuffer hg = buffers.Output(3 * s), y = buffers.Output(s);
                backend.GruStepForward(hp, w, bias, xg, hg, y, batch, h, lengths, Step);
                return [D(xg, 3 * s), D(hg, 3 * s), D(y, s)];
            }
            case "RnnStepForward/Tanh" or "RnnStepForward/Relu":
            {
                DeviceBuffer hp = U(s), w = U(h * h, -wScale, wScale), z = U(s), y = buffers.Output(s);
                backend.RnnStepForward(hp, w, z, y, activation, batch, h, lengths, Step);
                return [D(z, s), D(y, s)];
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(op), op, "Unknown recurrent op.");
        }
    }

    /// <summary>(batch, G·H) gates as the forward pass leaves them: sigmoid blocks in (0, 1), the tanh block in (−1, 1).</summary>
    private static float[] ActivatedGates(Random rng, int batch, int h, int gateCount, int tanhBlock)
    {
        var values = new float[batch * gateCount * h];
        for (int i = 0; i < values.Length; i++)
        {
            int block = i / h % gateCount;
            values[i] = block == tanhBlock ? 2f * (float)rng.NextDouble() - 1f : (float)rng.NextDouble();
        }
        return values;
    }

    /// <summary>(batch, steps) ids with trailing −1 padding; row b has its own length, and some interior ids are −1 too.</summary>
    public static float[] PaddedIds(int batch, int steps, int seed, out int[] expectedLengths)
    {
        var rng = new Random(seed);
        var ids = new float[batch * steps];
        expectedLengths = new int[batch];
        for (int b = 0; b < batch; b++)
        {
            // Row 0: all padding; row 1: full; the rest random, with −1 inside the valid prefix now and then.
            int length = b == 0 ? 0 : b == 1 ? steps : rng.Next(steps + 1);
            for (int t = 0; t < steps; t++) ids[b * steps + t] = t < length ? (rng.Next(5) == 0 && t < length - 1 ? -1f : rng.Next(50)) : -1f;
            expectedLengths[b] = length;
        }
        return ids;
    }
}
