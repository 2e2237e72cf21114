using MLNet.DeepExtensions.Kernels;

namespace MLNet.DeepExtensions.Networks.Layers;

/// <summary>
/// A residual (skip) connection, y = F(x) + S(x): the residual path F is a chain of layers, the shortcut S is either the
/// identity or another chain (a 1x1 strided convolution when F changes the shape), as in ResNet (He et al., 2015) and
/// torchvision's BasicBlock.
/// </summary>
/// <remarks>
/// <para>Both paths must produce the same shape; the identity shortcut needs F to keep the input's shape. A final
/// activation after the sum, as in ResNet, is the next layer of the model.</para>
/// <para>Inner layers are named within the block, automatically as in <see cref="Sequential"/> ("conv2d_1", with
/// explicit names kept), and prefixed with the block's name once the model names it, so a parameter is called
/// "residual_1.conv2d_1.weight" (torch's "layer1.0.conv1.weight" style). Names must be unique within the block.</para>
/// <para>Backward sends dL/dy into both paths and sums their input gradients; the parameter gradients accumulate as
/// for any layer. Each inner layer gets its own forward seed, derived from the block's, so two dropout layers in one
/// block draw different masks.</para>
/// <para>Each path is a <see cref="LayerChain"/> (an empty one is the identity shortcut), which does the naming,
/// building, forward and backward of its layers; the block adds the two outputs and the two input gradients.</para>
/// </remarks>
public sealed class ResidualBlock : Layer
{
    private readonly LayerChain _residual;
    private readonly LayerChain _shortcut;
    private DeviceBuffer _output = null!;
    private DeviceBuffer _dInput = null!;

    /// <summary>Creates y = residual(x) + shortcut(x).</summary>
    /// <param name="residual">The residual path, first layer to last; at least one layer.</param>
    /// <param name="shortcut">The shortcut path, first to last; null or empty for the identity.</param>
    /// <param name="name">Block name; null lets the model name it ("residual_1").</param>
    public ResidualBlock(IEnumerable<Layer> residual, IEnumerable<Layer>? shortcut = null, string? name = null)
        : base(name)
    {
        _residual = new LayerChain(residual, nameof(residual), pathName: nameof(residual));
        if (_residual.Count == 0) throw new ArgumentException("A residual block needs at least one layer on its residual path; got none.", nameof(residual));
        _shortcut = new LayerChain(shortcut ?? [], nameof(shortcut), pathName: nameof(shortcut));
        LayerChain.RequireDistinctInstances("the residual block", nameof(residual), _residual, _shortcut);
        // One namespace for both paths: "residual_1.conv2d_3" may be the shortcut's projection.
        LayerChain.AssignLocalNames(duplicate => $"Two layers of the residual block are named '{duplicate}'; names must be unique within the block.", _residual, _shortcut);
        OnNameChanged();
    }

    /// <summary>The residual path, first to last.</summary>
    public IReadOnlyList<Layer> Residual => _residual.Layers;

    /// <summary>The shortcut path, first to last; empty for the identity.</summary>
    public IReadOnlyList<Layer> Shortcut => _shortcut.Layers;

    /// <summary>True when the shortcut is the identity.</summary>
    public bool HasIdentityShortcut => _shortcut.Count == 0;

    /// <inheritdoc/>
    public override string Kind => "residual";

    /// <inheritdoc/>
    internal override string SummaryType => HasIdentityShortcut ? "Residual(identity shortcut)" : "Residual";

    /// <inheritdoc/>
    internal override IEnumerable<(LayerChain Chain, string Mark)> InnerChains => [(_residual, ""), (_shortcut, "shortcut: ")];

    /// <inheritdoc/>
    protected override TensorShape BuildCore(TensorShape inputShape, ParameterStore parameters)
    {
        var residualShape = _residual.Build(inputShape, parameters);
        var shortcutShape = _shortcut.Build(inputShape, parameters);
        if (!residualShape.Equals(shortcutShape))
        {
            string shortcut = HasIdentityShortcut ? "the identity shortcut (the block's input)" : "the shortcut path";
            throw new ArgumentException(
                $"Residual block '{Name}' adds its two paths, so their outputs must have the same shape: the residual path gives {residualShape}, " +
                $"{shortcut} gives {shortcutShape} (block input {inputShape}).", nameof(inputShape));
        }
        return residualShape;
    }

    /// <inheritdoc/>
    protected override void AllocateCore(int maxBatchSize)
    {
        _residual.Allocate(Backend, maxBatchSize);
        _shortcut.Allocate(Backend, maxBatchSize);
        _output = Workspace(maxBatchSize * OutputShape.Size);
        _dInput = Workspace(maxBatchSize * InputShape.Size);
    }

    /// <inheritdoc/>
    public override DeviceBuffer Forward(DeviceBuffer input, int batchSize, in ForwardContext context)
    {
        CheckBatch(batchSize);
        // Inner layer k (residual first, then shortcut) gets Hash(block seed, k): distinct, and the same on every backend.
        var main = _residual.Forward(input, batchSize, context);
        var skip = _shortcut.Forward(input, batchSize, context, firstSeedIndex: _residual.Count);
        // Into our own buffer: an inner layer's output may be cached by the next inner layer, or be the input itself.
        int length = batchSize * OutputShape.Size;
        Backend.Copy(main, _output, length);
        Backend.Axpy(1f, skip, _output, length);
        return _output;
    }

    /// <inheritdoc/>
    public override DeviceBuffer? Backward(DeviceBuffer dOutput, int batchSize, bool computeInputGradient)
    {
        CheckBatch(batchSize);
        // dL/dy reaches both paths unchanged (y is a sum); each path's first layer skips dx when the block does.
        var dMain = _residual.Backward(dOutput, batchSize, computeInputGradient);
        var dSkip = _shortcut.Backward(dOutput, batchSize, computeInputGradient);
        if (!computeInputGradient) return null;
        int length = batchSize * InputShape.Size;
        Backend.Copy(dMain!, _dInput, length);
        Backend.Axpy(1f, dSkip!, _dInput, length);
        return _dInput;
    }

    /// <summary>"Residual[Conv2D(…) ReLU Conv2D(…) | identity]".</summary>
    public override string Describe()
    {
        string main = string.Join(" ", Residual.Select(l => l.Describe()));
        string skip = HasIdentityShortcut ? "identity" : string.Join(" ", Shortcut.Select(l => l.Describe()));
        return $"Residual[{main} | {skip}]";
    }

    /// <inheritdoc/>
    private protected override void OnNameChanged()
    {
        _residual.ApplyNames(Name);
        _shortcut.ApplyNames(Name);
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _residual.Dispose();
            _shortcut.Dispose();
        }
        base.Dispose(disposing);
    }
}
