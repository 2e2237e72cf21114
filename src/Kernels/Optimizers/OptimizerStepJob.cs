using MLNet.DeepExtensions.Kernels.Backends;

namespace MLNet.DeepExtensions.Kernels.Optimizers;

/// <summary>
/// The fused optimizer step of <see cref="ManagedOptimizers"/> split across the worker pool: the step is elementwise
/// and memory-bound (Adam streams four parameter-sized arrays), so a second core nearly halves it. Chunks start at
/// multiples of 16 elements, so every element takes the same vector or scalar path as in one serial pass and the
/// results are bit-identical to it. One instance per backend, reused: a step allocates nothing.
/// </summary>
internal sealed class OptimizerStepJob : ParallelJob
{
    /// <summary>Below this many parameters one thread is faster than waking another.</summary>
    public const int ParallelThreshold = 32_768;

    private const int Alignment = 16;

    private OptimizerKind _kind;
    private OptimizerStepParameters _hyperparameters;
    private ManagedBuffer? _parameters, _gradients, _state1, _state2;
    private int _length;

    /// <summary>Runs one step over the first <paramref name="length"/> parameters on <paramref name="pool"/>.</summary>
    public void Run(WorkerPool pool, OptimizerKind kind, in OptimizerStepParameters hyperparameters, ManagedBuffer parameters,
        ManagedBuffer gradients, ManagedBuffer? state1, ManagedBuffer? state2, int length)
    {
        _kind = kind;
        _hyperparameters = hyperparameters;
        (_parameters, _gradients, _state1, _state2, _length) = (parameters, gradients, state1, state2, length);
        try
        {
            pool.Run(this, pool.ThreadCount);
        }
        finally
        {
            _parameters = _gradients = _state1 = _state2 = null;
        }
    }

    /// <inheritdoc/>
    public override void Execute(int index, int count)
    {
        int blocks = (_length + Alignment - 1) / Alignment;
        int start = (int)Math.Min((long)blocks * index / count * Alignment, _length);
        int end = (int)Math.Min((long)blocks * (index + 1) / count * Alignment, _length);
        if (start >= end) return;
        int n = end - start;
        ManagedOptimizers.Step(_kind, _hyperparameters, Slice(_parameters!, start, n), Slice(_gradients!, start, n),
            _state1 is null ? Span<float>.Empty : Slice(_state1, start, n), _state2 is null ? Span<float>.Empty : Slice(_state2, start, n));
    }

    private static Span<float> Slice(ManagedBuffer buffer, int start, int length) => buffer.Data.AsSpan(buffer.Offset + start, length);
}
