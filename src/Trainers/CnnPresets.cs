namespace MLNet.DeepExtensions;

/// <summary>The hidden layers of each <see cref="CnnArchitecture"/>, written with <see cref="CnnLayer"/> as a user would.</summary>
public static class CnnPresets
{
    /// <summary>The hidden layers of <paramref name="architecture"/> (the trainer adds the output layer).</summary>
    /// <param name="architecture">The preset.</param>
    /// <param name="activation">Activation after each convolution and hidden dense layer.</param>
    /// <param name="dropoutRate">
    /// Dropout after each hidden dense layer (LeNet5, SmallVgg) or after the global average pooling (SmallResNet, which
    /// has no hidden dense layer), so the output layer reads dropped-out features in every preset; 0 for none.
    /// </param>
    public static IReadOnlyList<CnnLayer> Layers(CnnArchitecture architecture, ActivationKind activation = ActivationKind.Relu, float dropoutRate = 0f) => architecture switch
    {
        CnnArchitecture.LeNet5 => LeNet5(activation, dropoutRate),
        CnnArchitecture.SmallVgg => SmallVgg(activation, dropoutRate),
        CnnArchitecture.SmallResNet => SmallResNet(activation, dropoutRate),
        _ => throw new ArgumentOutOfRangeException(nameof(architecture), $"Unknown CnnArchitecture {architecture}; expected LeNet5, SmallVgg or SmallResNet."),
    };

    private static List<CnnLayer> LeNet5(ActivationKind f, float dropout)
    {
        var layers = new List<CnnLayer>
        {
            CnnLayer.Conv2D(6, 5, padding: 2), CnnLayer.Activation(f), CnnLayer.MaxPool(2),
            CnnLayer.Conv2D(16, 5), CnnLayer.Activation(f), CnnLayer.MaxPool(2),
            CnnLayer.Flatten(), CnnLayer.Dense(120), CnnLayer.Activation(f),
        };
        if (dropout > 0f) layers.Add(CnnLayer.Dropout(dropout));
        layers.AddRange([CnnLayer.Dense(84), CnnLayer.Activation(f)]);
        if (dropout > 0f) layers.Add(CnnLayer.Dropout(dropout));
        return layers;
    }

    private static List<CnnLayer> SmallVgg(ActivationKind f, float dropout)
    {
        var layers = new List<CnnLayer>();
        foreach (int channels in (int[])[32, 64])
        {
            // Batch norm's β replaces the convolution's bias.
            for (int i = 0; i < 2; i++) layers.AddRange([CnnLayer.Conv2D(channels, 3, padding: 1, useBias: false), CnnLayer.BatchNorm(), CnnLayer.Activation(f)]);
            layers.Add(CnnLayer.MaxPool(2));
        }
        layers.AddRange([CnnLayer.Flatten(), CnnLayer.Dense(128), CnnLayer.Activation(f)]);
        if (dropout > 0f) layers.Add(CnnLayer.Dropout(dropout));
        return layers;
    }

    private static List<CnnLayer> SmallResNet(ActivationKind f, float dropout)
    {
        var layers = new List<CnnLayer> { CnnLayer.Conv2D(16, 3, padding: 1, useBias: false), CnnLayer.BatchNorm(), CnnLayer.Activation(f) };
        int previous = 16;
        foreach (int channels in (int[])[16, 32, 64])
        {
            for (int block = 0; block < 2; block++)
            {
                int stride = block == 0 && channels != previous ? 2 : 1;
                layers.Add(BasicBlock(previous, channels, stride, f));
                layers.Add(CnnLayer.Activation(f));
                previous = channels;
            }
        }
        layers.Add(CnnLayer.GlobalAvgPool());
        // On the pooled features, before the output layer, as Keras' EfficientNet applies its top dropout.
        if (dropout > 0f) layers.Add(CnnLayer.Dropout(dropout));
        return layers;
    }

    // He et al.'s basic block: conv3x3(stride) → BN → f → conv3x3 → BN, plus the input, projected by a 1x1 conv and BN
    // when the block changes the channel count or the resolution.
    private static CnnLayer BasicBlock(int inChannels, int channels, int stride, ActivationKind f)
    {
        CnnLayer[] main =
        [
            CnnLayer.Conv2D(channels, 3, stride, padding: 1, useBias: false), CnnLayer.BatchNorm(), CnnLayer.Activation(f),
            CnnLayer.Conv2D(channels, 3, padding: 1, useBias: false), CnnLayer.BatchNorm(),
        ];
        CnnLayer[]? shortcut = stride != 1 || inChannels != channels
            ? [CnnLayer.Conv2D(channels, 1, stride, useBias: false), CnnLayer.BatchNorm()]
            : null;
        return CnnLayer.Residual(main, shortcut);
    }
}
