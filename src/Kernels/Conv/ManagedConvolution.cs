using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using MLNet.DeepExtensions.Kernels.MatMul;

namespace MLNet.DeepExtensions.Kernels.Conv;

/// <summary>
/// The managed CPU backend's 2-D convolution, forward and backward side by side, as im2col + the blocked
/// <see cref="ManagedGemm"/> (Caffe's and PyTorch's CPU scheme). With K = Cin·kH·kW and P = Hout·Wout, one image's
/// patch matrix cols (K, P) holds in column p the receptive field of output position p, so
/// <list type="bullet">
/// <item>forward: Y_n (Cout, P) = W (Cout, K) · cols_n;</item>
/// <item>backward input: dcols (K, P) = Wᵀ · dY_n, then col2im adds each column back onto the pixels it came from;</item>
/// <item>backward weight: dW (Cout, K) += Σ_n dY_n · cols_nᵀ (or its transpose, or dot products for a small K, see
/// <see cref="WeightGradientFormOf"/>).</item>
/// </list>
/// Layouts: input (N, Cin, H, W), weight (Cout, Cin, kH, kW) = (Cout, K) row-major, output (N, Cout, Hout, Wout).
/// </summary>
/// <remarks>
/// <para>Parallel over images, not inside the GEMM: the batch is cut into groups of G whole images, and each group is
/// one task of the <see cref="WorkerPool"/> that runs im2col, a single-threaded GEMM and col2im on its own thread,
/// on scratch that thread holds (a "slot"). A conv layer's per-image GEMMs are small (64 x 196 x 288 for the second
/// layer of a Fashion-MNIST CNN): split across threads they would pay a hand-off per block, and im2col/col2im would
/// stay serial. The G patch matrices of a group sit side by side as one (K, G·P) matrix, so that small images still
/// give the GEMM about <see cref="TargetGroupColumns"/> columns (whole 32-column panels, fewer partial tiles); the
/// group's output (Cout, G·P) is then scattered to the images, adding the bias on the way.</para>
/// <para>Deterministic whatever the thread count or timing: the groups depend only on the shape, forward and
/// backward input write disjoint images, and the weight gradient is summed in fixed partials (at most
/// <see cref="WeightPartials"/>, each over a fixed range of groups), which are then added to dW in order.</para>
/// <para>Scratch (per slot: a GEMM, the group's patch matrix, the group's gathered output or output gradient; and the
/// weight-gradient partials) is allocated on first use and grown, never per call; pinned, since the GEMM takes raw
/// pointers. Not thread-safe, like its backend.</para>
/// </remarks>
internal sealed unsafe class ManagedConvolution
{
    /// <summary>About how many GEMM columns (G·P) a group of images aims for: 16 micro-kernel panels.</summary>
    internal const int TargetGroupColumns = 512;

    /// <summary>Most partial sums of the weight gradient (each Cout·K floats), so its scratch stays small.</summary>
    internal const int WeightPartials = 16;

    private readonly WorkerPool _pool;
    // Each slot's GEMM runs on the thread that holds the slot: a pool of one thread runs everything inline.
    private readonly WorkerPool _inline = new(1);
    private readonly Slot[] _slots;
    private readonly int[] _slotTaken;
    private readonly ConvolutionJob _job;
    private float[] _partials = [];

    // The call in progress, read by the tasks.
    private Mode _mode;
    private Conv2DShape _shape;
    private float* _input, _weight, _bias, _output, _partialsPointer;
    private int _groupImages, _groups, _partialCount;

    public ManagedConvolution(WorkerPool pool)
    {
        _pool = pool;
        _slots = new Slot[pool.ThreadCount];
        for (int i = 0; i < _slots.Length; i++) _slots[i] = new Slot();
        _slotTaken = new int[pool.ThreadCount];
        _job = new ConvolutionJob(this);
    }

    private enum Mode
    {
        Forward,
        BackwardInput,
        BackwardWeight,
    }

    /// <summary>output = conv(input, weight) + bias (overwrite); bias may be null.</summary>
    public void Forward(float* input, float* weight, float* bias, float* output, in Conv2DShape s)
    {
        if (s.Batch == 0) return;
        Run(Mode.Forward, s, input, weight, bias, output, Plan(s).Groups);
    }

    /// <summary>dInput = transposed convolution of dOutput with weight (overwrite).</summary>
    public void BackwardInput(float* dOutput, float* weight, float* dInput, in Conv2DShape s)
    {
        if (s.Batch == 0) return;
        // _input: what the tasks read (dY); _output: what they write (dX).
        Run(Mode.BackwardInput, s, dOutput, weight, null, dInput, Plan(s).Groups);
    }

    /// <summary>dWeight += dOutput ⋆ input; dBias += Σ dOutput (accumulate; dBias may be null).</summary>
    public void BackwardWeight(float* input, float* dOutput, float* dWeight, float* dBias, in Conv2DShape s)
    {
        if (s.Batch == 0) return;
        int groups = Plan(s).Groups;
        int partials = Math.Min(groups, WeightPartials);
        // Each partial: Cout·K weight sums, then Cout bias sums, padded to whole cache lines.
        int stride = PartialStride(s);
        long length = (long)partials * stride;
        if (_partials.Length < length) _partials = GC.AllocateArray<float>(checked((int)length), pinned: true);
        fixed (float* partialsPointer = _partials)
        {
            _partialsPointer = partialsPointer;
            _partialCount = partials;
            // _input: the layer input; _output: dY.
            Run(Mode.BackwardWeight, s, input, null, dBias, dOutput, partials);
            // Fixed order, whoever computed which partial: the same sums on every run and thread count.
            var dw = new Span<float>(dWeight, s.WeightSize);
            bool transposed = WeightGradientFormOf(s) == WeightGradientForm.TransposedGemm;
            int k = s.PatchSize;
            for (int j = 0; j < partials; j++)
            {
                float* partial = partialsPointer + (long)j * stride;
                if (!transposed)
                {
                    TensorPrimitives.Add(dw, new ReadOnlySpan<float>(partial, s.WeightSize), dw);
                }
                else
                {
                    for (int co = 0; co < s.OutChannels; co++)
                    {
                        for (int i = 0; i < k; i++) dWeight[co * k + i] += partial[i * s.OutChannels + co];
                    }
                }
                if (dBias is not null)
                {
                    var db = new Span<float>(dBias, s.OutChannels);
                    TensorPrimitives.Add(db, new ReadOnlySpan<float>(partial + s.WeightSize, s.OutChannels), db);
                }
            }
            _partialsPointer = null;
        }
    }

    private static int PartialStride(in Conv2DShape s) => (s.WeightSize + s.OutChannels + 15) & ~15;

    /// <summary>How a partial of the weight gradient is computed.</summary>
    private enum WeightGradientForm
    {
        /// <summary>dW (Cout, K) = dY · colsᵀ.</summary>
        Gemm,

        /// <summary>dWᵀ (K, Cout) = cols · dYᵀ, transposed when the partials are added to dW.</summary>
        TransposedGemm,

        /// <summary>Dot products of each dY plane with each patch row (<see cref="SmallDepthWeightGradient"/>).</summary>
        Direct,
    }

    /// <summary>
    /// A first layer (Cin 1, 3x3: K = 9) is a poor GEMM either way round: dY·colsᵀ fills 9 of a tile's 32 columns,
    /// cols·dYᵀ 9 of 16 rows and transposes all of dY while packing. Up to <see cref="DirectDepth"/> patch rows, plain
    /// dot products (each dY vector feeding four rows) do better. Beyond, the GEMM form whose (rows, columns) round up
    /// to fewer whole MR x NR tiles wins.
    /// </summary>
    private static WeightGradientForm WeightGradientFormOf(in Conv2DShape s)
    {
        if (s.PatchSize <= DirectDepth && Vector512.IsHardwareAccelerated) return WeightGradientForm.Direct;
        int mr = GemmMicroKernels.TileRows(GemmMicroKernels.Best), nr = GemmMicroKernels.TileColumns(GemmMicroKernels.Best);
        long usual = RoundUp(s.OutChannels, mr) * RoundUp(s.PatchSize, nr);
        long transposed = RoundUp(s.PatchSize, mr) * RoundUp(s.OutChannels, nr);
        return transposed < usual ? WeightGradientForm.TransposedGemm : WeightGradientForm.Gemm;
    }

    /// <summary>Most patch rows (Cin·kH·kW) for which the weight gradient is computed as dot products.</summary>
    internal const int DirectDepth = 16;

    private static long RoundUp(long value, long multiple) => (value + multiple - 1) / multiple * multiple;

    private static bool IsPointwise(in Conv2DShape s) =>
        s.KernelHeight == 1 && s.KernelWidth == 1 && s.StrideHeight == 1 && s.StrideWidth == 1 && s.PadHeight == 0 && s.PadWidth == 0;

    /// <summary>Images per group and the number of groups: a function of the shape only (determinism).</summary>
    private static (int Images, int Groups) Plan(in Conv2DShape s)
    {
        int p = s.OutputHeight * s.OutputWidth;
        // A pointwise image is its own patch matrix: one image per group, no im2col at all.
        int images = IsPointwise(s) ? 1 : Math.Clamp((TargetGroupColumns + p - 1) / p, 1, s.Batch);
        return (images, (s.Batch + images - 1) / images);
    }

    private void Run(Mode mode, in Conv2DShape s, float* input, float* weight, float* bias, float* output, int tasks)
    {
        _mode = mode;
        _shape = s;
        _input = input;
        _weight = weight;
        _bias = bias;
        _output = output;
        (_groupImages, _groups) = Plan(s);
        try
        {
            _pool.Run(_job, tasks);
        }
        finally
        {
            _input = _weight = _bias = _output = null;
        }
    }

    /// <summary>One task: a group (forward, backward input) or a fixed range of groups into one partial (backward weight).</summary>
    private void Execute(int task)
    {
        // At most ThreadCount tasks run at once (the pool's threads), so a free slot always exists.
        int slotIndex = 0;
        while (Interlocked.CompareExchange(ref _slotTaken[slotIndex], 1, 0) != 0) slotIndex = (slotIndex + 1) % _slotTaken.Length;
        try
        {
            Slot slot = _slots[slotIndex];
            slot.Prepare(_inline, _shape, _groupImages);
            fixed (float* columns = slot.Columns, gathered = slot.Gathered)
            {
                switch (_mode)
                {
                    case Mode.Forward:
                        ForwardGroup(slot.Gemm!, task, columns, gathered);
                        break;
                    case Mode.BackwardInput:
                        BackwardInputGroup(slot.Gemm!, task, columns, gathered);
                        break;
                    default:
                        BackwardWeightPartial(slot.Gemm!, task, columns, gathered);
                        break;
                }
            }
        }
        finally
        {
            Volatile.Write(ref _slotTaken[slotIndex], 0);
        }
    }

    private (int First, int Count) GroupImages(int group)
    {
        int first = group * _groupImages;
        return (first, Math.Min(_groupImages, _shape.Batch - first));
    }

    // Y_group (Cout, G·P) = W · cols_group, then each image's (Cout, P) block + bias goes to the output.
    private void ForwardGroup(ManagedGemm gemm, int group, float* columns, float* gathered)
    {
        ref readonly Conv2DShape s = ref _shape;
        var (first, count) = GroupImages(group);
        int k = s.PatchSize, p = s.OutputHeight * s.OutputWidth, width = count * p;
        int imageIn = s.InChannels * s.Height * s.Width, imageOut = s.OutChannels * p;
        float* cols = IsPointwise(s) ? _input + (long)first * imageIn : columns;
        if (!IsPointwise(s))
        {
            for (int i = 0; i < count; i++) ToColumns(_input + (long)(first + i) * imageIn, cols + (long)i * p, width, s);
        }
        float* y = _output + (long)first * imageOut;
        if (count == 1)
        {
            gemm.Multiply(false, false, s.OutChannels, p, k, 1f, _weight, cols, 0f, y);
            if (_bias is not null)
            {
                for (int co = 0; co < s.OutChannels; co++)
                {
                    var plane = new Span<float>(y + (long)co * p, p);
                    TensorPrimitives.Add(plane, _bias[co], plane);
                }
            }
            return;
        }
        gemm.Multiply(false, false, s.OutChannels, width, k, 1f, _weight, cols, 0f, gathered);
        for (int i = 0; i < count; i++)
        {
            for (int co = 0; co < s.OutChannels; co++)
            {
                var source = new ReadOnlySpan<float>(gathered + (long)co * width + (long)i * p, p);
                var target = new Span<float>(y + (long)i * imageOut + (long)co * p, p);
                if (_bias is null) source.CopyTo(target);
                else TensorPrimitives.Add(source, _bias[co], target);
            }
        }
    }

    // dcols_group (K, G·P) = Wᵀ · dY_group, then col2im per image.
    private void BackwardInputGroup(ManagedGemm gemm, int group, float* columns, float* gathered)
    {
        ref readonly Conv2DShape s = ref _shape;
        var (first, count) = GroupImages(group);
        int k = s.PatchSize, p = s.OutputHeight * s.OutputWidth, width = count * p;
        int imageIn = s.InChannels * s.Height * s.Width, imageOut = s.OutChannels * p;
        float* dy = count == 1 ? _input + (long)first * imageOut : Gather(_input + (long)first * imageOut, gathered, count, s.OutChannels, p);
        float* dx = _output + (long)first * imageIn;
        if (IsPointwise(s))
        {
            // One image per group, and dcols is dx itself.
            gemm.Multiply(true, false, k, p, s.OutChannels, 1f, _weight, dy, 0f, dx);
            return;
        }
        gemm.Multiply(true, false, k, width, s.OutChannels, 1f, _weight, dy, 0f, columns);
        for (int i = 0; i < count; i++) FromColumns(columns + (long)i * p, width, dx + (long)i * imageIn, s);
    }

    // partial_j = Σ over its groups of dY_group · cols_groupᵀ (and the bias sums Σ dY_group).
    private void BackwardWeightPartial(ManagedGemm gemm, int partial, float* columns, float* gathered)
    {
        ref readonly Conv2DShape s = ref _shape;
        int k = s.PatchSize, p = s.OutputHeight * s.OutputWidth;
        int imageIn = s.InChannels * s.Height * s.Width, imageOut = s.OutChannels * p;
        float* dWeight = _partialsPointer + (long)partial * PartialStride(s);
        float* dBias = dWeight + s.WeightSize;
        WeightGradientForm form = WeightGradientFormOf(s);
        bool transposed = form == WeightGradientForm.TransposedGemm;
        int firstGroup = (int)((long)_groups * partial / _partialCount);
        int endGroup = (int)((long)_groups * (partial + 1) / _partialCount);
        for (int group = firstGroup; group < endGroup; group++)
        {
            var (first, count) = GroupImages(group);
            int width = count * p;
            float* cols = IsPointwise(s) ? _input + (long)first * imageIn : columns;
            if (!IsPointwise(s))
            {
                for (int i = 0; i < count; i++) ToColumns(_input + (long)(first + i) * imageIn, cols + (long)i * p, width, s);
            }
            if (form == WeightGradientForm.Direct)
            {
                for (int i = 0; i < count; i++)
                {
                    SmallDepthWeightGradient(cols + (long)i * p, width, _output + (long)(first + i) * imageOut, p, k, s.OutChannels,
                        dWeight, _bias is null ? null : dBias, overwrite: group == firstGroup && i == 0);
                }
                continue;
            }
            float* dy = count == 1 ? _output + (long)first * imageOut : Gather(_output + (long)first * imageOut, gathered, count, s.OutChannels, p);
            float beta = group == firstGroup ? 0f : 1f;
            if (transposed) gemm.Multiply(false, true, k, s.OutChannels, width, 1f, cols, dy, beta, dWeight);
            else gemm.Multiply(false, true, s.OutChannels, k, width, 1f, dy, cols, beta, dWeight);
            if (_bias is not null)
            {
                for (int co = 0; co < s.OutChannels; co++)
                {
                    float sum = TensorPrimitives.Sum(new ReadOnlySpan<float>(dy + (long)co * width, width));
                    dBias[co] = beta == 0f ? sum : dBias[co] + sum;
                }
            }
        }
    }

    /// <summary>
    /// One image's weight gradient as dot products, for a patch matrix of at most <see cref="DirectDepth"/> rows:
    /// dWeight[co, r] (+)= Σ_p cols[r, p]·dY[co, p] and dBias[co] (+)= Σ_p dY[co, p] (overwrite for the partial's first
    /// image, else add). Four patch rows at a time share each dY vector; the order of the sums is fixed by the shape.
    /// </summary>
    private static void SmallDepthWeightGradient(float* cols, int rowStride, float* dy, int p, int k, int outChannels,
        float* dWeight, float* dBias, bool overwrite)
    {
        int vectorEnd = p - p % Vector512<float>.Count;
        for (int co = 0; co < outChannels; co++)
        {
            float* d = dy + (long)co * p;
            float* w = dWeight + (long)co * k;
            int r = 0;
            for (; r + 4 <= k; r += 4)
            {
                float* c0 = cols + (long)r * rowStride, c1 = c0 + rowStride, c2 = c1 + rowStride, c3 = c2 + rowStride;
                Vector512<float> a0 = Vector512<float>.Zero, a1 = Vector512<float>.Zero, a2 = Vector512<float>.Zero, a3 = Vector512<float>.Zero;
                for (int i = 0; i < vectorEnd; i += Vector512<float>.Count)
                {
                    Vector512<float> g = Vector512.Load(d + i);
                    a0 = Vector512.FusedMultiplyAdd(Vector512.Load(c0 + i), g, a0);
                    a1 = Vector512.FusedMultiplyAdd(Vector512.Load(c1 + i), g, a1);
                    a2 = Vector512.FusedMultiplyAdd(Vector512.Load(c2 + i), g, a2);
                    a3 = Vector512.FusedMultiplyAdd(Vector512.Load(c3 + i), g, a3);
                }
                float s0 = Vector512.Sum(a0), s1 = Vector512.Sum(a1), s2 = Vector512.Sum(a2), s3 = Vector512.Sum(a3);
                for (int i = vectorEnd; i < p; i++)
                {
                    s0 += c0[i] * d[i];
                    s1 += c1[i] * d[i];
                    s2 += c2[i] * d[i];
                    s3 += c3[i] * d[i];
                }
                Accumulate(w + r, s0, overwrite);
                Accumulate(w + r + 1, s1, overwrite);
                Accumulate(w + r + 2, s2, overwrite);
                Accumulate(w + r + 3, s3, overwrite);
            }
            for (; r < k; r++)
            {
                float* c0 = cols + (long)r * rowStride;
                Vector512<float> a0 = Vector512<float>.Zero;
                for (int i = 0; i < vectorEnd; i += Vector512<float>.Count) a0 = Vector512.FusedMultiplyAdd(Vector512.Load(c0 + i), Vector512.Load(d + i), a0);
                float s0 = Vector512.Sum(a0);
                for (int i = vectorEnd; i < p; i++) s0 += c0[i] * d[i];
                Accumulate(w + r, s0, overwrite);
            }
            if (dBias is not null) Accumulate(dBias + co, TensorPrimitives.Sum(new ReadOnlySpan<float>(d, p)), overwrite);
        }
    }

    private static void Accumulate(float* target, float value, bool overwrite) => *target = overwrite ? value : *target + value;

    // target (channels, count·P) ← source (count, channels, P): the images' planes side by side; returns target.
    private static float* Gather(float* source, float* target, int count, int channels, int p)
    {
        int width = count * p;
        for (int i = 0; i < count; i++)
        {
            for (int c = 0; c < channels; c++)
            {
                new ReadOnlySpan<float>(source + ((long)i * channels + c) * p, p).CopyTo(new Span<float>(target + (long)c * width + (long)i * p, p));
            }
        }
        return target;
    }

    // cols[(ci·kH + i)·kW + j, oh·Wout + ow] = image[ci, oh·sH − pH + i·dH, ow·sW − pW + j·dW], 0 outside; row r of
    // cols starts at cols + r·rowStride (several images' patch matrices side by side).
    private static void ToColumns(float* image, float* cols, int rowStride, in Conv2DShape s)
    {
        int outH = s.OutputHeight, outW = s.OutputWidth;
        int r = 0;
        for (int ci = 0; ci < s.InChannels; ci++)
        {
            float* plane = image + (long)ci * s.Height * s.Width;
            for (int i = 0; i < s.KernelHeight; i++)
            {
                int offsetH = i * s.DilationHeight - s.PadHeight;
                for (int j = 0; j < s.KernelWidth; j++, r++)
                {
                    float* row = cols + (long)r * rowStride;
                    int offsetW = j * s.DilationWidth - s.PadWidth;
                    if (s.StrideHeight == 1 && s.StrideWidth == 1 && outW == s.Width)
                    {
                        ShiftedPlaneCopy(plane, row, offsetH, offsetW, outH, s);
                        continue;
                    }
                    for (int oh = 0; oh < outH; oh++)
                    {
                        float* target = row + oh * outW;
                        int h = oh * s.StrideHeight + offsetH;
                        if ((uint)h >= (uint)s.Height)
                        {
                            new Span<float>(target, outW).Clear();
                            continue;
                        }
                        float* source = plane + h * s.Width;
                        if (s.StrideWidth == 1)
                        {
                            // Valid ow: 0 ≤ ow + offsetW < W; zeros on either side.
                            int lo = Math.Clamp(-offsetW, 0, outW), hi = Math.Clamp(s.Width - offsetW, lo, outW);
                            new Span<float>(target, lo).Clear();
                            new ReadOnlySpan<float>(source + lo + offsetW, hi - lo).CopyTo(new Span<float>(target + lo, hi - lo));
                            new Span<float>(target + hi, outW - hi).Clear();
                            continue;
                        }
                        int w = offsetW;
                        for (int ow = 0; ow < outW; ow++, w += s.StrideWidth)
                        {
                            target[ow] = (uint)w < (uint)s.Width ? source[w] : 0f;
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// Stride 1 with Wout = W ("same" width): the tap's patch row is the whole plane shifted by (offsetH, offsetW),
    /// so it is one block copy of the valid rows, then the columns that wrapped around a row edge, and the rows
    /// outside the image, are zeroed.
    /// </summary>
    private static void ShiftedPlaneCopy(float* plane, float* row, int offsetH, int offsetW, int outH, in Conv2DShape s)
    {
        int width = s.Width, area = s.Height * width;
        int lo = Math.Clamp(-offsetH, 0, outH), hi = Math.Clamp(s.Height - offsetH, lo, outH);
        new Span<float>(row, lo * width).Clear();
        new Span<float>(row + (long)hi * width, (outH - hi) * width).Clear();
        if (hi == lo) return;
        long shift = (long)offsetH * width + offsetW;
        // Positions whose source would fall outside the plane are wrapped columns: zeroed below.
        long start = Math.Max(lo * width, -shift), end = Math.Min((long)hi * width, area - shift);
        if (end > start) new ReadOnlySpan<float>(plane + start + shift, (int)(end - start)).CopyTo(new Span<float>(row + start, (int)(end - start)));
        ClearWrappedColumns(row, lo, hi, offsetW, width);
    }

    // Zeroes, in rows [lo, hi) of a (rows, width) block, the columns ow with ow + offsetW outside [0, width).
    private static void ClearWrappedColumns(float* block, int lo, int hi, int offsetW, int width)
    {
        int left = Math.Clamp(-offsetW, 0, width), right = Math.Clamp(width - offsetW, left, width);
        // Column by column: a tap offset by one column wraps one column, so this is one strided store per row.
        float* start = block + (long)lo * width, end = block + (long)hi * width;
        for (int ow = 0; ow < left; ow++)
        {
            for (float* at = start + ow; at < end; at += width) *at = 0f;
        }
        for (int ow = right; ow < width; ow++)
        {
            for (float* at = start + ow; at < end; at += width) *at = 0f;
        }
    }

    // The adjoint of ToColumns: image is zeroed, then every patch entry is added onto the pixel it was copied from.
    // Each pixel receives its terms in (ci, i, j) order whichever path runs. Clobbers cols (wrapped columns zeroed).
    private static void FromColumns(float* cols, int rowStride, float* image, in Conv2DShape s)
    {
        int outH = s.OutputHeight, outW = s.OutputWidth;
        new Span<float>(image, s.InChannels * s.Height * s.Width).Clear();
        int r = 0;
        for (int ci = 0; ci < s.InChannels; ci++)
        {
            float* plane = image + (long)ci * s.Height * s.Width;
            for (int i = 0; i < s.KernelHeight; i++)
            {
                int offsetH = i * s.DilationHeight - s.PadHeight;
                for (int j = 0; j < s.KernelWidth; j++, r++)
                {
                    float* row = cols + (long)r * rowStride;
                    int offsetW = j * s.DilationWidth - s.PadWidth;
                    if (s.StrideHeight == 1 && s.StrideWidth == 1 && outW == s.Width)
                    {
                        ShiftedPlaneAdd(row, plane, offsetH, offsetW, outH, s);
                        continue;
                    }
                    for (int oh = 0; oh < outH; oh++)
                    {
                        int h = oh * s.StrideHeight + offsetH;
                        if ((uint)h >= (uint)s.Height) continue;
                        float* source = row + oh * outW;
                        float* target = plane + h * s.Width;
                        if (s.StrideWidth == 1)
                        {
                            int lo = Math.Clamp(-offsetW, 0, outW), hi = Math.Clamp(s.Width - offsetW, lo, outW);
                            var pixels = new Span<float>(target + lo + offsetW, hi - lo);
                            TensorPrimitives.Add(pixels, new ReadOnlySpan<float>(source + lo, hi - lo), pixels);
                            continue;
                        }
                        int w = offsetW;
                        for (int ow = 0; ow < outW; ow++, w += s.StrideWidth)
                        {
                            if ((uint)w < (uint)s.Width) target[w] += source[ow];
                        }
                    }
                }
            }
        }
    }

    /// <summary>The adjoint of <see cref="ShiftedPlaneCopy"/>: the wrapped columns of the patch row are zeroed, then
    /// its valid rows are added onto the plane as one shifted block (a zero added to a neighbour changes nothing).</summary>
    private static void ShiftedPlaneAdd(float* row, float* plane, int offsetH, int offsetW, int outH, in Conv2DShape s)
    {
        int width = s.Width, area = s.Height * width;
        int lo = Math.Clamp(-offsetH, 0, outH), hi = Math.Clamp(s.Height - offsetH, lo, outH);
        if (hi == lo) return;
        ClearWrappedColumns(row, lo, hi, offsetW, width);
        long shift = (long)offsetH * width + offsetW;
        // Clipped to the plane: another image's plane may be in use by another thread.
        long start = Math.Max(lo * width, -shift), end = Math.Min((long)hi * width, area - shift);
        if (end <= start) return;
        var pixels = new Span<float>(plane + start + shift, (int)(end - start));
        TensorPrimitives.Add(pixels, new ReadOnlySpan<float>(row + start, (int)(end - start)), pixels);
    }

    /// <summary>What one thread needs for a group: a single-threaded GEMM, the patch matrix, the gathered output.</summary>
    private sealed class Slot
    {
        public ManagedGemm? Gemm;
        public float[] Columns = [];
        public float[] Gathered = [];

        // Grown to the largest shape seen and kept: a layer calls with the same shape every step.
        public void Prepare(WorkerPool inline, in Conv2DShape s, int groupImages)
        {
            Gemm ??= new ManagedGemm(inline);
            long width = (long)groupImages * s.OutputHeight * s.OutputWidth;
            long columns = IsPointwise(s) ? 1 : s.PatchSize * width;
            long gathered = groupImages == 1 ? 1 : s.OutChannels * width;
            if (Columns.Length < columns) Columns = GC.AllocateArray<float>(checked((int)columns), pinned: true);
            if (Gathered.Length < gathered) Gathered = GC.AllocateArray<float>(checked((int)gathered), pinned: true);
        }
    }

    /// <summary>Adapter so the worker pool can run the tasks without a closure.</summary>
    private sealed class ConvolutionJob(ManagedConvolution owner) : ParallelJob
    {
        public override void Execute(int index, int count) => owner.Execute(index);
    }
}
