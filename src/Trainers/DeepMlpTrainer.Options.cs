namespace MLNet.DeepExtensions;

public sealed partial class DeepMlpTrainer
{
    /// <summary>
    /// Options of <see cref="DeepMlpTrainer"/>, one class for the multiclass, binary and regression tasks: the shared
    /// training options of <see cref="DeepTrainerOptions"/> plus the shape of the perceptron.
    /// </summary>
    public sealed class Options : DeepTrainerOptions
    {
        /// <summary>Units of each hidden layer, input side first; each positive; empty for a linear model. Default [256, 128] (<see cref="DefaultHiddenLayers"/>).</summary>
        public int[]? HiddenLayers;

        /// <summary>Batch normalization between each hidden layer and its activation. Default false.</summary>
        public bool BatchNormalization;

        /// <summary>The hidden layers used when <see cref="HiddenLayers"/> is null: [256, 128].</summary>
        public static int[] DefaultHiddenLayers => [256, 128];

        private protected override string OptionsName => "DeepMlpTrainer.Options";

        /// <inheritdoc/>
        public override void Validate()
        {
            base.Validate();
            var hidden = HiddenLayers ?? DefaultHiddenLayers;
            for (int i = 0; i < hidden.Length; i++)
            {
                if (hidden[i] <= 0) throw Invalid(nameof(HiddenLayers), "positive layer sizes", $"HiddenLayers[{i}] = {hidden[i]}");
            }
        }
    }
}
