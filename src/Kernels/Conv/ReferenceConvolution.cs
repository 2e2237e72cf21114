namespace MLNet.DeepExtensions.Kernels.Conv;

/// <summary>
/// The oracle's 2-D convolution in double, forward and backward side by side: the definition of
/// <see cref="ComputeBackend.Conv2DForward"/> as nested loops over every output position and kernel tap, in the style
/// of Keras' <c>np_conv2d</c>. Layouts: input (N, Cin, H, W), weight (Cout, Cin, kH, kW), output (N, Cout, Hout, Wout).
/// </summary>
internal static class ReferenceConvolution
{
    /// <summary>output = conv(input, weight) + bias (overwrite); bias is empty when absent.</summary>
    public static void Forward(ReadOnlySpan<double> input, ReadOnlySpan<double> weight, ReadOnlySpan<double> bias, bool hasBias,
        Span<double> output, in Conv2DShape s)
    {
        for (int n = 0; n < s.Batch; n++)
        for (int co = 0; co < s.OutChannels; co++)
        for (int oh = 0; oh < s.OutputHeight; oh++)
        for (int ow = 0; ow < s.OutputWidth; ow++)
        {
            double sum = hasBias ? bias[co] : 0.0;
            for (int ci = 0; ci < s.InChannels; ci++)
            for (int i = 0; i < s.KernelHeight; i++)
            for (int j = 0; j < s.KernelWidth; j++)
            {
                int h = oh * s.StrideHeight - s.PadHeight + i * s.DilationHeight;
                int w = ow * s.StrideWidth - s.PadWidth + j * s.DilationWidth;
                if ((uint)h >= (uint)s.Height || (uint)w >= (uint)s.Width) continue; // zero padding
                sum += weight[((co * s.InChannels + ci) * s.KernelHeight + i) * s.KernelWidth + j]
                    * input[((n * s.InChannels + ci) * s.Height + h) * s.Width + w];
            }
            output[((n * s.OutChannels + co) * s.OutputHeight + oh) * s.OutputWidth + ow] = sum;
        }
    }

    /// <summary>dInput (overwrite): every output position scatters dOutput·weight back onto the inputs its window read.</summary>
    public static void BackwardInput(ReadOnlySpan<double> dOutput, ReadOnlySpan<double> weight, Span<double> dInput, in Conv2DShape s)
    {
        dInput.Slice(0, s.InputSize).Clear();
        for (int n = 0; n < s.Batch; n++)
        for (int co = 0; co < s.OutChannels; co++)
        for (int oh = 0; oh < s.OutputHeight; oh++)
        for (int ow = 0; ow < s.OutputWidth; ow++)
        {
            double dy = dOutput[((n * s.OutChannels + co) * s.OutputHeight + oh) * s.OutputWidth + ow];
            for (int ci = 0; ci < s.InChannels; ci++)
            for (int i = 0; i < s.KernelHeight; i++)
            for (int j = 0; j < s.KernelWidth; j++)
            {
                int h = oh * s.StrideHeight - s.PadHeight + i * s.DilationHeight;
                int w = ow * s.StrideWidth - s.PadWidth + j * s.DilationWidth;
                if ((uint)h >= (uint)s.Height || (uint)w >= (uint)s.Width) continue;
                dInput[((n * s.InChannels + ci) * s.Height + h) * s.Width + w] +=
                    dy * weight[((co * s.InChannels + ci) * s.KernelHeight + i) * s.KernelWidth + j];
            }
        }
    }

    /// <summary>dWeight += Σ dOutput·input over batch and output positions; dBias += Σ dOutput (accumulate; dBias empty when absent).</summary>
    public static void BackwardWeight(ReadOnlySpan<double> input, ReadOnlySpan<double> dOutput, Span<double> dWeight, Span<double> dBias,
        bool hasBias, in Conv2DShape s)
    {
        for (int n = 0; n < s.Batch; n++)
        for (int co = 0; co < s.OutChannels; co++)
        for (int oh = 0; oh < s.OutputHeight; oh++)
        for (int ow = 0; ow < s.OutputWidth; ow++)
        {
            double dy = dOutput[((n * s.OutChannels + co) * s.OutputHeight + oh) * s.OutputWidth + ow];
            if (hasBias) dBias[co] += dy;
            for (int ci = 0; ci < s.InChannels; ci++)
            for (int i = 0; i < s.KernelHeight; i++)
            for (int j = 0; j < s.KernelWidth; j++)
            {
                int h = oh * s.StrideHeight - s.PadHeight + i * s.DilationHeight;
                int w = ow * s.StrideWidth - s.PadWidth + j * s.DilationWidth;
                if ((uint)h >= (uint)s.Height || (uint)w >= (uint)s.Width) continue;
                dWeight[((co * s.InChannels + ci) * s.KernelHeight + i) * s.KernelWidth + j] +=
                    dy * input[((n * s.InChannels + ci) * s.Height + h) * s.Width + w];
            }
        }
    }
}
