using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using MLNet.DeepExtensions.Kernels.MatMul;

namespace MLNet.DeepExtensions.Kernels.Recurrent;

/// <summary>Which cell operation a <see cref="ManagedRecurrentCells"/> runs.</summary>
internal enum RecurrentCellOp
{
    LstmForward,
    LstmBackward,
    GruForward,
    GruBackward,
    RnnForward,
    RnnBackward,
}

/// <summary>
/// The managed CPU backend's recurrent cell math (ComputeBackend.Recurrent.cs documents the equations), one row of the
/// batch at a time, in Vector512 passes over the row with the float-only sigmoid and tanh of <see cref="RecurrentMath"/>
/// (the LSTM and GRU forward rows in one pass, gates and state in registers); without AVX-512, TensorPrimitives over
/// the gate blocks and scalar loops. A padded row only copies. The same row code serves three callers: the cell ops on one thread, the cell ops split
/// by rows over the worker pool (<see cref="ParallelJob"/>), and the fused step ops, where the GEMM calls it on each
/// finished row panel (<see cref="IRowPanelEpilogue"/>); the three give bit-identical results.
/// </summary>
/// <remarks>One instance per backend, reused (one operation at a time): the pointers of the current call live in
/// fields, so no call allocates.</remarks>
internal sealed unsafe class ManagedRecurrentCells : ParallelJob, IRowPanelEpilogue
{
    /// <summary>Below this many batch·hidden elements one thread beats waking another (a wake costs a few µs; an LSTM
    /// element costs a few ns).</summary>
    public const int ParallelThreshold = 8192;

    private RecurrentCellOp _op;
    private int _batch;
    private int _h;
    private float* _lengths;
    private int _step;
    private bool _tanh;

    // The buffers of the current call; which are used depends on _op (names as in ComputeBackend.Recurrent.cs).
    private float* _gates, _hiddenGates, _hiddenBias, _cellPrevious, _hiddenPrevious, _cell, _hidden;
    private float* _dOutput, _dHidden, _dCell, _dGates, _dHiddenGates;

    public void SetLstmForward(float* gates, float* cellPrevious, float* hiddenPrevious, float* cell, float* hidden,
        int batch, int h, float* lengths, int step)
    {
        Set(RecurrentCellOp.LstmForward, batch, h, lengths, step);
        _gates = gates; _cellPrevious = cellPrevious; _hiddenPrevious = hiddenPrevious; _cell = cell; _hidden = hidden;
    }

    public void SetLstmBackward(float* gates, float* cellPrevious, float* cell, float* dOutput, float* dHidden, float* dCell, float* dGates,
        int batch, int h, float* lengths, int step)
    {
        Set(RecurrentCellOp.LstmBackward, batch, h, lengths, step);
        _gates = gates; _cellPrevious = cellPrevious; _cell = cell; _dOutput = dOutput; _dHidden = dHidden; _dCell = dCell; _dGates = dGates;
    }

    public void SetGruForward(float* inputGates, float* hiddenGates, float* hiddenBias, float* hiddenPrevious, float* hidden,
        int batch, int h, float* lengths, int step)
    {
        Set(RecurrentCellOp.GruForward, batch, h, lengths, step);
        _gates = inputGates; _hiddenGates = hiddenGates; _hiddenBias = hiddenBias; _hiddenPrevious = hiddenPrevious; _hidden = hidden;
    }

    public void SetGruBackward(float* inputGates, float* hiddenGates, float* hiddenPrevious, float* dOutput, float* dHidden,
        float* dInputGates, float* dHiddenGates, int batch, int h, float* lengths, int step)
    {
        Set(RecurrentCellOp.GruBackward, batch, h, lengths, step);
        _gates = inputGates; _hiddenGates = hiddenGates; _hiddenPrevious = hiddenPrevious; _dOutput = dOutput; _dHidden = dHidden; _dGates = dInputGates; _dHiddenGates = dHiddenGates;
    }

    public void SetRnnForward(float* preActivation, float* hiddenPrevious, float* hidden, bool tanh, int batch, int h, float* lengths, int step)
    {
        Set(RecurrentCellOp.RnnForward, batch, h, lengths, step);
        _gates = preActivation; _hiddenPrevious = hiddenPrevious; _hidden = hidden; _tanh = tanh;
    }

    public void SetRnnBackward(float* hidden, float* dOutput, float* dHidden, float* dPreActivation, bool tanh, int batch, int h, float* lengths, int step)
    {
        Set(RecurrentCellOp.RnnBackward, batch, h, lengths, step);
        _hidden = hidden; _dOutput = dOutput; _dHidden = dHidden; _dGates = dPreActivation; _tanh = tanh;
    }

    /// <summary>Runs the operation set last over every row: split by rows over <paramref name="pool"/> when large enough.</summary>
    public void Run(WorkerPool pool)
    {
        try
        {
            if (pool.ThreadCount > 1 && _batch > 1 && (long)_batch * _h >= ParallelThreshold) pool.Run(this, Math.Min(pool.ThreadCount, _batch));
            else Rows(0, _batch);
        }
        finally
        {
            Clear();
        }
    }

    /// <summary>Forgets the pointers of the last call (the buffers may be freed after it).</summary>
    public void Clear() => _gates = _hiddenGates = _hiddenBias = _cellPrevious = _hiddenPrevious = _cell = _hidden =
        _dOutput = _dHidden = _dCell = _dGates = _dHiddenGates = _lengths = null;

    /// <inheritdoc />
    public override void Execute(int index, int count) =>
        Rows((int)((long)_batch * index / count), (int)((long)_batch * (index + 1) / count) - (int)((long)_batch * index / count));

    /// <inheritdoc />
    /// <remarks>Also prefetches the next panel's rows of the buffers the GEMM does not write (the input gates and the
    /// previous state, cold from memory in a time loop), so that the next epilogue does not wait on them.</remarks>
    public void Apply(int firstRow, int rowCount)
    {
        int next = firstRow + rowCount, nextCount = Math.Min(rowCount, _batch - next);
        if (nextCount > 0 && Sse.IsSupported)
        {
            nint s = (nint)next * _h, length = (nint)nextCount * _h;
            if (_op == RecurrentCellOp.GruForward) Prefetch(_gates + 3 * s, 3 * length);
            if (_op == RecurrentCellOp.LstmForward) Prefetch(_cellPrevious + s, length);
            Prefetch(_hiddenPrevious + s, length);
        }
        Rows(firstRow, rowCount);
    }

    private static void Prefetch(float* start, nint length)
    {
        for (nint i = 0; i < length; i += 16) Sse.Prefetch0(start + i);
    }

    private void Set(RecurrentCellOp op, int batch, int h, float* lengths, int step)
    {
        Clear();
        _op = op; _batch = batch; _h = h; _lengths = lengths; _step = step;
    }

    private bool Padded(int row) => _lengths != null && !(_step < _lengths[row]);

    private void Rows(int first, int count)
    {
        int h = _h;
        for (int b = first; b < first + count; b++)
        {
            bool padded = Padded(b);
            nint s = (nint)b * h; // start of the row in a (batch, H) buffer
            switch (_op)
            {
                case RecurrentCellOp.LstmForward:
                    LstmForwardRow(_gates + 4 * s, _cellPrevious + s, _hiddenPrevious + s, _cell + s, _hidden + s, h, padded);
                    break;
                case RecurrentCellOp.LstmBackward:
                    LstmBackwardRow(_gates + 4 * s, _cellPrevious + s, _cell + s, _dOutput == null ? null : _dOutput + s, _dHidden + s, _dCell + s,
                        _dGates + 4 * s, h, padded);
                    break;
                case RecurrentCellOp.GruForward:
                    GruForwardRow(_gates + 3 * s, _hiddenGates + 3 * s, _hiddenBias, _hiddenPrevious + s, _hidden + s, h, padded);
                    break;
                case RecurrentCellOp.GruBackward:
                    GruBackwardRow(_gates + 3 * s, _hiddenGates + 3 * s, _hiddenPrevious + s, _dOutput == null ? null : _dOutput + s, _dHidden + s,
                        _dGates + 3 * s, _dHiddenGates + 3 * s, h, padded);
                    break;
                case RecurrentCellOp.RnnForward:
                    RnnForwardRow(_gates + s, _hiddenPrevious + s, _hidden + s, _tanh, h, padded);
                    break;
                case RecurrentCellOp.RnnBackward:
                    RnnBackwardRow(_hidden + s, _dOutput == null ? null : _dOutput + s, _dHidden + s, _dGates + s, _tanh, h, padded);
                    break;
            }
        }
    }

    private static Span<float> S(float* p, int length) => new(p, length);

    // The gate functions: RecurrentMath's float-only vector code where AVX-512 runs it, TensorPrimitives elsewhere.
    private static void Sigmoid(float* x, float* y, int length)
    {
        if (RecurrentMath.IsAccelerated) RecurrentMath.Sigmoid(x, y, length);
        else TensorPrimitives.Sigmoid(S(x, length), S(y, length));
    }

    private static void Tanh(float* x, float* y, int length)
    {
        if (RecurrentMath.IsAccelerated) RecurrentMath.Tanh(x, y, length);
        else TensorPrimitives.Tanh(S(x, length), S(y, length));
    }

    private static readonly int V = Vector512.IsHardwareAccelerated ? Vector512<float>.Count : int.MaxValue;

    // ---- LSTM: gates [i | f | g | o]

    private static void LstmForwardRow(float* g, float* cp, float* hp, float* c, float* y, int h, bool padded)
    {
        if (!RecurrentMath.IsAccelerated)
        {
            LstmForwardRowPortable(g, cp, hp, c, y, h, padded);
            return;
        }
        // One pass: the four gates of 16 units, the cell and the output, all in registers.
        float* gi = g, gf = g + h, gg = g + 2 * h, go = g + 3 * h;
        int j = 0;
        for (; j + 16 <= h; j += 16)
        {
            Vector512<float> i = RecurrentMath.Sigmoid(Vector512.Load(gi + j)), f = RecurrentMath.Sigmoid(Vector512.Load(gf + j));
            Vector512<float> gv = RecurrentMath.Tanh(Vector512.Load(gg + j)), o = RecurrentMath.Sigmoid(Vector512.Load(go + j));
            i.Store(gi + j);
            f.Store(gf + j);
            gv.Store(gg + j);
            o.Store(go + j);
            if (padded) continue;
            Vector512<float> cv = f * Vector512.Load(cp + j) + i * gv;
            cv.Store(c + j);
            (o * RecurrentMath.Tanh(cv)).Store(y + j);
        }
        // The last units one lane at a time through the same vector functions (the same result as in a full vector).
        for (; j < h; j++)
        {
            float i = LaneSigmoid(gi[j]), f = LaneSigmoid(gf[j]), gv = LaneTanh(gg[j]);
            float o = LaneSigmoid(go[j]);
            gi[j] = i;
            gf[j] = f;
            gg[j] = gv;
            go[j] = o;
            if (padded) continue;
            float cv = f * cp[j] + i * gv;
            c[j] = cv;
            y[j] = o * LaneTanh(cv);
        }
        if (padded)
        {
            S(cp, h).CopyTo(S(c, h));
            S(hp, h).CopyTo(S(y, h));
        }
    }

    private static float LaneSigmoid(float x) => RecurrentMath.Sigmoid(Vector512.Create(x)).ToScalar();

    private static float LaneTanh(float x) => RecurrentMath.Tanh(Vector512.Create(x)).ToScalar();

    // Without AVX-512: TensorPrimitives over the gate blocks, then the cell.
    private static void LstmForwardRowPortable(float* g, float* cp, float* hp, float* c, float* y, int h, bool padded)
    {
        Sigmoid(g, g, 2 * h); // i, f
        Tanh(g + 2 * h, g + 2 * h, h);
        Sigmoid(g + 3 * h, g + 3 * h, h);
        if (padded)
        {
            S(cp, h).CopyTo(S(c, h));
            S(hp, h).CopyTo(S(y, h));
            return;
        }
        for (int j = 0; j < h; j++) c[j] = g[h + j] * cp[j] + g[j] * g[2 * h + j];
        Tanh(c, y, h);
        TensorPrimitives.Multiply(S(g + 3 * h, h), S(y, h), S(y, h));
    }

    private static void LstmBackwardRow(float* g, float* cp, float* c, float* dy, float* dh, float* dc, float* dg, int h, bool padded)
    {
        if (padded)
        {
            // The whole h_t gradient passes to h_{t-1}; dc passes through unchanged; no gate gradient.
            if (dy != null) TensorPrimitives.Add(S(dh, h), S(dy, h), S(dh, h));
            S(dg, 4 * h).Clear();
            return;
        }
        float* gi = g, gf = g + h, gg = g + 2 * h, go = g + 3 * h;
        float* di = dg, df = dg + h, dgg = dg + 2 * h, dgo = dg + 3 * h;
        Tanh(c, dgo, h); // tanh(c_t), parked in the o block until it is overwritten below
        int j = 0;
        for (; j + V <= h; j += V)
        {
            Vector512<float> one = Vector512<float>.One;
            Vector512<float> total = dy == null ? Vector512.Load(dh + j) : Vector512.Load(dh + j) + Vector512.Load(dy + j);
            Vector512<float> i = Vector512.Load(gi + j), f = Vector512.Load(gf + j), gv = Vector512.Load(gg + j), o = Vector512.Load(go + j);
            Vector512<float> tc = Vector512.Load(dgo + j);
            Vector512<float> dcTotal = Vector512.Load(dc + j) + total * o * (one - tc * tc);
            (dcTotal * gv * i * (one - i)).Store(di + j);
            (dcTotal * Vector512.Load(cp + j) * f * (one - f)).Store(df + j);
            (dcTotal * i * (one - gv * gv)).Store(dgg + j);
            (total * tc * o * (one - o)).Store(dgo + j);
            (dcTotal * f).Store(dc + j);
            Vector512<float>.Zero.Store(dh + j);
        }
        for (; j < h; j++)
        {
            float total = dy == null ? dh[j] : dh[j] + dy[j];
            float i = gi[j], f = gf[j], gv = gg[j], o = go[j], tc = dgo[j];
            float dcTotal = dc[j] + total * o * (1f - tc * tc);
            di[j] = dcTotal * gv * i * (1f - i);
            df[j] = dcTotal * cp[j] * f * (1f - f);
            dgg[j] = dcTotal * i * (1f - gv * gv);
            dgo[j] = total * tc * o * (1f - o);
            dc[j] = dcTotal * f;
            dh[j] = 0f;
        }
    }

    // ---- GRU: gates [r | z | n], reset after the recurrent product

    private static void GruForwardRow(float* xg, float* hg, float* bh, float* hp, float* y, int h, bool padded)
    {
        if (!RecurrentMath.IsAccelerated)
        {
            GruForwardRowPortable(xg, hg, bh, hp, y, h, padded);
            return;
        }
        // One pass: bias, the three gates and the output of 16 units in registers.
        int j = 0;
        for (; j + 16 <= h; j += 16)
        {
            Vector512<float> hr = Vector512.Load(hg + j) + Vector512.Load(bh + j);
            Vector512<float> hz = Vector512.Load(hg + h + j) + Vector512.Load(bh + h + j);
            Vector512<float> hn = Vector512.Load(hg + 2 * h + j) + Vector512.Load(bh + 2 * h + j);
            hr.Store(hg + j);
            hz.Store(hg + h + j);
            hn.Store(hg + 2 * h + j);
            Vector512<float> r = RecurrentMath.Sigmoid(Vector512.Load(xg + j) + hr);
            Vector512<float> z = RecurrentMath.Sigmoid(Vector512.Load(xg + h + j) + hz);
            Vector512<float> n = RecurrentMath.Tanh(Vector512.Load(xg + 2 * h + j) + r * hn);
            r.Store(xg + j);
            z.Store(xg + h + j);
            n.Store(xg + 2 * h + j);
            (padded ? Vector512.Load(hp + j) : (Vector512<float>.One - z) * n + z * Vector512.Load(hp + j)).Store(y + j);
        }
        for (; j < h; j++)
        {
            float hr = hg[j] + bh[j], hz = hg[h + j] + bh[h + j], hn = hg[2 * h + j] + bh[2 * h + j];
            hg[j] = hr;
            hg[h + j] = hz;
            hg[2 * h + j] = hn;
            float r = LaneSigmoid(xg[j] + hr), z = LaneSigmoid(xg[h + j] + hz), n = LaneTanh(xg[2 * h + j] + r * hn);
            xg[j] = r;
            xg[h + j] = z;
            xg[2 * h + j] = n;
            y[j] = padded ? hp[j] : (1f - z) * n + z * hp[j];
        }
    }

    // Without AVX-512: TensorPrimitives over the gate blocks.
    private static void GruForwardRowPortable(float* xg, float* hg, float* bh, float* hp, float* y, int h, bool padded)
    {
        TensorPrimitives.Add(S(hg, 3 * h), S(bh, 3 * h), S(hg, 3 * h));
        TensorPrimitives.Add(S(xg, 2 * h), S(hg, 2 * h), S(xg, 2 * h));
        Sigmoid(xg, xg, 2 * h); // r, z
        float* r = xg, z = xg + h, n = xg + 2 * h, hn = hg + 2 * h;
        int j = 0;
        for (; j + V <= h; j += V) (Vector512.Load(n + j) + Vector512.Load(r + j) * Vector512.Load(hn + j)).Store(n + j);
        for (; j < h; j++) n[j] = n[j] + r[j] * hn[j];
        Tanh(n, n, h);
        if (padded)
        {
            S(hp, h).CopyTo(S(y, h));
            return;
        }
        j = 0;
        for (; j + V <= h; j += V)
        {
            Vector512<float> zv = Vector512.Load(z + j);
            ((Vector512<float>.One - zv) * Vector512.Load(n + j) + zv * Vector512.Load(hp + j)).Store(y + j);
        }
        for (; j < h; j++) y[j] = (1f - z[j]) * n[j] + z[j] * hp[j];
    }

    private static void GruBackwardRow(float* xg, float* hg, float* hp, float* dy, float* dh, float* dxg, float* dhg, int h, bool padded)
    {
        if (padded)
        {
            if (dy != null) TensorPrimitives.Add(S(dh, h), S(dy, h), S(dh, h));
            S(dxg, 3 * h).Clear();
            S(dhg, 3 * h).Clear();
            return;
        }
        float* r = xg, z = xg + h, n = xg + 2 * h, hn = hg + 2 * h;
        int j = 0;
        for (; j + V <= h; j += V)
        {
            Vector512<float> one = Vector512<float>.One;
            Vector512<float> total = dy == null ? Vector512.Load(dh + j) : Vector512.Load(dh + j) + Vector512.Load(dy + j);
            Vector512<float> rv = Vector512.Load(r + j), zv = Vector512.Load(z + j), nv = Vector512.Load(n + j);
            Vector512<float> dn = total * (one - zv) * (one - nv * nv);
            Vector512<float> dz = total * (Vector512.Load(hp + j) - nv) * zv * (one - zv);
            Vector512<float> dr = dn * Vector512.Load(hn + j) * rv * (one - rv);
            dr.Store(dxg + j);
            dz.Store(dxg + h + j);
            dn.Store(dxg + 2 * h + j);
            dr.Store(dhg + j);
            dz.Store(dhg + h + j);
            (dn * rv).Store(dhg + 2 * h + j);
            (total * zv).Store(dh + j);
        }
        for (; j < h; j++)
        {
            float total = dy == null ? dh[j] : dh[j] + dy[j];
            float rv = r[j], zv = z[j], nv = n[j];
            float dn = total * (1f - zv) * (1f - nv * nv);
            float dz = total * (hp[j] - nv) * zv * (1f - zv);
            float dr = dn * hn[j] * rv * (1f - rv);
            dxg[j] = dr;
            dxg[h + j] = dz;
            dxg[2 * h + j] = dn;
            dhg[j] = dr;
            dhg[h + j] = dz;
            dhg[2 * h + j] = dn * rv;
            dh[j] = total * zv;
        }
    }

    // ---- simple RNN: hidden = tanh(z) or max(0, z)

    private static void RnnForwardRow(float* z, float* hp, float* y, bool tanh, int h, bool padded)
    {
        if (padded) S(hp, h).CopyTo(S(y, h));
        else if (tanh) Tanh(z, y, h);
        else TensorPrimitives.Max(S(z, h), 0f, S(y, h));
    }

    private static void RnnBackwardRow(float* y, float* dy, float* dh, float* dz, bool tanh, int h, bool padded)
    {
        if (padded)
        {
            if (dy != null) TensorPrimitives.Add(S(dh, h), S(dy, h), S(dh, h));
            S(dz, h).Clear();
            return;
        }
        int j = 0;
        for (; j + V <= h; j += V)
        {
            Vector512<float> total = dy == null ? Vector512.Load(dh + j) : Vector512.Load(dh + j) + Vector512.Load(dy + j);
            Vector512<float> yv = Vector512.Load(y + j);
            Vector512<float> d = tanh
                ? total * (Vector512<float>.One - yv * yv)
                : Vector512.ConditionalSelect(Vector512.GreaterThan(yv, Vector512<float>.Zero), total, Vector512<float>.Zero);
            d.Store(dz + j);
            Vector512<float>.Zero.Store(dh + j);
        }
        for (; j < h; j++)
        {
            float total = dy == null ? dh[j] : dh[j] + dy[j];
            dz[j] = tanh ? total * (1f - y[j] * y[j]) : y[j] > 0f ? total : 0f;
            dh[j] = 0f;
        }
    }
}
