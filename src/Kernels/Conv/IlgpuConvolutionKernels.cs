using ILGPU;
using ILGPU.Runtime;

namespace MLNet.DeepExtensions.Kernels.Conv;

/// <summary>
/// ILGPU 2-D convolution, forward and backward side by side, as direct kernels: one thread per output element
/// (forward), per input element (backward input, gathering over the kernel windows that read it) and per weight
/// element (backward weight, looping over batch and output positions). Each thread sums in a fixed order and owns its
/// result, so no atomics and deterministic results. Layouts: input (N, Cin, H, W), weight (Cout, Cin, kH, kW),
/// output (N, Cout, Hout, Wout); the shape travels as one <see cref="Conv2DShape"/> kernel argument.
/// </summary>
internal sealed class IlgpuConvolutionKernels
{
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, ArrayView<float>, Conv2DShape> _forward;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, Conv2DShape> _backwardInput;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, Conv2DShape> _backwardWeight;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, Conv2DShape> _backwardBias;

    /// <summary>Compiles and loads every convolution kernel for <paramref name="accelerator"/>.</summary>
    public IlgpuConvolutionKernels(Accelerator accelerator)
    {
        _forward = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, ArrayView<float>, Conv2DShape>(Forward);
        _backwardInput = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, Conv2DShape>(BackwardInput);
        _backwardWeight = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, Conv2DShape>(BackwardWeight);
        _backwardBias = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, Conv2DShape>(BackwardBias);
    }

    public void LaunchForward(ArrayView<float> input, ArrayView<float> weight, ArrayView<float> bias, bool hasBias, ArrayView<float> output, in Conv2DShape shape)
    {
        if (shape.OutputSize > 0) _forward(shape.OutputSize, input, weight, bias, hasBias ? 1 : 0, output, shape);
    }

    public void LaunchBackwardInput(ArrayView<float> dOutput, ArrayView<float> weight, ArrayView<float> dInput, in Conv2DShape shape)
    {
        if (shape.InputSize > 0) _backwardInput(shape.InputSize, dOutput, weight, dInput, shape);
    }

    public void LaunchBackwardWeight(ArrayView<float> input, ArrayView<float> dOutput, ArrayView<float> dWeight, ArrayView<float> dBias, bool hasBias,
        in Conv2DShape shape)
    {
        if (shape.Batch == 0) return; // nothing to add
        _backwardWeight(shape.WeightSize, input, dOutput, dWeight, shape);
        if (hasBias) _backwardBias(shape.OutChannels, dOutput, dBias, shape);
    }

    /// <summary>output[n, co, oh, ow] = bias[co] + Σ weight·input over the window (overwrite); one thread per output element.</summary>
    private static void Forward(Index1D index, ArrayView<float> input, ArrayView<float> weight, ArrayView<float> bias, int hasBias,
        ArrayView<float> output, Conv2DShape s)
    {
        int ow = index % s.OutputWidth;
        int rest = index / s.OutputWidth;
        int oh = rest % s.OutputHeight;
        rest /= s.OutputHeight;
        int co = rest % s.OutChannels;
        int n = rest / s.OutChannels;
        float sum = hasBias != 0 ? bias[co] : 0f;
        for (int ci = 0; ci < s.InChannels; ci++)
        {
            for (int i = 0; i < s.KernelHeight; i++)
            {
                int h = oh * s.StrideHeight - s.PadHeight + i * s.DilationHeight;
                if ((uint)h >= (uint)s.Height) continue;
                for (int j = 0; j < s.KernelWidth; j++)
                {
                    int w = ow * s.StrideWidth - s.PadWidth + j * s.DilationWidth;
                    if ((uint)w >= (uint)s.Width) continue;
                    sum += weight[((co * s.InChannels + ci) * s.KernelHeight + i) * s.KernelWidth + j]
                        * input[((n * s.InChannels + ci) * s.Height + h) * s.Width + w];
                }
            }
        }
        output[index] = sum;
    }

    /// <summary>
    /// dInput[n, ci, h, w] = Σ dOutput[n, co, oh, ow]·weight[co, ci, i, j] over the taps with h = oh·sH − pH + i·dH (and
    /// likewise w) for a whole output position; one thread per input element, overwriting.
    /// </summary>
    private static void BackwardInput(Index1D index, ArrayView<float> dOutput, ArrayView<float> weight, ArrayView<float> dInput, Conv2DShape s)
    {
        int w = index % s.Width;
        int rest = index / s.Width;
        int h = rest % s.Height;
        rest /= s.Height;
        int ci = rest % s.InChannels;
        int n = rest / s.InChannels;
        float sum = 0f;
        for (int i = 0; i < s.KernelHeight; i++)
        {
            // oh·sH = h + pH − i·dH must be a non-negative multiple of the stride below Hout·sH.
            int th = h + s.PadHeight - i * s.DilationHeight;
            if (th < 0 || th % s.StrideHeight != 0) continue;
            int oh = th / s.StrideHeight;
            if (oh >= s.OutputHeight) continue;
            for (int j = 0; j < s.KernelWidth; j++)
            {
                int tw = w + s.PadWidth - j * s.DilationWidth;
                if (tw < 0 || tw % s.StrideWidth != 0) continue;
                int ow = tw / s.StrideWidth;
                if (ow >= s.OutputWidth) continue;
                for (int co = 0; co < s.OutChannels; co++)
                {
                    sum += dOutput[((n * s.OutChannels + co) * s.OutputHeight + oh) * s.OutputWidth + ow]
                        * weight[((co * s.InChannels + ci) * s.KernelHeight + i) * s.KernelWidth + j];
                }
            }
        }
        dInput[index] = sum;
    }

    /// <summary>dWeight[co, ci, i, j] += Σ_{n, oh, ow} dOutput·input at the tap; one thread per weight element.</summary>
    private static void BackwardWeight(Index1D index, ArrayView<float> input, ArrayView<float> dOutput, ArrayView<float> dWeight, Conv2DShape s)
    {
        int j = index % s.KernelWidth;
        int rest = index / s.KernelWidth;
        int i = rest % s.KernelHeight;
        rest /= s.KernelHeight;
        int ci = rest % s.InChannels;
        int co = rest / s.InChannels;
        float sum = 0f;
        for (int n = 0; n < s.Batch; n++)
        {
            for (int oh = 0; oh < s.OutputHeight; oh++)
            {
                int h = oh * s.StrideHeight - s.PadHeight + i * s.DilationHeight;
                if ((uint)h >= (uint)s.Height) continue;
                for (int ow = 0; ow < s.OutputWidth; ow++)
                {
                    int w = ow * s.StrideWidth - s.PadWidth + j * s.DilationWidth;
                    if ((uint)w >= (uint)s.Width) continue;
                    sum += dOutput[((n * s.OutChannels + co) * s.OutputHeight + oh) * s.OutputWidth + ow]
                        * input[((n * s.InChannels + ci) * s.Height + h) * s.Width + w];
                }
            }
        }
        dWeight[index] += sum;
    }

    /// <summary>dBias[co] += Σ_{n, oh, ow} dOutput[n, co, oh, ow]; one thread per output channel.</summary>
    private static void BackwardBias(Index1D co, ArrayView<float> dOutput, ArrayView<float> dBias, Conv2DShape s)
    {
        int plane = s.OutputHeight * s.OutputWidth;
        float sum = 0f;
        for (int n = 0; n < s.Batch; n++)
        {
            int start = (n * s.OutChannels + co) * plane;
            for (int p = 0; p < plane; p++) sum += dOutput[start + p];
        }
        dBias[co] += sum;
    }
}
