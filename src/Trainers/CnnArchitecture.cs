namespace MLNet.DeepExtensions;

/// <summary>The preset networks of <see cref="DeepCnnTrainer"/> (see <see cref="CnnPresets"/> for the exact layers).</summary>
public enum CnnArchitecture
{
    /// <summary>
    /// LeNet-5 with today's choices: conv 6@5x5 (same) → pool → conv 16@5x5 → pool → FC 120 → FC 84, with ReLU (or
    /// the Activation option) and max pooling instead of the original tanh and subsampling. About 62k parameters at 28x28.
    /// </summary>
    LeNet5,

    /// <summary>
    /// VGG-style: two blocks of [conv 3x3 → batch norm → activation] x 2 → max pool 2 (32, then 64 channels), then
    /// FC 128 → activation → dropout (DropoutRate). About 0.47M parameters at 28x28.
    /// </summary>
    SmallVgg,

    /// <summary>
    /// A CIFAR-style ResNet: conv 16@3x3 → BN → activation, three stages of two basic residual blocks (16, 32, 64
    /// channels; the first block of stages 2 and 3 halves the resolution with a 1x1 stride-2 projection shortcut), then
    /// global average pooling → dropout (DropoutRate). About 0.18M parameters.
    /// </summary>
    SmallResNet,
}
