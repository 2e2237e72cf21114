using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MLNet.DeepExtensions.Kernels.Pooling;

/// <summary>
/// Managed float32 pooling, forward and backward side by side: image planes are independent, so each call cuts the
/// planes into contiguous ranges that the <see cref="WorkerPool"/>'s threads claim (results do not depend on who runs
/// what). Within a plane: each window's bounds clipped to the real input once (no per-element padding test), and a
/// branch-light path for the common 2x2 window with stride 2 and no padding. Nothing allocated per call. The backward
/// passes zero the plane and scatter in output order, so each input gradient receives its terms in the same (oh, ow)
/// order as the ILGPU gather kernels, which makes the two backends bit-identical here.
/// </summary>
/// <remarks>Not thread-safe, like its backend: one call at a time.</remarks>
internal sealed unsafe class ManagedPooling
{
    // Below about this many input elements per call, waking another thread costs more than it saves.
    private const long ParallelThreshold = 32_768;

    // Plane ranges per thread: a few, so that a thread that starts late (a busy machine) just takes fewer.
    private const int TasksPerThread = 4;

    private readonly WorkerPool _pool;
    private readonly PlaneJob _job;

    // The call in progress, read by the tasks.
    private Operation _operation;
    private Pool2DShape _shape;
    private float* _a, _b, _c;
    private int _planes, _area;

    public ManagedPooling(WorkerPool pool)
    {
        _pool = pool;
        _job = new PlaneJob(this);
    }

    private enum Operation
    {
        MaxForward,
        MaxBackward,
        AvgForward,
        AvgBackward,
        GlobalAvgForward,
        GlobalAvgBackward,
    }

    /// <summary>Max pooling; input (N, C, H, W), output and argMax (N, C, Hout, Wout); argMax = h·W + w of the first maximum.</summary>
    public void MaxPool2DForward(float* input, float* output, float* argMax, in Pool2DShape s) =>
        Run(Operation.MaxForward, s, input, output, argMax, s.Planes, s.Height * s.Width);

    /// <summary>dInput (N, C, H, W) = 0, then dInput[argMax] += dOutput, in output order (overlapping windows add up).</summary>
    public void MaxPool2DBackward(float* dOutput, float* argMax, float* dInput, in Pool2DShape s) =>
        Run(Operation.MaxBackward, s, dOutput, argMax, dInput, s.Planes, s.Height * s.Width);

    /// <summary>Average pooling with count_include_pad = True: window sum over real elements / (PoolHeight·PoolWidth).</summary>
    public void AvgPool2DForward(float* input, float* output, in Pool2DShape s) =>
        Run(Operation.AvgForward, s, input, output, null, s.Planes, s.Height * s.Width);

    /// <summary>dInput = 0, then every real element of each window += dOutput / (PoolHeight·PoolWidth), in output order.</summary>
    public void AvgPool2DBackward(float* dOutput, float* dInput, in Pool2DShape s) =>
        Run(Operation.AvgBackward, s, dOutput, dInput, null, s.Planes, s.Height * s.Width);

    /// <summary>output[plane] = mean of the plane's <paramref name="area"/> values; input (planes, area), output (planes).</summary>
    public void GlobalAvgPoolForward(float* input, float* output, int planes, int area) =>
        Run(Operation.GlobalAvgForward, default, input, output, null, planes, area);

    /// <summary>dInput[plane, i] = dOutput[plane] / area (overwrite).</summary>
    public void GlobalAvgPoolBackward(float* dOutput, float* dInput, int planes, int area) =>
        Run(Operation.GlobalAvgBackward, default, dOutput, dInput, null, planes, area);

    private void Run(Operation operation, in Pool2DShape s, float* a, float* b, float* c, int planes, int area)
    {
        if (planes <= 0) return;
        int tasks = (long)planes * area < ParallelThreshold ? 1 : Math.Min(planes, _pool.ThreadCount * TasksPerThread);
        if (tasks == 1)
        {
            Execute(operation, s, a, b, c, 0, planes, area);
            return;
        }
        _operation = operation;
        _shape = s;
        _a = a;
        _b = b;
        _c = c;
        _planes = planes;
        _area = area;
        try
        {
            _pool.Run(_job, tasks);
        }
        finally
        {
            _a = _b = _c = null;
        }
    }

    private void ExecuteTask(int task, int count)
    {
        int first = (int)((long)_planes * task / count), end = (int)((long)_planes * (task + 1) / count);
        Execute(_operation, _shape, _a, _b, _c, first, end, _area);
    }

    private static void Execute(Operation operation, in Pool2DShape s, float* a, float* b, float* c, int first, int end, int area)
    {
        switch (operation)
        {
            case Operation.MaxForward when IsTwoByTwo(s) && Avx512F.IsSupported: MaxForwardTwoByTwo(a, b, c, s, first, end); break;
            case Operation.MaxForward: MaxForward(a, b, c, s, first, end); break;
            case Operation.MaxBackward: MaxBackward(a, b, c, s, first, end); break;
            case Operation.AvgForward: AvgForward(a, b, s, first, end); break;
            case Operation.AvgBackward: AvgBackward(a, b, s, first, end); break;
            case Operation.GlobalAvgForward: GlobalAvgForward(a, b, first, end, area); break;
            default: GlobalAvgBackward(a, b, first, end, area); break;
        }
    }

    // Strictly greater: the first maximum wins ties; a NaN wins (and then stays), as in PyTorch.
    private static bool Beats(float value, float best) => value > best || (float.IsNaN(value) && !float.IsNaN(best));

    private static bool IsTwoByTwo(in Pool2DShape s) =>
        s.PoolHeight == 2 && s.PoolWidth == 2 && s.StrideHeight == 2 && s.StrideWidth == 2 && s.PadHeight == 0 && s.PadWidth == 0;

    /// <summary>
    /// Planes [first, end) of a 2x2, stride 2, unpadded max pool (every window whole, floor mode), 16 outputs at a time:
    /// the two input rows of 16 windows (32 columns each) are split into even and odd columns, giving the four
    /// candidates of each window as four vectors, merged in row-major order with the scalar rule (strictly greater,
    /// or a NaN over a non-NaN). Branch-free: with real activations the scalar comparisons mispredict about half the time.
    /// </summary>
    private static void MaxForwardTwoByTwo(float* input, float* output, float* argMax, in Pool2DShape s, int first, int end)
    {
        int inPlane = s.Height * s.Width, outPlane = s.OutputHeight * s.OutputWidth, width = s.Width, outW = s.OutputWidth;
        // A chunk reads 32 floats from each row even when it needs fewer: fine inside the tensor, not past its end.
        float* inputEnd = input + (long)s.Planes * inPlane;
        Vector512<int> evens = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
        Vector512<int> odds = evens + Vector512<int>.One;
        Vector512<float> columns = Vector512.ConvertToSingle(evens);
        float* values = stackalloc float[16];
        float* indices = stackalloc float[16];
        for (int p = first; p < end; p++)
        {
            float* x = input + (long)p * inPlane;
            float* y = output + (long)p * outPlane;
            float* index = argMax + (long)p * outPlane;
            for (int oh = 0; oh < s.OutputHeight; oh++)
            {
                int rowStart = 2 * oh * width;
                float* top = x + rowStart;
                float* bottom = top + width;
                for (int ow = 0; ow < outW; ow += 16)
                {
                    int n = Math.Min(16, outW - ow);
                    if (bottom + 2 * ow + 32 > inputEnd)
                    {
                        MaxTwoByTwoScalar(top, bottom, rowStart, width, ow, ow + n, y + oh * outW, index + oh * outW);
                        continue;
                    }
                    Vector512<float> t0 = Vector512.Load(top + 2 * ow), t1 = Vector512.Load(top + 2 * ow + 16);
                    Vector512<float> b0 = Vector512.Load(bottom + 2 * ow), b1 = Vector512.Load(bottom + 2 * ow + 16);
                    Vector512<float> at = columns + Vector512.Create((float)(rowStart + 2 * ow));
                    Vector512<float> best = Avx512F.PermuteVar16x32x2(t0, evens, t1), bestAt = at;
                    Merge(Avx512F.PermuteVar16x32x2(t0, odds, t1), at + Vector512<float>.One, ref best, ref bestAt);
                    Merge(Avx512F.PermuteVar16x32x2(b0, evens, b1), at + Vector512.Create((float)width), ref best, ref bestAt);
                    Merge(Avx512F.PermuteVar16x32x2(b0, odds, b1), at + Vector512.Create((float)(width + 1)), ref best, ref bestAt);
                    float* yOut = y + oh * outW + ow, indexOut = index + oh * outW + ow;
                    if (n == 16)
                    {
                        best.Store(yOut);
                        bestAt.Store(indexOut);
                        continue;
                    }
                    // A partial chunk (the row's tail): the lanes past it would land in another row, or another task's plane.
                    best.Store(values);
                    bestAt.Store(indices);
                    for (int i = 0; i < n; i++)
                    {
                        yOut[i] = values[i];
                        indexOut[i] = indices[i];
                    }
                }
            }
        }
    }

    // Lanewise Beats(value, best): strictly greater, or a NaN over a non-NaN.
    private static void Merge(Vector512<float> value, Vector512<float> at, ref Vector512<float> best, ref Vector512<float> bestAt)
    {
        Vector512<float> wins = Vector512.GreaterThan(value, best) | Vector512.AndNot(Vector512.Equals(best, best), Vector512.Equals(value, value));
        best = Vector512.ConditionalSelect(wins, value, best);
        bestAt = Vector512.ConditionalSelect(wins, at, bestAt);
    }

    // Outputs [owStart, owEnd) of one output row of a 2x2 stride-2 pool: the four candidates in row-major order.
    private static void MaxTwoByTwoScalar(float* top, float* bottom, int rowStart, int width, int owStart, int owEnd, float* yRow, float* indexRow)
    {
        for (int ow = owStart; ow < owEnd; ow++)
        {
            int w = 2 * ow;
            float best = top[w];
            int at = rowStart + w;
            float v = top[w + 1];
            if (Beats(v, best)) { best = v; at = rowStart + w + 1; }
            v = bottom[w];
            if (Beats(v, best)) { best = v; at = rowStart + width + w; }
            v = bottom[w + 1];
            if (Beats(v, best)) { best = v; at = rowStart + width + w + 1; }
            yRow[ow] = best;
            indexRow[ow] = at;
        }
    }

    /// <summary>Planes [first, end) of the max-pool forward pass, any window.</summary>
    private static void MaxForward(float* input, float* output, float* argMax, in Pool2DShape s, int first, int end)
    {
        int inPlane = s.Height * s.Width, outPlane = s.OutputHeight * s.OutputWidth, width = s.Width;
        for (int p = first; p < end; p++)
        {
            float* x = input + (long)p * inPlane;
            float* y = output + (long)p * outPlane;
            float* index = argMax + (long)p * outPlane;
            for (int oh = 0; oh < s.OutputHeight; oh++)
            {
                var (hStart, hEnd) = s.RowWindow(oh);
                for (int ow = 0; ow < s.OutputWidth; ow++)
                {
                    var (wStart, wEnd) = s.ColumnWindow(ow);
                    // Padding ≤ half the window guarantees a real element in every window: start from the first one.
                    int best = hStart * width + wStart;
                    float bestValue = x[best];
                    for (int h = hStart; h < hEnd; h++)
                    {
                        for (int w = wStart; w < wEnd; w++)
                        {
                            float v = x[h * width + w];
                            if (Beats(v, bestValue))
                            {
                                best = h * width + w;
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

    /// <summary>Planes [first, end): dInput = 0, then dInput[argMax] += dOutput in output order.</summary>
    private static void MaxBackward(float* dOutput, float* argMax, float* dInput, in Pool2DShape s, int first, int end)
    {
        int inPlane = s.Height * s.Width, outPlane = s.OutputHeight * s.OutputWidth;
        for (int p = first; p < end; p++)
        {
            float* dx = dInput + (long)p * inPlane;
            float* dy = dOutput + (long)p * outPlane;
            float* index = argMax + (long)p * outPlane;
            // Plane by plane, so the scatter finds the zeroed plane still in L1.
            new Span<float>(dx, inPlane).Clear();
            for (int o = 0; o < outPlane; o++) dx[(int)index[o]] += dy[o];
        }
    }

    /// <summary>Planes [first, end) of the average-pool forward pass (count_include_pad = True).</summary>
    private static void AvgForward(float* input, float* output, in Pool2DShape s, int first, int end)
    {
        int inPlane = s.Height * s.Width, outPlane = s.OutputHeight * s.OutputWidth;
        float divisor = s.PoolHeight * s.PoolWidth;
        for (int p = first; p < end; p++)
        {
            float* x = input + (long)p * inPlane;
            float* y = output + (long)p * outPlane;
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

    /// <summary>Planes [first, end): dInput = 0, then every real element of each window += dOutput / (PoolHeight·PoolWidth).</summary>
    private static void AvgBackward(float* dOutput, float* dInput, in Pool2DShape s, int first, int end)
    {
        int inPlane = s.Height * s.Width, outPlane = s.OutputHeight * s.OutputWidth;
        float divisor = s.PoolHeight * s.PoolWidth;
        for (int p = first; p < end; p++)
        {
            float* dx = dInput + (long)p * inPlane;
            float* dy = dOutput + (long)p * outPlane;
            new Span<float>(dx, inPlane).Clear();
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

    /// <summary>Planes [first, end): output[plane] = the plane's mean.</summary>
    private static void GlobalAvgForward(float* input, float* output, int first, int end, int area)
    {
        for (int p = first; p < end; p++)
        {
            // In order, not SIMD: keeps the result identical to the ILGPU kernel's sequential sum.
            float* x = input + (long)p * area;
            float sum = 0f;
            for (int i = 0; i < area; i++) sum += x[i];
            output[p] = sum / area;
        }
    }

    /// <summary>Planes [first, end): dInput[plane, i] = dOutput[plane] / area.</summary>
    private static void GlobalAvgBackward(float* dOutput, float* dInput, int first, int end, int area)
    {
        for (int p = first; p < end; p++) new Span<float>(dInput + (long)p * area, area).Fill(dOutput[p] / area);
    }

    /// <summary>Adapter so the worker pool can run plane ranges without a closure.</summary>
    private sealed class PlaneJob(ManagedPooling owner) : ParallelJob
    {
        public override void Execute(int index, int count) => owner.ExecuteTask(index, count);
    }
}
