namespace MLNet.DeepExtensions.Kernels.Pooling;

/// <summary>
/// Managed float32 pooling, forward and backward side by side: one image plane at a time, each window's bounds
/// clipped to the real input once (no per-element padding test), nothing allocated per call. The backward passes
/// zero the plane and scatter in output order, so each input gradient receives its terms in the same (oh, ow) order
/// as the ILGPU gather kernels, which makes the two backends bit-identical here.
/// </summary>
internal static class ManagedPooling
{
    /// <summary>Max pooling; input (N, C, H, W), output and argMax (N, C, Hout, Wout); argMax = h·W + w of the first maximum.</summary>
    public static void MaxPool2DForward(ReadOnlySpan<float> input, Span<float> output, Span<float> argMax, in Pool2DShape s)
    {
        int inPlane = s.Height * s.Width, outPlane = s.OutputHeight * s.OutputWidth;
        for (int p = 0; p < s.Planes; p++)
        {
            ReadOnlySpan<float> x = input.Slice(p * inPlane, inPlane);
            Span<float> y = output.Slice(p * outPlane, outPlane);
            Span<float> index = argMax.Slice(p * outPlane, outPlane);
            for (int oh = 0; oh < s.OutputHeight; oh++)
            {
                var (hStart, hEnd) = s.RowWindow(oh);
                for (int ow = 0; ow < s.OutputWidth; ow++)
                {
                    var (wStart, wEnd) = s.ColumnWindow(ow);
                    // Padding ≤ half the window guarantees a real element in every window: start from the first one.
                    int best = hStart * s.Width + wStart;
                    float bestValue = x[best];
                    for (int h = hStart; h < hEnd; h++)
                    {
                        for (int w = wStart; w < wEnd; w++)
                        {
                            float v = x[h * s.Width + w];
                            // Strictly greater: the first maximum wins ties; a NaN wins (and then stays), as in PyTorch.
                            if (v > bestValue || (float.IsNaN(v) && !float.IsNaN(bestValue)))
                            {
                                best = h * s.Width + w;
                                bestValue = v;
                            }
                        }
                    }
                    y[oh * s.OutputWidth + ow] = bestValue;
                    index[oh * s.OutputWidth + ow] = best;
                }
            }
        }
    }

    /// <summary>dInput (N, C, H, W) = 0, then dInput[argMax] += dOutput, in output order (overlapping windows add up).</summary>
    public static void MaxPool2DBackward(ReadOnlySpan<float> dOutput, ReadOnlySpan<float> argMax, Span<float> dInput, in Pool2DShape s)
    {
        int inPlane = s.Height * s.Width, outPlane = s.OutputHeight * s.OutputWidth;
        dInput[..s.InputLength].Clear();
        for (int p = 0; p < s.Planes; p++)
        {
            Span<float> dx = dInput.Slice(p * inPlane, inPlane);
            ReadOnlySpan<float> dy = dOutput.Slice(p * outPlane, outPlane);
            ReadOnlySpan<float> index = argMax.Slice(p * outPlane, outPlane);
            for (int o = 0; o < outPlane; o++) dx[(int)index[o]] += dy[o];
        }
    }

    /// <summary>Average pooling with count_include_pad = True: window sum over real elements / (PoolHeight·PoolWidth).</summary>
    public static void AvgPool2DForward(ReadOnlySpan<float> input, Span<float> output, in Pool2DShape s)
    {
        int inPlane = s.Height * s.Width, outPlane = s.OutputHeight * s.OutputWidth;
        float divisor = s.PoolHeight * s.PoolWidth;
        for (int p = 0; p < s.Planes; p++)
        {
            ReadOnlySpan<float> x = input.Slice(p * inPlane, inPlane);
            Span<float> y = output.Slice(p * outPlane, outPlane);
            for (int oh = 0; oh < s.OutputHeight; oh++)
            {
                var (hStart, hEnd) = s.RowWindow(oh);
                for (int ow = 0; ow < s.OutputWidth; ow++)
                {
                    var (wStart, wEnd) = s.ColumnWindow(ow);
                    float sum = 0f;
                    for (int h = hStart; h < hEnd; h++)
                    {
                        for (int w = wStart; w < wEnd; w++) sum += x[h * s.Width + w];
                    }
                    y[oh * s.OutputWidth + ow] = sum / divisor;
                }
            }
        }
    }

    /// <summary>dInput = 0, then every real element of each window += dOutput / (PoolHeight·PoolWidth), in output order.</summary>
    public static void AvgPool2DBackward(ReadOnlySpan<float> dOutput, Span<float> dInput, in Pool2DShape s)
    {
        int inPlane = s.Height * s.Width, outPlane = s.OutputHeight * s.OutputWidth;
        float divisor = s.PoolHeight * s.PoolWidth;
        dInput[..s.InputLength].Clear();
        for (int p = 0; p < s.Planes; p++)
        {
            Span<float> dx = dInput.Slice(p * inPlane, inPlane);
            ReadOnlySpan<float> dy = dOutput.Slice(p * outPlane, outPlane);
            for (int oh = 0; oh < s.OutputHeight; oh++)
            {
                var (hStart, hEnd) = s.RowWindow(oh);
                for (int ow = 0; ow < s.OutputWidth; ow++)
                {
                    var (wStart, wEnd) = s.ColumnWindow(ow);
                    float g = dy[oh * s.OutputWidth + ow] / divisor;
                    for (int h = hStart; h < hEnd; h++)
                    {
                        for (int w = wStart; w < wEnd; w++) dx[h * s.Width + w] += g;
                    }
                }
            }
        }
    }

    /// <summary>output[plane] = mean of the plane's <paramref name="area"/> values; input (planes, area), output (planes).</summary>
    public static void GlobalAvgPoolForward(ReadOnlySpan<float> input, Span<float> output, int planes, int area)
    {
        for (int p = 0; p < planes; p++)
        {
            // In order, not SIMD: keeps the result identical to the ILGPU kernel's sequential sum.
            ReadOnlySpan<float> x = input.Slice(p * area, area);
            float sum = 0f;
            for (int i = 0; i < x.Length; i++) sum += x[i];
            output[p] = sum / area;
        }
    }

    /// <summary>dInput[plane, i] = dOutput[plane] / area (overwrite).</summary>
    public static void GlobalAvgPoolBackward(ReadOnlySpan<float> dOutput, Span<float> dInput, int planes, int area)
    {
        for (int p = 0; p < planes; p++) dInput.Slice(p * area, area).Fill(dOutput[p] / area);
    }
}
