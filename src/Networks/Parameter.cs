using MLNet.DeepExtensions.Kernels;
using MLNet.DeepExtensions.Networks.Initializers;

namespace MLNet.DeepExtensions.Networks;

/// <summary>
/// One named tensor of a layer: a trainable weight (with a gradient) or non-trainable state such as batch norm's
/// running statistics. Its memory is a slice of the model's flat <see cref="ParameterStore"/> buffers.
/// </summary>
public sealed class Parameter
{
    internal Parameter(string name, int size, bool trainable, bool regularized, Initializer initializer, int fanIn, int fanOut)
    {
        Name = name;
        Size = size;
        IsTrainable = trainable;
        IsRegularized = regularized;
        Initializer = initializer;
        FanIn = fanIn;
        FanOut = fanOut;
    }

    /// <summary>"dense_1.weight".</summary>
    public string Name { get; }

    /// <summary>Number of elements.</summary>
    public int Size { get; }

    /// <summary>True for weights the optimizer updates; false for state (running statistics).</summary>
    public bool IsTrainable { get; }

    /// <summary>True when L1/L2 penalties and weight decay apply (kernels); false for biases and norm scales, as in Keras' kernel_regularizer.</summary>
    public bool IsRegularized { get; }

    /// <summary>How the values start.</summary>
    public Initializer Initializer { get; }

    /// <summary>Inputs feeding one output unit (for fan-based initializers).</summary>
    public int FanIn { get; }

    /// <summary>Outputs fed by one input unit (for fan-based initializers).</summary>
    public int FanOut { get; }

    /// <summary>Offset in the store's values buffer (trainable) or state buffer (state).</summary>
    public int Offset { get; internal set; } = -1;

    /// <summary>The values (a view of the store's flat buffer); set when the store is allocated.</summary>
    public DeviceBuffer Value { get; internal set; } = null!;

    /// <summary>The gradient (a view of the store's flat gradient buffer); null for state.</summary>
    public DeviceBuffer? Gradient { get; internal set; }

    /// <summary>The gradient of a trainable parameter; throws for state.</summary>
    internal DeviceBuffer RequiredGradient => Gradient ?? throw new InvalidOperationException($"Parameter '{Name}' is state and has no gradient.");
}
