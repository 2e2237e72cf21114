using ILGPU;
using ILGPU.Runtime;

namespace MLNet.DeepExtensions.Kernels.Pooling;

/// <summary>
/// ILGPU pooling kernels, forward and backward side by side. Forward: one thread per output element, scanning its
/// window. Backward: one thread per INPUT element, gathering from the output windows that cover it in a fixed (oh, ow)
/// order — no scatter, no atomics, so overlapping windows add up deterministically (and in the same order as the
/// managed scatter, which makes the two backends agree bit for bit). The launchers are loaded once per accelerator.
/// </summary>
internal sealed class IlgpuPoolingKernels
{
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, Pool2DShape> _maxForward;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, Pool2DShape> _maxBackward;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, Pool2DShape> _avgForward;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, Pool2DShape> _avgBackward;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, int> _globalAvgForward;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, int> _globalAvgBackward;

    /// <summary>Compiles and loads every pooling kernel for <paramref name="accelerator"/>.</summary>
    public IlgpuPoolingKernels(Accelerator accelerator)
    {
        _maxForward = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, Pool2DShape>(MaxPool2DForward);
        _maxBackward = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, Pool2DShape>(MaxPool2DBackward);
        _avgForward = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, Pool2DShape>(AvgPool2DForward);
        _avgBackward = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, Pool2DShape>(AvgPool2DBackward);
        _globalAvgForward = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int>(GlobalAvgPoolForward);
        _globalAvgBackward = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int>(GlobalAvgPoolBackward);
    }

    // ------------------------------------------------------------------ launchers (arguments already validated)

    public void LaunchMaxPool2DForward(ArrayView<float> input, ArrayView<float> output, ArrayView<float> argMax, Pool2DShape shape)
    {
        if (shape.OutputLength > 0) _maxForward(shape.OutputLength, input, output, argMax, shape);
    }

    public void LaunchMaxPool2DBackward(ArrayView<float> dOutput, ArrayView<float> argMax, ArrayView<float> dInput, Pool2DShape shape)
    {
        if (shape.InputLength > 0) _maxBackward(shape.InputLength, dOutput, argMax, dInput, shape);
    }

    public void LaunchAvgPool2DForward(ArrayView<float> input, ArrayView<float> output, Pool2DShape shape)
    {
        if (shape.OutputLength > 0) _avgForward(shape.OutputLength, input, output, shape);
    }

    public void LaunchAvgPool2DBackward(ArrayView<float> dOutput, ArrayView<float> dInput, Pool2DShape shape)
    {
        if (shape.InputLength > 0) _avgBackward(shape.InputLength, dOutput, dInput, shape);
    }

    public void LaunchGlobalAvgPoolForward(ArrayView<float> input, ArrayView<float> output, int planes, int area)
    {
        if (planes > 0) _globalAvgForward(planes, input, output, area);
    }

    public void LaunchGlobalAvgPoolBackward(ArrayView<float> dOutput, ArrayView<float> dInput, int planes, int area)
    {
        if (planes > 0) _globalAvgBackward(planes * area, dOutput, dInput, area);
    }

    // ------------------------------------------------------------------ kernels

    /// <summary>Max over one window; padding never wins; the first maximum wins ties; a NaN wins and stays.</summary>
    /// <param name="i">Flat output index in [0, N·C·Hout·Wout).</param>
    /// <param name="input">Tensor (N, C, H, W).</param>
    /// <param name="output">Tensor (N, C, Hout, Wout).</param>
    /// <param name="argMax">Tensor (N, C, Hout, Wout): the winner's h·W + w within its plane, as a float.</param>
    /// <param name="s">The validated pooling shape.</param>
    internal static void MaxPool2DForward(Index1D i, ArrayView<float> input, ArrayView<float> output, ArrayView<float> argMax, Pool2DShape s)
    {
        int outPlane = s.OutputHeight * s.OutputWidth;
        int p = i / outPlane, o = i % outPlane;
        int h0 = o / s.OutputWidth * s.StrideHeight - s.PadHeight, w0 = o % s.OutputWidth * s.StrideWidth - s.PadWidth;
        int hStart = Math.Max(h0, 0), hEnd = Math.Min(h0 + s.PoolHeight, s.Height);
        int wStart = Math.Max(w0, 0), wEnd = Math.Min(w0 + s.PoolWidth, s.Width);
        long plane = (long)p * s.Height * s.Width;
        int best = hStart * s.Width + wStart;
        float bestValue = input[plane + best];
        for (int h = hStart; h < hEnd; h++)
        {
            for (int w = wStart; w < wEnd; w++)
            {
                float v = input[plane + h * s.Width + w];
                // float.IsNaN maps to ILGPU's IsNaN arithmetic on every accelerator.
                if (v > bestValue || (float.IsNaN(v) && !float.IsNaN(bestValue)))
                {
                    best = h * s.Width + w;
                    bestValue = v;
                }
            }
        }
        output[i] = bestValue;
        argMax[i] = best;
    }

    /// <summary>dInput[n, c, h, w] = Σ dOutput over the covering windows whose argMax is (h, w), in (oh, ow) order (overwrite).</summary>
    /// <param name="i">Flat input index in [0, N·C·H·W).</param>
    /// <param name="dOutput">Tensor (N, C, Hout, Wout).</param>
    /// <param name="argMax">Tensor (N, C, Hout, Wout) from the forward pass.</param>
    /// <param name="dInput">Tensor (N, C, H, W).</param>
    /// <param name="s">The validated pooling shape.</param>
    internal static void MaxPool2DBackward(Index1D i, ArrayView<float> dOutput, ArrayView<float> argMax, ArrayView<float> dInput, Pool2DShape s)
    {
        int inPlane = s.Height * s.Width, outPlane = s.OutputHeight * s.OutputWidth;
        int p = i / inPlane, r = i % inPlane;
        int h = r / s.Width, w = r % s.Width;
        long plane = (long)p * outPlane;
        float sum = 0f;
        for (int oh = FirstWindow(h, s.PadHeight, s.PoolHeight, s.StrideHeight); oh <= LastWindow(h, s.PadHeight, s.StrideHeight, s.OutputHeight); oh++)
        {
            for (int ow = FirstWindow(w, s.PadWidth, s.PoolWidth, s.StrideWidth); ow <= LastWindow(w, s.PadWidth, s.StrideWidth, s.OutputWidth); ow++)
            {
                long o = plane + oh * s.OutputWidth + ow;
                if ((int)argMax[o] == r) sum += dOutput[o];
            }
        }
        dInput[i] = sum;
    }

    /// <summary>Window sum over real elements / (PoolHeight·PoolWidth): count_include_pad = True.</summary>
    /// <param name="i">Flat output index in [0, N·C·Hout·Wout).</param>
    /// <param name="input">Tensor (N, C, H, W).</param>
    /// <param name="output">Tensor (N, C, Hout, Wout).</param>
    /// <param name="s">The validated pooling shape.</param>
    internal static void AvgPool2DForward(Index1D i, ArrayView<float> input, ArrayView<float> output, Pool2DShape s)
    {
        int outPlane = s.OutputHeight * s.OutputWidth;
        int p = i / outPlane, o = i % outPlane;
        int h0 = o / s.OutputWidth * s.StrideHeight - s.PadHeight, w0 = o % s.OutputWidth * s.StrideWidth - s.PadWidth;
        int hStart = Math.Max(h0, 0), hEnd = Math.Min(h0 + s.PoolHeight, s.Height);
        int wStart = Math.Max(w0, 0), wEnd = Math.Min(w0 + s.PoolWidth, s.Width);
        long plane = (long)p * s.Height * s.Width;
        float sum = 0f;
        for (int h = hStart; h < hEnd; h++)
        {
            for (int w = wStart; w < wEnd; w++) sum += input[plane + h * s.Width + w];
        }
        output[i] = sum / (float)(s.PoolHeight * s.PoolWidth);
    }

    /// <summary>dInput[n, c, h, w] = Σ over covering windows of dOutput / (PoolHeight·PoolWidth), in (oh, ow) order (overwrite).</summary>
    /// <param name="i">Flat input index in [0, N·C·H·W).</param>
    /// <param name="dOutput">Tensor (N, C, Hout, Wout).</param>
    /// <param name="dInput">Tensor (N, C, H, W).</param>
    /// <param name="s">The validated pooling shape.</param>
    internal static void AvgPool2DBackward(Index1D i, ArrayView<float> dOutput, ArrayView<float> dInput, Pool2DShape s)
    {
        int inPlane = s.Height * s.Width, outPlane = s.OutputHeight * s.OutputWidth;
        int p = i / inPlane, r = i % inPlane;
        int h = r / s.Width, w = r % s.Width;
        long plane = (long)p * outPlane;
        float divisor = s.PoolHeight * s.PoolWidth;
        float sum = 0f;
        for (int oh = FirstWindow(h, s.PadHeight, s.PoolHeight, s.StrideHeight); oh <= LastWindow(h, s.PadHeight, s.StrideHeight, s.OutputHeight); oh++)
        {
            for (int ow = FirstWindow(w, s.PadWidth, s.PoolWidth, s.StrideWidth); ow <= LastWindow(w, s.PadWidth, s.StrideWidth, s.OutputWidth); ow++)
            {
                sum += dOutput[plane + oh * s.OutputWidth + ow] / divisor;
            }
        }
        dInput[i] = sum;
    }

    /// <summary>output[plane] = Σ input[plane, :] / area, summed in order.</summary>
    /// <param name="p">Plane index n·C + c in [0, N·C).</param>
    /// <param name="input">Tensor (N·C, area).</param>
    /// <param name="output">Matrix (N, C).</param>
    /// <param name="area">H·W.</param>
    internal static void GlobalAvgPoolForward(Index1D p, ArrayView<float> input, ArrayView<float> output, int area)
    {
        long start = (long)p.X * area;
        float sum = 0f;
        for (int j = 0; j < area; j++) sum += input[start + j];
        output[p] = sum / area;
    }

    /// <summary>dInput[plane, j] = dOutput[plane] / area (overwrite).</summary>
    /// <param name="i">Flat input index in [0, N·C·area).</param>
    /// <param name="dOutput">Matrix (N, C).</param>
    /// <param name="dInput">Tensor (N·C, area).</param>
    /// <param name="area">H·W.</param>
    internal static void GlobalAvgPoolBackward(Index1D i, ArrayView<float> dOutput, ArrayView<float> dInput, int area) =>
        dInput[i] = dOutput[i / area] / area;

    // First output index whose window (starting at oh·stride − pad, pool long) reaches x: oh·stride ≥ x + pad − pool + 1.
    private static int FirstWindow(int x, int pad, int pool, int stride)
    {
        int t = x + pad - pool + 1;
        return t <= 0 ? 0 : (t + stride - 1) / stride;
    }

    // Last output index whose window starts at or before x: oh·stride − pad ≤ x, clipped to the output.
    private static int LastWindow(int x, int pad, int stride, int outputSize) => Math.Min((x + pad) / stride, outputSize - 1);
}
