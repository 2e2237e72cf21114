using MLNet.DeepExtensions.Kernels;

namespace MLNet.DeepExtensions.Networks.Optimizers;

/// <summary>
/// Updates a model's flat parameters from their gradients with one fused elementwise kernel per step. L1 and L2
/// penalties (added to the gradient) and decoupled weight decay apply to the regularized range only (weights, not
/// biases or normalization scales), so a step is two kernel launches: the regularized range, then the rest.
/// </summary>
/// <remarks>Update rules and defaults follow PyTorch (see <see cref="OptimizerKind"/>), so runs compare with TorchSharp.</remarks>
public abstract class Optimizer : IDisposable
{
    private ParameterStore? _store;
    private DeviceBuffer? _state1, _state2;
    private Region _regularized, _plain;

    /// <summary>Sets the base learning rate.</summary>
    protected Optimizer(float learningRate)
    {
        if (!(learningRate > 0f) || !float.IsFinite(learningRate)) throw new ArgumentOutOfRangeException(nameof(learningRate), $"Learning rate must be positive and finite; got {learningRate}.");
        LearningRate = learningRate;
    }

    /// <summary>Base learning rate (a schedule scales it per epoch).</summary>
    public float LearningRate { get; }

    /// <summary>L1 penalty coefficient λ1: adds λ1·sign(w) to the gradient of regularized weights. Default 0.</summary>
    public float L1Regularization { get; init; }

    /// <summary>L2 penalty coefficient λ2: adds λ2·w to the gradient of regularized weights (coupled, as Adam's weight_decay in PyTorch). Default 0.</summary>
    public float L2Regularization { get; init; }

    /// <summary>Decoupled weight decay: w ← w·(1 − lr·decay) before the update, on regularized weights. Default 0 (AdamW: 0.01).</summary>
    public float WeightDecay { get; init; }

    /// <summary>Which update rule.</summary>
    public abstract OptimizerKind Kind { get; }

    /// <summary>Steps taken since the last <see cref="Reset"/>.</summary>
    public long StepCount { get; private set; }

    /// <summary>Short description for reports: "Adam(lr 0.001)".</summary>
    public override string ToString() => $"{Kind}(lr {LearningRate})";

    /// <summary>The kind-specific hyperparameters (β, ρ, μ, ε, bias corrections) for step <paramref name="step"/> (1-based).</summary>
    protected abstract OptimizerStepParameters RuleParameters(float learningRate, long step);

    /// <summary>Forgets the running averages and the step count (at the start of each training run).</summary>
    public void Reset()
    {
        StepCount = 0;
        if (_store is null) return;
        var backend = _store.Values.Backend;
        if (_state1 is not null) backend.Fill(_state1, 0f, _state1.Length);
        if (_state2 is not null) backend.Fill(_state2, 0f, _state2.Length);
    }

    /// <summary>One update of every trainable parameter in <paramref name="store"/> with learning rate <paramref name="learningRate"/>.</summary>
    public void Step(ParameterStore store, float learningRate)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (!ReferenceEquals(store, _store)) Bind(store);
        StepCount++;
        var rule = RuleParameters(learningRate, StepCount);
        var backend = store.Values.Backend;
        var penalized = rule with { L1 = L1Regularization, L2 = L2Regularization, WeightDecay = WeightDecay };
        var unpenalized = rule with { L1 = 0f, L2 = 0f, WeightDecay = 0f };
        if (_regularized.Length > 0) backend.OptimizerStep(Kind, penalized, _regularized.Values, _regularized.Gradients, _regularized.State1, _regularized.State2, _regularized.Length);
        if (_plain.Length > 0) backend.OptimizerStep(Kind, unpenalized, _plain.Values, _plain.Gradients, _plain.State1, _plain.State2, _plain.Length);
    }

    // State buffers and the two ranges' views are made once per store, not per step.
    private void Bind(ParameterStore store)
    {
        FreeState();
        _store = store;
        StepCount = 0;
        var backend = store.Values.Backend;
        int n = store.TrainableCount;
        bool needs1 = Kind is not OptimizerKind.Sgd;
        bool needs2 = Kind is OptimizerKind.Adadelta or OptimizerKind.Adam or OptimizerKind.AdamW;
        _state1 = needs1 ? backend.Allocate(n) : null;
        _state2 = needs2 ? backend.Allocate(n) : null;
        _regularized = Region.Of(store, _state1, _state2, 0, store.RegularizedCount);
        _plain = Region.Of(store, _state1, _state2, store.RegularizedCount, n - store.RegularizedCount);
    }

    private void FreeState()
    {
        _state1?.Dispose();
        _state2?.Dispose();
        _state1 = _state2 = null;
        _store = null;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        FreeState();
        GC.SuppressFinalize(this);
    }

    private readonly record struct Region(DeviceBuffer Values, DeviceBuffer Gradients, DeviceBuffer? State1, DeviceBuffer? State2, int Length)
    {
        public static Region Of(ParameterStore store, DeviceBuffer? state1, DeviceBuffer? state2, int start, int length) => new(
            store.Values.Slice(start, length), store.Gradients.Slice(start, length),
            state1?.Slice(start, length), state2?.Slice(start, length), length);
    }
}
