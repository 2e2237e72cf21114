using System.Numerics.Tensors;
using MLNet.DeepExtensions.Kernels.MatMul;

namespace MLNet.DeepExtensions.Kernels.Conv;

/// <summary>
/// The managed CPU backend's 2-D convolution, forward and backward side by side, as im2col + the blocked
/// <see cref="ManagedGemm"/> per image (Caffe's and PyTorch's CPU scheme). With K = Cin·kH·kW and P = Hout·Wout,
/// one image's patch matrix cols (K, P) holds in column p the receptive field of output position p, so
/// <list type="bullet">
/// <item>forward: Y_n (Cout, P) = W (Cout, K) · cols;</item>
/// <item>backward input: dcols (K, P) = Wᵀ · dY_n, then col2im adds each column back onto the pixels it came from;</item>
/// <item>backward weight: dW (Cout, K) += dY_n · colsᵀ (GEMM beta 1).</item>
/// </list>
/// Layouts: input (N, Cin, H, W), weight (Cout, Cin, kH, kW) = (Cout, K) row-major, output (N, Cout, Hout, Wout).
/// </summary>
/// <remarks>
/// The patch matrix lives in one pinned scratch array, allocated on first use and grown, never per call (the GEMM
/// takes raw pointers, hence pinned). A 1x1 kernel with stride 1 and no padding needs no im2col: the image itself is
/// (Cin, H·W) = cols. Not thread-safe, like its backend.
/// </remarks>
internal sealed unsafe class ManagedConvolution
{
    private readonly ManagedGemm _gemm;
    private float[] _columns = [];

    public ManagedConvolution(ManagedGemm gemm) => _gemm = gemm;

    /// <summary>output = conv(input, weight) + bias (overwrite); bias may be null.</summary>
    public void Forward(float* input, float* weight, float* bias, float* output, in Conv2DShape s)
    {
        int k = s.PatchSize, p = s.OutputHeight * s.OutputWidth;
        int imageIn = s.InChannels * s.Height * s.Width, imageOut = s.OutChannels * p;
        fixed (float* scratch = Columns(s))
        {
            for (int n = 0; n < s.Batch; n++)
            {
                float* cols = ToColumns(input + (long)n * imageIn, scratch, s);
                float* y = output + (long)n * imageOut;
                _gemm.Multiply(false, false, s.OutChannels, p, k, 1f, weight, cols, 0f, y);
                if (bias is not null)
                {
                    for (int co = 0; co < s.OutChannels; co++)
                    {
                        var plane = new Span<float>(y + (long)co * p, p);
                        TensorPrimitives.Add(plane, bias[co], plane);
                    }
                }
            }
        }
    }

    /// <summary>dInput = transposed convolution of dOutput with weight (overwrite).</summary>
    public void BackwardInput(float* dOutput, float* weight, float* dInput, in Conv2DShape s)
    {
        int k = s.PatchSize, p = s.OutputHeight * s.OutputWidth;
        int imageIn = s.InChannels * s.Height * s.Width, imageOut = s.OutChannels * p;
        bool direct = IsPointwise(s);
        fixed (float* scratch = Columns(s))
        {
            for (int n = 0; n < s.Batch; n++)
            {
                float* dx = dInput + (long)n * imageIn;
                // Pointwise: dcols is dx itself. Otherwise Wᵀ·dY into the scratch, then scatter-add onto a zeroed image.
                float* dcols = direct ? dx : scratch;
                _gemm.Multiply(true, false, k, p, s.OutChannels, 1f, weight, dOutput + (long)n * imageOut, 0f, dcols);
                if (!direct) FromColumns(dcols, dx, s);
            }
        }
    }

    /// <summary>dWeight += dOutput ⋆ input; dBias += Σ dOutput (accumulate; dBias may be null).</summary>
    public void BackwardWeight(float* input, float* dOutput, float* dWeight, float* dBias, in Conv2DShape s)
    {
        int k = s.PatchSize, p = s.OutputHeight * s.OutputWidth;
        int imageIn = s.InChannels * s.Height * s.Width, imageOut = s.OutChannels * p;
        fixed (float* scratch = Columns(s))
        {
            for (int n = 0; n < s.Batch; n++)
            {
                float* cols = ToColumns(input + (long)n * imageIn, scratch, s);
                float* dy = dOutput + (long)n * imageOut;
                _gemm.Multiply(false, true, s.OutChannels, k, p, 1f, dy, cols, 1f, dWeight);
                if (dBias is not null)
                {
                    for (int co = 0; co < s.OutChannels; co++) dBias[co] += TensorPrimitives.Sum(new ReadOnlySpan<float>(dy + (long)co * p, p));
                }
            }
        }
    }

    private static bool IsPointwise(in Conv2DShape s) =>
        s.KernelHeight == 1 && s.KernelWidth == 1 && s.StrideHeight == 1 && s.StrideWidth == 1 && s.PadHeight == 0 && s.PadWidth == 0;

    // Grown to the largest image's patch matrix and kept: a layer calls with the same shape every step.
    private float[] Columns(in Conv2DShape s)
    {
        long length = IsPointwise(s) ? 1 : (long)s.PatchSize * s.OutputHeight * s.OutputWidth;
        if (_columns.Length < length) _columns = GC.AllocateArray<float>(checked((int)length), pinned: true);
        return _columns;
    }

    // cols[(ci·kH + i)·kW + j, oh·Wout + ow] = image[ci, oh·sH − pH + i·dH, ow·sW − pW + j·dW], 0 outside; returns cols.
    private static float* ToColumns(float* image, float* cols, in Conv2DShape s)
    {
        if (IsPointwise(s)) return image;
        int outH = s.OutputHeight, outW = s.OutputWidth;
        float* row = cols;
        for (int ci = 0; ci < s.InChannels; ci++)
        {
            float* plane = image + (long)ci * s.Height * s.Width;
            for (int i = 0; i < s.KernelHeight; i++)
            {
                for (int j = 0; j < s.KernelWidth; j++, row += outH * outW)
                {
                    for (int oh = 0; oh < outH; oh++)
                    {
                        float* target = row + oh * outW;
                        int h = oh * s.StrideHeight - s.PadHeight + i * s.DilationHeight;
                        if ((uint)h >= (uint)s.Height)
                        {
                            new Span<float>(target, outW).Clear();
                            continue;
                        }
                        float* source = plane + h * s.Width;
                        int w = j * s.DilationWidth - s.PadWidth;
                        for (int ow = 0; ow < outW; ow++, w += s.StrideWidth)
                        {
                            target[ow] = (uint)w < (uint)s.Width ? source[w] : 0f;
                        }
                    }
                }
            }
        }
        return cols;
    }

    // The adjoint of ToColumns: image is zeroed, then every patch entry is added onto the pixel it was copied from.
    private static void FromColumns(float* cols, float* image, in Conv2DShape s)
    {
        int outH = s.OutputHeight, outW = s.OutputWidth;
        new Span<float>(image, s.InChannels * s.Height * s.Width).Clear();
        float* row = cols;
        for (int ci = 0; ci < s.InChannels; ci++)
        {
            float* plane = image + (long)ci * s.Height * s.Width;
            for (int i = 0; i < s.KernelHeight; i++)
            {
                for (int j = 0; j < s.KernelWidth; j++, row += outH * outW)
                {
                    for (int oh = 0; oh < outH; oh++)
                    {
                        int h = oh * s.StrideHeight - s.PadHeight + i * s.DilationHeight;
                        if ((uint)h >= (uint)s.Height) continue;
                        float* source = row + oh * outW;
                        float* target = plane + h * s.Width;
                        int w = j * s.DilationWidth - s.PadWidth;
                        for (int ow = 0; ow < outW; ow++, w += s.StrideWidth)
                        {
                            if ((uint)w < (uint)s.Width) target[w] += source[ow];
                        }
                    }
                }
            }
        }
    }
}
