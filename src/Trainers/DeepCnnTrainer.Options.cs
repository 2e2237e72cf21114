using System.Globalization;

namespace MLNet.DeepExtensions;

public sealed partial class DeepCnnTrainer
{
    /// <summary>
    /// Options of <see cref="DeepCnnTrainer"/>: the shared training options of <see cref="DeepTrainerOptions"/> (the
    /// same names as <see cref="DeepMlpTrainer.Options"/>), the network, the image shape and the augmentation.
    /// </summary>
    /// <remarks>
    /// <para><see cref="DeepTrainerOptions.Activation"/> and <see cref="DeepTrainerOptions.DropoutRate"/> shape the
    /// <see cref="Architecture"/> presets (see <see cref="CnnPresets"/>). A custom <see cref="Layers"/> list says where
    /// each activation and dropout goes itself, so there they must keep their defaults (ReLU, 0): a different value is
    /// rejected when the trainer is created, rather than silently ignored; write <see cref="CnnLayer.Activation"/> and
    /// <see cref="CnnLayer.Dropout"/> into the list instead.</para>
    /// <para>Every preset applies DropoutRate: after each hidden dense layer of LeNet5 and SmallVgg, and after the global
    /// average pooling of SmallResNet, which has no hidden dense layer. So the output layer reads dropped-out features
    /// whichever preset is chosen, as an ML.NET user would expect of an option shared by all of them (SmallResNet used to
    /// ignore it), in the place Keras' EfficientNet puts its top dropout; the residual blocks stay dropout-free, as in
    /// ResNet.</para>
    /// </remarks>
    public sealed class Options : DeepTrainerOptions
    {
        /// <summary>The preset network, used when <see cref="Layers"/> is null. Default LeNet5.</summary>
        public CnnArchitecture Architecture = CnnArchitecture.LeNet5;

        /// <summary>
        /// A custom network: its hidden layers, input side first (see <see cref="CnnLayer"/>); the trainer adds the
        /// output layer. When set, it replaces <see cref="Architecture"/>. Default null.
        /// </summary>
        public CnnLayer[]? Layers;

        /// <summary>
        /// The shape of one image, [channels, height, width], for a feature column that does not declare it (a flat
        /// vector). ImageAnalytics' <c>ExtractPixels</c> declares it, and then this must be null or agree. Default null.
        /// </summary>
        public int[]? ImageShape;

        /// <summary>Training only: mirror each image left-right with probability 1/2. Default false.</summary>
        public bool RandomHorizontalFlip;

        /// <summary>
        /// Training only: shift each image by up to this many pixels in each direction, filling with zeros (torchvision's
        /// RandomCrop with this padding); 0 or more, less than the image's height and width. Default 0.
        /// </summary>
        public int RandomCropPadding;

        /// <summary>Training only: add Gaussian noise of this standard deviation to every pixel; 0 or more. Default 0.</summary>
        public float GaussianNoiseStandardDeviation;

        private protected override string OptionsName => "DeepCnnTrainer.Options";

        // "DeepCnnTrainer.Options.DropoutRate = 0.3 is not used with a custom Layers list; add CnnLayer.Dropout(0.3f) to Layers instead."
        private ArgumentOutOfRangeException NotUsedWithCustomLayers(string name, object value, string advice) =>
            new(name, $"{OptionsName}.{name} = {value} is not used with a custom Layers list; {advice}");

        /// <inheritdoc/>
        public override void Validate()
        {
            base.Validate();
            if (Layers is null && !Enum.IsDefined(Architecture)) throw Invalid(nameof(Architecture), "LeNet5, SmallVgg or SmallResNet", Architecture);
            if (Layers is not null)
            {
                if (Layers.Length == 0) throw Invalid(nameof(Layers), "null (use Architecture) or at least one layer", "an empty array");
                int bad = Array.IndexOf(Layers, null);
                if (bad >= 0) throw Invalid(nameof(Layers), "non-null layers", $"Layers[{bad}] = null");
                // The presets' knobs: a custom list places its own activations and dropouts.
                if (Activation != Defaults.Activation)
                {
                    throw NotUsedWithCustomLayers(nameof(Activation), Activation,
                        $"add CnnLayer.Activation(ActivationKind.{Activation}) to Layers after each layer it should follow instead.");
                }
                if (DropoutRate != 0f)
                {
                    string rate = DropoutRate.ToString(CultureInfo.InvariantCulture);
                    throw NotUsedWithCustomLayers(nameof(DropoutRate), rate, $"add CnnLayer.Dropout({rate}f) to Layers instead.");
                }
            }
            if (ImageShape is not null && (ImageShape.Length != 3 || ImageShape.Any(d => d <= 0)))
            {
                throw Invalid(nameof(ImageShape), "null or [channels, height, width] with three positive values", $"[{string.Join(", ", ImageShape)}]");
            }
            if (RandomCropPadding < 0) throw Invalid(nameof(RandomCropPadding), "0 or more", RandomCropPadding);
            if (!(GaussianNoiseStandardDeviation >= 0f) || !float.IsFinite(GaussianNoiseStandardDeviation))
            {
                throw Invalid(nameof(GaussianNoiseStandardDeviation), "0 or more and finite", GaussianNoiseStandardDeviation);
            }
        }
    }
}
