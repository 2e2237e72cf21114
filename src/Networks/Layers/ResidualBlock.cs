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
/// </remarks>
public sealed class ResidualBlock : Layer
{
    private readonly Layer[] _residual;
    private readonly Layer[] _shortcut;
    private readonly string[] _localNames; // residual layers first, then shortcut layers
    private DeviceBuffer _output = null!;
    private DeviceBuffer _dInput = null!;

    /// <summary>Creates y = residual(x) + shortcut(x).</summary>
    /// <param name="residual">The residual path, first layer to last; at least one layer.</param>
    /// <param name="shortcut">The shortcut path, first to last; null or empty for the identity.</param>
    /// <param name="name">Block name; null lets the model name it ("residual_1").</param>
    public ResidualBlock(IEnumerable<Layer> residual, IEnumerable<Layer>? shortcut = null, string? name = null)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(residual);
        _residual = residual.ToArray();
        _shortcut = shortcut?.ToArray() ?? [];
        if (_residual.Length == 0) throw new ArgumentException("A residual block needs at least one layer on its residual path; got none.", nameof(residual));
        CheckLayers(_residual, nameof(residual));
        CheckLayers(_shortcut, nameof(shortcut));
        var all = _residual.Concat(_shortcut).ToArray();
        if (all.Distinct().Count() != all.Length)
        {
            throw new ArgumentException("The same layer instance appears twice in the residual block; create a new layer for each position.", nameof(residual));
        }
        _localNames = LocalNames(all);
        OnNameChanged();
    }

    /// <summary>The residual path, first to last.</summary>
    public IReadOnlyList<Layer> Residual => _residual;

    /// <summary>The shortcut path, first to last; empty for the identity.</summary>
    public IReadOnlyList<Layer> Shortcut => _shortcut;

    /// <summary>True when the shortcut is the identity.</summary>
    public bool HasIdentityShortcut => _shortcut.Length == 0;

    /// <inheritdoc/>
    public override string Kind => "residual";

    /// <inheritdoc/>
    protected override TensorShape BuildCore(TensorShape inputShape, ParameterStore parameters)
    {
        var residualShape = BuildPath(_residual, inputShape, parameters);
        var shortcutShape = BuildPath(_shortcut, inputShape, parameters);
        if (!residualShape.Equals(shortcutShape))
        {
            string shortcut = HasIdentityShortcut ? "the identity shortcut (the block's input)" : "the shortcut path";
            throw new ArgumentException(
                $"Residual block '{Name}' adds its two paths, so their outputs must have the same shape: the residual path gives {residualShape}, " +
                $"{shortcut} gives {shortcutShape} (block input {inputShape}).", nameof(inputShape));
        }
        return residualShape;
    }

    private static TensorShape BuildPath(Layer[] path, TensorShape inputShape, ParameterStore parameters)
    {
        var shape = inputShape;
        foreach (var layer in path)
        {
            layer.Build(shape, parameters);
            shape = layer.OutputShape;
        }
        return shape;
    }

    /// <inheritdoc/>
    protected override void AllocateCore(int maxBatchSize)
    {
        foreach (var layer in _residual) layer.Allocate(Backend, maxBatchSize);
        foreach (var layer in _shortcut) layer.Allocate(Backend, maxBatchSize);
        _output = Workspace(maxBatchSize * OutputShape.Size);
        _dInput = Workspace(maxBatchSize * InputShape.Size);
    }

    /// <inheritdoc/>
    public override DeviceBuffer Forward(DeviceBuffer input, int batchSize, in ForwardContext context)
    {
        CheckBatch(batchSize);
        var main = input;
        for (int i = 0; i < _residual.Length; i++) main = _residual[i].Forward(main, batchSize, InnerContext(context, i));
        var skip = input;
        for (int i = 0; i < _shortcut.Length; i++) skip = _shortcut[i].Forward(skip, batchSize, InnerContext(context, _residual.Length + i));
        // Into our own buffer: an inner layer's output may be cached by the next inner layer, or be the input itself.
        int length = batchSize * OutputShape.Size;
        Backend.Copy(main, _output, length);
        Backend.Axpy(1f, skip, _output, length);
        return _output;
    }

    // Distinct per inner layer, and the same on every backend.
    private static ForwardContext InnerContext(in ForwardContext context, int index) =>
        new(context.Training, CounterRandom.Hash(context.Seed, index));

    /// <inheritdoc/>
    public override DeviceBuffer? Backward(DeviceBuffer dOutput, int batchSize, bool computeInputGradient)
    {
        CheckBatch(batchSize);
        // dL/dy reaches both paths unchanged (y is a sum); each path's first layer skips dx when the block does.
        var dMain = dOutput;
        for (int i = _residual.Length - 1; i >= 0; i--) dMain = _residual[i].Backward(dMain!, batchSize, i > 0 || computeInputGradient);
        var dSkip = dOutput;
        for (int i = _shortcut.Length - 1; i >= 0; i--) dSkip = _shortcut[i].Backward(dSkip!, batchSize, i > 0 || computeInputGradient);
        if (!computeInputGradient) return null;
        int length = batchSize * InputShape.Size;
        Backend.Copy(dMain!, _dInput, length);
        Backend.Axpy(1f, dSkip!, _dInput, length);
        return _dInput;
    }

    /// <summary>"Residual[Conv2D(…) ReLU Conv2D(…) | identity]".</summary>
    public override string Describe()
    {
        string main = string.Join(" ", _residual.Select(l => l.Describe()));
        string skip = HasIdentityShortcut ? "identity" : string.Join(" ", _shortcut.Select(l => l.Describe()));
        return $"Residual[{main} | {skip}]";
    }

    /// <inheritdoc/>
    private protected override void OnNameChanged()
    {
        int i = 0;
        foreach (var layer in _residual.Concat(_shortcut))
        {
            layer.Name = Name.Length == 0 ? _localNames[i] : $"{Name}.{_localNames[i]}";
            i++;
        }
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var layer in _residual) layer.Dispose();
            foreach (var layer in _shortcut) layer.Dispose();
        }
        base.Dispose(disposing);
    }

    private static void CheckLayers(Layer[] layers, string parameter)
    {
        for (int i = 0; i < layers.Length; i++)
        {
            if (layers[i] is null) throw new ArgumentNullException(parameter, $"Layer {i} of the {parameter} path is null.");
        }
    }

    // Explicit names stay; the others get "{kind}_{n}", skipping names already taken, as Sequential does.
    private static string[] LocalNames(Layer[] layers)
    {
        var explicitNames = layers.Where(l => l.Name.Length > 0).Select(l => l.Name).ToArray();
        var used = new HashSet<string>(explicitNames);
        if (used.Count != explicitNames.Length)
        {
            string duplicate = explicitNames.GroupBy(n => n).First(g => g.Count() > 1).Key;
            throw new ArgumentException($"Two layers of the residual block are named '{duplicate}'; names must be unique within the block.");
        }
        var counters = new Dictionary<string, int>();
        var names = new string[layers.Length];
        for (int i = 0; i < layers.Length; i++)
        {
            if (layers[i].Name.Length > 0)
            {
                names[i] = layers[i].Name;
                continue;
            }
            string name;
            do
            {
                counters[layers[i].Kind] = counters.GetValueOrDefault(layers[i].Kind) + 1;
                name = $"{layers[i].Kind}_{counters[layers[i].Kind]}";
            } while (!used.Add(name));
            names[i] = name;
        }
        return names;
    }
}
