namespace MLNet.DeepExtensions.Kernels;

/// <summary>An activation and its parameter (alpha of leaky ReLU and ELU; ignored by the others).</summary>
/// <param name="Kind">Which function.</param>
/// <param name="Alpha">Slope of leaky ReLU for x &lt;= 0 (PyTorch default 0.01), or ELU's alpha (default 1).</param>
public readonly record struct Activation(ActivationKind Kind, float Alpha = 0f)
{
    /// <summary>The activation with its usual default parameter (leaky ReLU 0.01, ELU 1.0).</summary>
    public static Activation Default(ActivationKind kind) => kind switch
    {
        ActivationKind.LeakyRelu => new Activation(kind, 0.01f),
        ActivationKind.Elu => new Activation(kind, 1f),
        _ => new Activation(kind),
    };
}
