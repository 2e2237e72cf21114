namespace MLNet.DeepExtensions.Kernels.Pooling;

/// <summary>
/// The oracle's pooling in double: plain loops over every output window, forward and backward side by side, from the
/// definitions of <see cref="ComputeBackend.MaxPool2DForward"/>, <see cref="ComputeBackend.AvgPool2DForward"/> and
/// <see cref="ComputeBackend.GlobalAvgPoolForward"/>. Tensors are NCHW, row-major.
/// </summary>
internal static class ReferencePooling
{
    /// <summary>Max pooling; input (N, C, H, W), output and argMax (N, C, Hout, Wout); argMax = h·W + w of the winner.</summary>
    public static void MaxPool2DForward(ReadOnlySpan<double> input, Span<double> output, Span<double> argMax, in Pool2DShape s)
    {
        int inPlane = s.Height * s.Width, outPlane = s.OutputHeight * s.OutputWidth;
        for (int p = 0; p < s.Planes; p++)
        {
            for (int oh = 0; oh < s.OutputHeight; oh++)
            {
                for (int ow = 0; ow < s.OutputWidth; ow++)
                {
                    int best = -1;
                    double bestValue = double.NegativeInfinity;
                    for (int kh = 0; kh < s.PoolHeight; kh++)
                    {
                        int h = oh * s.StrideHeight - s.PadHeight + kh;
                        if (h < 0 || h >= s.Height) continue; // padding never wins: it is −∞
                        for (int kw = 0; kw < s.PoolWidth; kw++)
                        {
                            int w = ow * s.StrideWidth - s.PadWidth + kw;
                            if (w < 0 || w >= s.Width) continue;
                            double v = input[p * inPlane + h * s.Width + w];
                            // Strictly greater: the first maximum wins ties. A NaN wins (and then stays), as in PyTorch.
                            if (best < 0 || v > bestValue || (double.IsNaN(v) && !double.IsNaN(bestValue)))
                            {
                                best = h * s.Width + w;
                                bestValue = v;
                            }
                        }
                    }
                    int o = p * outPlane + oh * s.OutputWidth + ow;
                    output[o] = bestValue;
                    argMax[o] = best;
                }
            }
        }
    }

    /// <summary>dInput (N, C, H, W) = 0, then dInput[argMax] += dOutput for every output, in output order.</summary>
    public static void MaxPool2DBackward(ReadOnlySpan<double> dOutput, ReadOnlySpan<double> argMax, Span<double> dInput, in Pool2DShape s)
    {
        int inPlane = s.Height * s.Width, outPlane = s.OutputHeight * s.OutputWidth;
        dInput[..s.InputLength].Clear();
        for (int p = 0; p < s.Planes; p++)
        {
            for (int o = 0; o < outPlane; o++)
            {
                dInput[p * inPlane + (int)argMax[p * outPlane + o]] += dOutput[p * outPlane + o];
            }
        }
    }

    /// <summary>Average pooling, count_include_pad = True: each output is the window's sum over real elements / (PoolHeight·PoolWidth).</summary>
    public static void AvgPool2DForward(ReadOnlySpan<double> input, Span<double> output, in Pool2DShape s)
    {
        int inPlane = s.Height * s.Width, outPlane = s.OutputHeight * s.OutputWidth;
        double divisor = s.PoolHeight * s.PoolWidth;
        for (int p = 0; p < s.Planes; p++)
        {
            for (int oh = 0; oh < s.OutputHeight; oh++)
            {
                for (int ow = 0; ow < s.OutputWidth; ow++)
                {
                    double sum = 0;
                    for (int kh = 0; kh < s.PoolHeight; kh++)
                    {
                        int h = oh * s.StrideHeight - s.PadHeight + kh;
                        if (h < 0 || h >= s.Height) continue; // padding counts in the divisor but adds 0
                        for (int kw = 0; kw < s.PoolWidth; kw++)
                        {
                            int w = ow * s.StrideWidth - s.PadWidth + kw;
                            if (w >= 0 && w < s.Width) sum += input[p * inPlane + h * s.Width + w];
                        }
                    }
                    output[p * outPlane + oh * s.OutputWidth + ow] = sum / divisor;
                }
            }
        }
    }

    /// <summary>dInput = 0, then every real element of each window += dOutput / (PoolHeight·PoolWidth).</summary>
    public static void AvgPool2DBackward(ReadOnlySpan<double> dOutput, Span<double> dInput, in Pool2DShape s)
    {
        int inPlane = s.Height * s.Width, outPlane = s.OutputHeight * s.OutputWidth;
        double divisor = s.PoolHeight * s.PoolWidth;
        dInput[..s.InputLength].Clear();
        for (int p = 0; p < s.Planes; p++)
        {
            for (int oh = 0; oh < s.OutputHeight; oh++)
            {
                for (int ow = 0; ow < s.OutputWidth; ow++)
                {
                    double g = dOutput[p * outPlane + oh * s.OutputWidth + ow] / divisor;
                    for (int kh = 0; kh < s.PoolHeight; kh++)
                    {
                        int h = oh * s.StrideHeight - s.PadHeight + kh;
                        if (h < 0 || h >= s.Height) continue;
                        for (int kw = 0; kw < s.PoolWidth; kw++)
                        {
                            int w = ow * s.StrideWidth - s.PadWidth + kw;
                            if (w >= 0 && w < s.Width) dInput[p * inPlane + h * s.Width + w] += g;
                        }
                    }
                }
            }
        }
    }

    /// <summary>output[plane] = mean of the plane's area values; input (planes, area), output (planes).</summary>
    public static void GlobalAvgPoolForward(ReadOnlySpan<double> input, Span<double> output, int planes, int area)
    {
        for (int p = 0; p < planes; p++)
        {
            double sum = 0;
            for (int i = 0; i < area; i++) sum += input[p * area + i];
            output[p] = sum / area;
        }
    }

    /// <summary>dInput[plane, i] = dOutput[plane] / area (overwrite).</summary>
    public static void GlobalAvgPoolBackward(ReadOnlySpan<double> dOutput, Span<double> dInput, int planes, int area)
    {
        for (int p = 0; p < planes; p++)
        {
            for (int i = 0; i < area; i++) dInput[p * area + i] = dOutput[p] / area;
        }
    }
}
