using ILGPU;
using MLNet.DeepExtensions.Kernels.Elementwise;

namespace MLNet.DeepExtensions.Kernels.Recurrent;

/// <summary>
/// ILGPU recurrent cell kernels: one thread per (row, unit) of a step, i = row·H + unit, each reading its own gate
/// columns and the row's length on the device (no host round trip), writing only its own elements; the same float
/// equations as the managed backend (<see cref="ActivationMath.Sigmoid"/>, <see cref="MathF.Tanh"/>). A flag argument
/// is 1 when its optional buffer is given (a dummy view is passed otherwise). Loaded once per accelerator
/// (<c>IlgpuKernelSet.LoadRecurrent</c>).
/// </summary>
internal static class IlgpuRecurrentKernels
{
    /// <summary>Whether row b is padded at <paramref name="step"/>: !(step &lt; lengths[b]); a NaN length pads every step.</summary>
    private static bool Padded(ArrayView<float> lengths, int hasLengths, int b, int step) => hasLengths != 0 && !(step < lengths[b]);

    /// <summary>LSTM forward: activates the four gates of (b, j) in place, then cell and hidden (copies when padded).</summary>
    internal static void LstmCellForward(Index1D i, ArrayView<float> gates, ArrayView<float> cellPrevious, ArrayView<float> hiddenPrevious,
        ArrayView<float> cell, ArrayView<float> hidden, ArrayView<float> lengths, int hasLengths, int h, int step)
    {
        int b = i / h, j = i - b * h;
        long row = (long)b * 4 * h;
        float ig = ActivationMath.Sigmoid(gates[row + j]);
        float fg = ActivationMath.Sigmoid(gates[row + h + j]);
        float gg = MathF.Tanh(gates[row + 2 * h + j]);
        float og = ActivationMath.Sigmoid(gates[row + 3 * h + j]);
        gates[row + j] = ig;
        gates[row + h + j] = fg;
        gates[row + 2 * h + j] = gg;
        gates[row + 3 * h + j] = og;
        if (Padded(lengths, hasLengths, b, step))
        {
            cell[i] = cellPrevious[i];
            hidden[i] = hiddenPrevious[i];
        }
        else
        {
            float c = fg * cellPrevious[i] + ig * gg;
            cell[i] = c;
            hidden[i] = og * MathF.Tanh(c);
        }
    }

    /// <summary>LSTM backward of (b, j): gate gradients, dCell to the previous step, dHidden's pass-through part.</summary>
    internal static void LstmCellBackward(Index1D i, ArrayView<float> gates, ArrayView<float> cellPrevious, ArrayView<float> cell,
        ArrayView<float> dOutput, int hasDOutput, ArrayView<float> dHidden, ArrayView<float> dCell, ArrayView<float> dGates,
        ArrayView<float> lengths, int hasLengths, int h, int step)
    {
        int b = i / h, j = i - b * h;
        long row = (long)b * 4 * h;
        float total = hasDOutput != 0 ? dHidden[i] + dOutput[i] : dHidden[i];
        if (Padded(lengths, hasLengths, b, step))
        {
            dGates[row + j] = 0f;
            dGates[row + h + j] = 0f;
            dGates[row + 2 * h + j] = 0f;
            dGates[row + 3 * h + j] = 0f;
            dHidden[i] = total;
            return;
        }
        float ig = gates[row + j], fg = gates[row + h + j], gg = gates[row + 2 * h + j], og = gates[row + 3 * h + j];
        float tc = MathF.Tanh(cell[i]);
        float dcTotal = dCell[i] + total * og * (1f - tc * tc);
        dGates[row + j] = dcTotal * gg * ig * (1f - ig);
        dGates[row + h + j] = dcTotal * cellPrevious[i] * fg * (1f - fg);
        dGates[row + 2 * h + j] = dcTotal * ig * (1f - gg * gg);
        dGates[row + 3 * h + j] = total * tc * og * (1f - og);
        dCell[i] = dcTotal * fg;
        dHidden[i] = 0f;
    }

    /// <summary>GRU forward of (b, j): adds b_hh to the three hidden gates, activates [r | z | n] in place, then hidden.</summary>
    internal static void GruCellForward(Index1D i, ArrayView<float> inputGates, ArrayView<float> hiddenGates, ArrayView<float> hiddenBias,
        ArrayView<float> hiddenPrevious, ArrayView<float> hidden, ArrayView<float> lengths, int hasLengths, int h, int step)
    {
        int b = i / h, j = i - b * h;
        long row = (long)b * 3 * h;
        float hr = hiddenGates[row + j] + hiddenBias[j];
        float hz = hiddenGates[row + h + j] + hiddenBias[h + j];
        float hn = hiddenGates[row + 2 * h + j] + hiddenBias[2 * h + j];
        hiddenGates[row + j] = hr;
        hiddenGates[row + h + j] = hz;
        hiddenGates[row + 2 * h + j] = hn;
        float r = ActivationMath.Sigmoid(inputGates[row + j] + hr);
        float z = ActivationMath.Sigmoid(inputGates[row + h + j] + hz);
        float n = MathF.Tanh(inputGates[row + 2 * h + j] + r * hn);
        inputGates[row + j] = r;
        inputGates[row + h + j] = z;
        inputGates[row + 2 * h + j] = n;
        hidden[i] = Padded(lengths, hasLengths, b, step) ? hiddenPrevious[i] : (1f - z) * n + z * hiddenPrevious[i];
    }

    /// <summary>GRU backward of (b, j): [dr | dz | dn], [dr | dz | dn·r] and dHidden's pass-through part.</summary>
    internal static void GruCellBackward(Index1D i, ArrayView<float> inputGates, ArrayView<float> hiddenGates, ArrayView<float> hiddenPrevious,
        ArrayView<float> dOutput, int hasDOutput, ArrayView<float> dHidden, ArrayView<float> dInputGates, ArrayView<float> dHiddenGates,
        ArrayView<float> lengths, int hasLengths, int h, int step)
    {
        int b = i / h, j = i - b * h;
        long row = (long)b * 3 * h;
        float total = hasDOutput != 0 ? dHidden[i] + dOutput[i] : dHidden[i];
        if (Padded(lengths, hasLengths, b, step))
        {
            dInputGates[row + j] = 0f;
            dInputGates[row + h + j] = 0f;
            dInputGates[row + 2 * h + j] = 0f;
            dHiddenGates[row + j] = 0f;
            dHiddenGates[row + h + j] = 0f;
            dHiddenGates[row + 2 * h + j] = 0f;
            dHidden[i] = total;
            return;
        }
        float r = inputGates[row + j], z = inputGates[row + h + j], n = inputGates[row + 2 * h + j], hn = hiddenGates[row + 2 * h + j];
        float dn = total * (1f - z) * (1f - n * n);
        float dz = total * (hiddenPrevious[i] - n) * z * (1f - z);
        float dr = dn * hn * r * (1f - r);
        dInputGates[row + j] = dr;
        dInputGates[row + h + j] = dz;
        dInputGates[row + 2 * h + j] = dn;
        dHiddenGates[row + j] = dr;
        dHiddenGates[row + h + j] = dz;
        dHiddenGates[row + 2 * h + j] = dn * r;
        dHidden[i] = total * z;
    }

    /// <summary>Simple RNN forward of (b, j): tanh (isTanh 1) or ReLU of the pre-activation; copies when padded.</summary>
    internal static void RnnCellForward(Index1D i, ArrayView<float> preActivation, ArrayView<float> hiddenPrevious, ArrayView<float> hidden,
        int isTanh, ArrayView<float> lengths, int hasLengths, int h, int step)
    {
        int b = i / h;
        float z = preActivation[i];
        // ReLU as max(z, 0): NaN propagates and −0 becomes +0, as the managed backend's TensorPrimitives.Max.
        hidden[i] = Padded(lengths, hasLengths, b, step) ? hiddenPrevious[i] : isTanh != 0 ? MathF.Tanh(z) : !(z <= 0f) ? z : 0f;
    }

    /// <summary>Simple RNN backward of (b, j): dPreActivation = g·f′ from the output, dHidden's pass-through part.</summary>
    internal static void RnnCellBackward(Index1D i, ArrayView<float> hidden, ArrayView<float> dOutput, int hasDOutput, ArrayView<float> dHidden,
        ArrayView<float> dPreActivation, int isTanh, ArrayView<float> lengths, int hasLengths, int h, int step)
    {
        int b = i / h;
        float total = hasDOutput != 0 ? dHidden[i] + dOutput[i] : dHidden[i];
        if (Padded(lengths, hasLengths, b, step))
        {
            dPreActivation[i] = 0f;
            dHidden[i] = total;
            return;
        }
        float y = hidden[i];
        dPreActivation[i] = isTanh != 0 ? total * (1f - y * y) : y > 0f ? total : 0f;
        dHidden[i] = 0f;
    }

    /// <summary>One thread per row: lengths[b] = 1 + the last t with ids[b, t] ≠ −1 (0 for an all-padding row).</summary>
    internal static void PaddedSequenceLengths(Index1D b, ArrayView<float> ids, ArrayView<float> lengths, int steps)
    {
        int t = steps - 1;
        long start = (long)(int)b * steps;
        while (t >= 0 && ids[start + t] == -1f) t--;
        lengths[b] = t + 1;
    }
}
