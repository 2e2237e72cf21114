namespace MLNet.DeepExtensions.Kernels.Backends;

// ---- recurrent cells: the equations of ComputeBackend.Recurrent.cs written out in double, one row and unit at a time (the oracle)
public sealed partial class ReferenceBackend
{
    private static double Sigmoid(double x) => 1.0 / (1.0 + Math.Exp(-x));

    private static bool Padded(ReadOnlySpan<double> lengths, int row, int step) => !lengths.IsEmpty && !(step < lengths[row]);

    /// <inheritdoc />
    protected override void LstmCellForwardCore(DeviceBuffer gates, DeviceBuffer cellPrevious, DeviceBuffer hiddenPrevious, DeviceBuffer cell, DeviceBuffer hidden,
        int batch, int hiddenSize, DeviceBuffer? lengths, int step)
    {
        int h = hiddenSize;
        Span<double> g = D(gates, batch * 4 * h), cp = D(cellPrevious, batch * h), hp = D(hiddenPrevious, batch * h);
        Span<double> c = D(cell, batch * h), y = D(hidden, batch * h), l = Optional(lengths, batch);
        for (int b = 0; b < batch; b++)
        {
            bool padded = Padded(l, b, step);
            for (int j = 0; j < h; j++)
            {
                int row = b * 4 * h, at = b * h + j;
                double i = Sigmoid(g[row + j]), f = Sigmoid(g[row + h + j]), gg = Math.Tanh(g[row + 2 * h + j]), o = Sigmoid(g[row + 3 * h + j]);
                g[row + j] = i;
                g[row + h + j] = f;
                g[row + 2 * h + j] = gg;
                g[row + 3 * h + j] = o;
                if (padded)
                {
                    c[at] = cp[at];
                    y[at] = hp[at];
                }
                else
                {
                    c[at] = f * cp[at] + i * gg;
                    y[at] = o * Math.Tanh(c[at]);
                }
            }
        }
    }

    /// <inheritdoc />
    protected override void LstmCellBackwardCore(DeviceBuffer gates, DeviceBuffer cellPrevious, DeviceBuffer cell, DeviceBuffer? dOutput,
        DeviceBuffer dHidden, DeviceBuffer dCell, DeviceBuffer dGates, int batch, int hiddenSize, DeviceBuffer? lengths, int step)
    {
        int h = hiddenSize;
        Span<double> g = D(gates, batch * 4 * h), cp = D(cellPrevious, batch * h), c = D(cell, batch * h), dy = Optional(dOutput, batch * h);
        Span<double> dh = D(dHidden, batch * h), dc = D(dCell, batch * h), dg = D(dGates, batch * 4 * h), l = Optional(lengths, batch);
        for (int b = 0; b < batch; b++)
        {
            bool padded = Padded(l, b, step);
            for (int j = 0; j < h; j++)
            {
                int row = b * 4 * h, at = b * h + j;
                double total = dh[at] + (dy.IsEmpty ? 0 : dy[at]);
                if (padded)
                {
                    dg[row + j] = dg[row + h + j] = dg[row + 2 * h + j] = dg[row + 3 * h + j] = 0;
                    dh[at] = total; // dc passes through unchanged
                    continue;
                }
                double i = g[row + j], f = g[row + h + j], gg = g[row + 2 * h + j], o = g[row + 3 * h + j];
                double tc = Math.Tanh(c[at]);
                double dcTotal = dc[at] + total * o * (1 - tc * tc);
                dg[row + j] = dcTotal * gg * i * (1 - i);
                dg[row + h + j] = dcTotal * cp[at] * f * (1 - f);
                dg[row + 2 * h + j] = dcTotal * i * (1 - gg * gg);
                dg[row + 3 * h + j] = total * tc * o * (1 - o);
                dc[at] = dcTotal * f;
                dh[at] = 0;
            }
        }
    }

    /// <inheritdoc />
    protected override void GruCellForwardCore(DeviceBuffer inputGates, DeviceBuffer hiddenGates, DeviceBuffer hiddenBias, DeviceBuffer hiddenPrevious, DeviceBuffer hidden,
        int batch, int hiddenSize, DeviceBuffer? lengths, int step)
    {
        int h = hiddenSize;
        Span<double> xg = D(inputGates, batch * 3 * h), hg = D(hiddenGates, batch * 3 * h), bh = D(hiddenBias, 3 * h);
        Span<double> hp = D(hiddenPrevious, batch * h), y = D(hidden, batch * h), l = Optional(lengths, batch);
        for (int b = 0; b < batch; b++)
        {
            bool padded = Padded(l, b, step);
            for (int j = 0; j < h; j++)
            {
                int row = b * 3 * h, at = b * h + j;
                hg[row + j] += bh[j];
                hg[row + h + j] += bh[h + j];
                hg[row + 2 * h + j] += bh[2 * h + j];
                double r = Sigmoid(xg[row + j] + hg[row + j]);
                double z = Sigmoid(xg[row + h + j] + hg[row + h + j]);
                double n = Math.Tanh(xg[row + 2 * h + j] + r * hg[row + 2 * h + j]);
                xg[row + j] = r;
                xg[row + h + j] = z;
                xg[row + 2 * h + j] = n;
                y[at] = padded ? hp[at] : (1 - z) * n + z * hp[at];
            }
        }
    }

    /// <inheritdoc />
    protected override void GruCellBackwardCore(DeviceBuffer inputGates, DeviceBuffer hiddenGates, DeviceBuffer hiddenPrevious, DeviceBuffer? dOutput,
        DeviceBuffer dHidden, DeviceBuffer dInputGates, DeviceBuffer dHiddenGates, int batch, int hiddenSize, DeviceBuffer? lengths, int step)
    {
        int h = hiddenSize;
        Span<double> xg = D(inputGates, batch * 3 * h), hg = D(hiddenGates, batch * 3 * h), hp = D(hiddenPrevious, batch * h);
        Span<double> dy = Optional(dOutput, batch * h), dh = D(dHidden, batch * h);
        Span<double> dxg = D(dInputGates, batch * 3 * h), dhg = D(dHiddenGates, batch * 3 * h), l = Optional(lengths, batch);
        for (int b = 0; b < batch; b++)
        {
            bool padded = Padded(l, b, step);
            for (int j = 0; j < h; j++)
            {
                int row = b * 3 * h, at = b * h + j;
                double total = dh[at] + (dy.IsEmpty ? 0 : dy[at]);
                if (padded)
                {
                    dxg[row + j] = dxg[row + h + j] = dxg[row + 2 * h + j] = 0;
                    dhg[row + j] = dhg[row + h + j] = dhg[row + 2 * h + j] = 0;
                    dh[at] = total;
                    continue;
                }
                double r = xg[row + j], z = xg[row + h + j], n = xg[row + 2 * h + j], hn = hg[row + 2 * h + j];
                double dn = total * (1 - z) * (1 - n * n);
                double dz = total * (hp[at] - n) * z * (1 - z);
                double dr = dn * hn * r * (1 - r);
                dxg[row + j] = dr;
                dxg[row + h + j] = dz;
                dxg[row + 2 * h + j] = dn;
                dhg[row + j] = dr;
                dhg[row + h + j] = dz;
                dhg[row + 2 * h + j] = dn * r;
                dh[at] = total * z;
            }
        }
    }

    /// <inheritdoc />
    protected override void RnnCellForwardCore(DeviceBuffer preActivation, DeviceBuffer hiddenPrevious, DeviceBuffer hidden, ActivationKind activation,
        int batch, int hiddenSize, DeviceBuffer? lengths, int step)
    {
        int h = hiddenSize;
        Span<double> z = D(preActivation, batch * h), hp = D(hiddenPrevious, batch * h), y = D(hidden, batch * h), l = Optional(lengths, batch);
        for (int b = 0; b < batch; b++)
        {
            bool padded = Padded(l, b, step);
            for (int j = 0; j < h; j++)
            {
                int at = b * h + j;
                y[at] = padded ? hp[at] : activation == ActivationKind.Tanh ? Math.Tanh(z[at]) : Math.Max(0, z[at]);
            }
        }
    }

    /// <inheritdoc />
    protected override void RnnCellBackwardCore(DeviceBuffer hidden, DeviceBuffer? dOutput, DeviceBuffer dHidden, DeviceBuffer dPreActivation, ActivationKind activation,
        int batch, int hiddenSize, DeviceBuffer? lengths, int step)
    {
        int h = hiddenSize;
        Span<double> y = D(hidden, batch * h), dy = Optional(dOutput, batch * h), dh = D(dHidden, batch * h), dz = D(dPreActivation, batch * h);
        Span<double> l = Optional(lengths, batch);
        for (int b = 0; b < batch; b++)
        {
            bool padded = Padded(l, b, step);
            for (int j = 0; j < h; j++)
            {
                int at = b * h + j;
                double total = dh[at] + (dy.IsEmpty ? 0 : dy[at]);
                if (padded)
                {
                    dz[at] = 0;
                    dh[at] = total;
                    continue;
                }
                dz[at] = activation == ActivationKind.Tanh ? total * (1 - y[at] * y[at]) : y[at] > 0 ? total : 0;
                dh[at] = 0;
            }
        }
    }

    /// <inheritdoc />
    protected override void PaddedSequenceLengthsCore(DeviceBuffer ids, DeviceBuffer lengths, int batch, int steps)
    {
        Span<double> x = D(ids, batch * steps), l = D(lengths, batch);
        for (int b = 0; b < batch; b++)
        {
            int length = 0;
            for (int t = 0; t < steps; t++)
            {
                if (x[b * steps + t] != -1) length = t + 1;
            }
            l[b] = length;
        }
    }
}
