using MLNet.DeepExtensions.Kernels;
using MLNet.DeepExtensions.Networks.Initializers;

namespace MLNet.DeepExtensions.Networks;

/// <summary>
/// All parameters of a model in three flat device buffers: trainable values, their gradients, and non-trainable
/// state. Layers declare parameters while they are built; <see cref="Allocate"/> then lays them out and initializes
/// them. Regularized parameters come first, so penalties and weight decay are one contiguous range.
/// </summary>
/// <remarks>
/// Flat buffers make an optimizer step one elementwise pass (llm.c's layout), and make snapshots (best-weights
/// restore) a single device copy.
/// </remarks>
public sealed class ParameterStore : IDisposable
{
    private readonly List<Parameter> _parameters = new();
    private ComputeBackend? _backend;

    /// <summary>Every declared parameter, in declaration order.</summary>
    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <summary>Trainable values (length <see cref="TrainableCount"/>).</summary>
    public DeviceBuffer Values { get; private set; } = null!;

    /// <summary>Gradients, aligned with <see cref="Values"/>.</summary>
    public DeviceBuffer Gradients { get; private set; } = null!;

    /// <summary>Non-trainable state (length <see cref="StateCount"/>).</summary>
    public DeviceBuffer State { get; private set; } = null!;

    /// <summary>Number of trainable scalars.</summary>
    public int TrainableCount { get; private set; }

    /// <summary>The first <see cref="RegularizedCount"/> trainable scalars are the regularized ones.</summary>
    public int RegularizedCount { get; private set; }

    /// <summary>Number of state scalars.</summary>
    public int StateCount { get; private set; }

    /// <summary>True once <see cref="Allocate"/> ran.</summary>
    public bool IsAllocated => _backend is not null;

    /// <summary>Declares a trainable parameter (before <see cref="Allocate"/>).</summary>
    public Parameter AddTrainable(string name, int size, Initializer initializer, int fanIn, int fanOut, bool regularized)
    {
        ArgumentNullException.ThrowIfNull(initializer);
        return Add(new Parameter(name, size, trainable: true, regularized, initializer, fanIn, fanOut));
    }

    /// <summary>Declares non-trainable state starting at <paramref name="initialValue"/> (before <see cref="Allocate"/>).</summary>
    public Parameter AddState(string name, int size, float initialValue) => AddState(name, size, new ConstantInitializer(initialValue));

    /// <summary>Declares non-trainable state filled by <paramref name="initializer"/> (before <see cref="Allocate"/>).</summary>
    public Parameter AddState(string name, int size, Initializer initializer)
    {
        ArgumentNullException.ThrowIfNull(initializer);
        return Add(new Parameter(name, size, trainable: false, regularized: false, initializer, size, size));
    }

    private Parameter Add(Parameter parameter)
    {
        if (IsAllocated) throw new InvalidOperationException($"Parameter '{parameter.Name}' was declared after the store was allocated.");
        if (parameter.Size <= 0) throw new ArgumentOutOfRangeException(nameof(parameter), $"Parameter '{parameter.Name}' must have a positive size; got {parameter.Size}.");
        _parameters.Add(parameter);
        return parameter;
    }

    /// <summary>
    /// Lays out the declared parameters (regularized trainables, other trainables, state), allocates the buffers on
    /// <paramref name="backend"/> and initializes the values with a <see cref="Random"/> seeded by <paramref name="seed"/>,
    /// drawing parameters in declaration order so that the same seed gives the same weights on every backend.
    /// </summary>
    public void Allocate(ComputeBackend backend, int seed)
    {
        ArgumentNullException.ThrowIfNull(backend);
        if (IsAllocated) throw new InvalidOperationException("The parameter store is already allocated.");
        int offset = 0;
        foreach (var p in _parameters) if (p.IsTrainable && p.IsRegularized) { p.Offset = offset; offset += p.Size; }
        RegularizedCount = offset;
        foreach (var p in _parameters) if (p.IsTrainable && !p.IsRegularized) { p.Offset = offset; offset += p.Size; }
        TrainableCount = offset;
        int stateOffset = 0;
        foreach (var p in _parameters) if (!p.IsTrainable) { p.Offset = stateOffset; stateOffset += p.Size; }
        StateCount = stateOffset;

        _backend = backend;
        Values = backend.Allocate(TrainableCount);
        Gradients = backend.Allocate(TrainableCount);
        State = backend.Allocate(StateCount);

        var values = new float[TrainableCount];
        var state = new float[StateCount];
        var random = new Random(seed);
        foreach (var p in _parameters)
        {
            var target = p.IsTrainable ? values.AsSpan(p.Offset, p.Size) : state.AsSpan(p.Offset, p.Size);
            p.Initializer.Initialize(target, p.FanIn, p.FanOut, random);
            p.Value = (p.IsTrainable ? Values : State).Slice(p.Offset, p.Size);
            p.Gradient = p.IsTrainable ? Gradients.Slice(p.Offset, p.Size) : null;
        }
        backend.Upload(values, Values);
        backend.Upload(state, State);
    }

    /// <summary>Sets every gradient to zero (once per batch: layers accumulate into them).</summary>
    public void ZeroGradients() => Backend.Fill(Gradients, 0f, TrainableCount);

    /// <summary>Copies trainable values and state to the host: values first, then state.</summary>
    public float[] Read()
    {
        var all = new float[TrainableCount + StateCount];
        Backend.Download(Values, all.AsSpan(0, TrainableCount));
        Backend.Download(State, all.AsSpan(TrainableCount, StateCount));
        return all;
    }

    /// <summary>Overwrites trainable values and state from the layout <see cref="Read"/> returns.</summary>
    public void Write(ReadOnlySpan<float> all)
    {
        if (all.Length != TrainableCount + StateCount)
        {
            throw new ArgumentException($"Expected {TrainableCount + StateCount} values ({TrainableCount} trainable + {StateCount} state); got {all.Length}.", nameof(all));
        }
        Backend.Upload(all[..TrainableCount], Values);
        Backend.Upload(all.Slice(TrainableCount, StateCount), State);
    }

    /// <summary>Device-side copy of values and state into a snapshot buffer (length TrainableCount + StateCount).</summary>
    internal void SaveTo(DeviceBuffer snapshot)
    {
        Backend.Copy(Values, snapshot, TrainableCount);
        Backend.Copy(State, snapshot.Slice(TrainableCount, StateCount), StateCount);
    }

    /// <summary>Restores values and state from a snapshot made by <see cref="SaveTo"/>.</summary>
    internal void RestoreFrom(DeviceBuffer snapshot)
    {
        Backend.Copy(snapshot, Values, TrainableCount);
        Backend.Copy(snapshot.Slice(TrainableCount, StateCount), State, StateCount);
    }

    private ComputeBackend Backend => _backend ?? throw new InvalidOperationException("The parameter store is not allocated yet: build the model first.");

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_backend is null) return;
        Values.Dispose();
        Gradients.Dispose();
        State.Dispose();
    }
}
