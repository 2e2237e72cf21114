using ILGPU;
using ILGPU.Runtime;
using MLNet.DeepExtensions.Kernels.Recurrent;

namespace MLNet.DeepExtensions.Kernels.Backends;

// ---- recurrent launchers (kernels in Recurrent/IlgpuRecurrentKernels), loaded once by the constructor
internal sealed partial class IlgpuKernelSet
{
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int> _lstmForward = null!;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, ArrayView<float>, ArrayView<float>, ArrayView<float>,
        ArrayView<float>, int, int, int> _lstmBackward = null!;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int> _gruForward = null!;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, ArrayView<float>, ArrayView<float>, ArrayView<float>,
        ArrayView<float>, int, int, int> _gruBackward = null!;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, ArrayView<float>, int, int, int> _rnnForward = null!;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, int, ArrayView<float>, ArrayView<float>, int, ArrayView<float>, int, int, int> _rnnBackward = null!;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, int> _paddedSequenceLengths = null!;

    /// <summary>Compiles and loads every recurrent kernel for <paramref name="accelerator"/>.</summary>
    private void LoadRecurrent(Accelerator accelerator)
    {
        _lstmForward = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, int, int, int>(IlgpuRecurrentKernels.LstmCellForward);
        _lstmBackward = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int,
            ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int>(IlgpuRecurrentKernels.LstmCellBackward);
        _gruForward = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>,
            ArrayView<float>, int, int, int>(IlgpuRecurrentKernels.GruCellForward);
        _gruBackward = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int,
            ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int>(IlgpuRecurrentKernels.GruCellBackward);
        _rnnForward = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, ArrayView<float>, int, int, int>(
            IlgpuRecurrentKernels.RnnCellForward);
        _rnnBackward = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int, ArrayView<float>, ArrayView<float>, int,
            ArrayView<float>, int, int, int>(IlgpuRecurrentKernels.RnnCellBackward);
        _paddedSequenceLengths = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int>(IlgpuRecurrentKernels.PaddedSequenceLengths);
    }

    // Launchers; arguments already validated. An optional buffer arrives as a dummy view with its flag false. An empty
    // batch launches nothing.

    public void LaunchLstmCellForward(ArrayView<float> gates, ArrayView<float> cellPrevious, ArrayView<float> hiddenPrevious, ArrayView<float> cell,
        ArrayView<float> hidden, int batch, int hiddenSize, ArrayView<float> lengths, bool hasLengths, int step)
    {
        if (batch > 0) _lstmForward(batch * hiddenSize, gates, cellPrevious, hiddenPrevious, cell, hidden, lengths, hasLengths ? 1 : 0, hiddenSize, step);
    }

    public void LaunchLstmCellBackward(ArrayView<float> gates, ArrayView<float> cellPrevious, ArrayView<float> cell, ArrayView<float> dOutput, bool hasDOutput,
        ArrayView<float> dHidden, ArrayView<float> dCell, ArrayView<float> dGates, int batch, int hiddenSize, ArrayView<float> lengths, bool hasLengths, int step)
    {
        if (batch > 0)
        {
            _lstmBackward(batch * hiddenSize, gates, cellPrevious, cell, dOutput, hasDOutput ? 1 : 0, dHidden, dCell, dGates, lengths, hasLengths ? 1 : 0,
                hiddenSize, step);
        }
    }

    public void LaunchGruCellForward(ArrayView<float> inputGates, ArrayView<float> hiddenGates, ArrayView<float> hiddenBias, ArrayView<float> hiddenPrevious,
        ArrayView<float> hidden, int batch, int hiddenSize, ArrayView<float> lengths, bool hasLengths, int step)
    {
        if (batch > 0) _gruForward(batch * hiddenSize, inputGates, hiddenGates, hiddenBias, hiddenPrevious, hidden, lengths, hasLengths ? 1 : 0, hiddenSize, step);
    }

    public void LaunchGruCellBackward(ArrayView<float> inputGates, ArrayView<float> hiddenGates, ArrayView<float> hiddenPrevious, ArrayView<float> dOutput,
        bool hasDOutput, ArrayView<float> dHidden, ArrayView<float> dInputGates, ArrayView<float> dHiddenGates, int batch, int hiddenSize,
        ArrayView<float> lengths, bool hasLengths, int step)
    {
        if (batch > 0)
        {
            _gruBackward(batch * hiddenSize, inputGates, hiddenGates, hiddenPrevious, dOutput, hasDOutput ? 1 : 0, dHidden, dInputGates, dHiddenGates,
                lengths, hasLengths ? 1 : 0, hiddenSize, step);
        }
    }

    public void LaunchRnnCellForward(ArrayView<float> preActivation, ArrayView<float> hiddenPrevious, ArrayView<float> hidden, bool tanh,
        int batch, int hiddenSize, ArrayView<float> lengths, bool hasLengths, int step)
    {
        if (batch > 0) _rnnForward(batch * hiddenSize, preActivation, hiddenPrevious, hidden, tanh ? 1 : 0, lengths, hasLengths ? 1 : 0, hiddenSize, step);
    }

    public void LaunchRnnCellBackward(ArrayView<float> hidden, ArrayView<float> dOutput, bool hasDOutput, ArrayView<float> dHidden, ArrayView<float> dPreActivation,
        bool tanh, int batch, int hiddenSize, ArrayView<float> lengths, bool hasLengths, int step)
    {
        if (batch > 0)
        {
            _rnnBackward(batch * hiddenSize, hidden, dOutput, hasDOutput ? 1 : 0, dHidden, dPreActivation, tanh ? 1 : 0, lengths, hasLengths ? 1 : 0,
                hiddenSize, step);
        }
    }

    public void LaunchPaddedSequenceLengths(ArrayView<float> ids, ArrayView<float> lengths, int batch, int steps)
    {
        if (batch > 0) _paddedSequenceLengths(batch, ids, lengths, steps);
    }
}
