namespace MLNet.DeepExtensions;

public sealed partial class DeepRnnTrainer
{
    /// <summary>
    /// Options of <see cref="DeepRnnTrainer"/>: the shared training options of <see cref="DeepTrainerOptions"/> (the same
    /// names as <see cref="DeepMlpTrainer.Options"/>), the recurrent network, and how the feature column is read as a
    /// sequence: a float vector as <see cref="SequenceShape"/> = [steps, features], or a vector of token keys through an
    /// Embedding of <see cref="EmbeddingSize"/>.
    /// </summary>
    /// <remarks>
    /// <para><see cref="DeepTrainerOptions.GradientClipNorm"/> defaults to <see cref="Defaults.GradientClipNorm"/> = 1 here
    /// (0, off, for the other trainers): back-propagation through time multiplies by the recurrent weights once per step,
    /// so a rare batch can have an exploding gradient (Pascanu, Mikolov and Bengio, 2013) that one unclipped step turns
    /// into ruined weights. A global norm of 1 is Keras' usual clipnorm for recurrent examples; with Adam (the default)
    /// a rescaled gradient still moves each weight by about the learning rate, so the clip costs nothing on ordinary
    /// batches. Set it to 0 to turn clipping off, or higher for plain SGD with large gradients.</para>
    /// <para><see cref="DeepTrainerOptions.Activation"/> and <see cref="DeepTrainerOptions.DropoutRate"/> apply to the
    /// <see cref="DenseLayers"/> after the recurrent part; DropoutRate also drops out the recurrent part's output (Keras'
    /// LSTM → Dropout → Dense). The cells' own activations are fixed by their equations (tanh; sigmoid gates).</para>
    /// <para><see cref="DeepTrainerOptions.NormalizeFeatures"/> (float sequences): Auto standardizes each feature with its
    /// mean and standard deviation over all steps and rows, the same statistics at every step, because a step is another
    /// observation of the same features: per-(step, feature) statistics would give the network a different input scale at
    /// each step for the same recurrent weights, and would blow up features that happen to be constant at some steps
    /// (the blank first pixels of an image row). Token keys are ids and are never scaled.</para>
    /// </remarks>
    public sealed class Options : DeepTrainerOptions
    {
        /// <summary>Creates the options with this trainer's defaults (among them <see cref="DeepTrainerOptions.GradientClipNorm"/> = 1).</summary>
        public Options()
        {
            GradientClipNorm = Defaults.GradientClipNorm;
        }

        /// <summary>The recurrent cell: SimpleRnn, Lstm or Gru. Default Lstm.</summary>
        public RnnCellType CellType = Defaults.CellType;

        /// <summary>Units of each recurrent layer (and of each direction when <see cref="Bidirectional"/>); positive. Default 128.</summary>
        public int HiddenSize = Defaults.HiddenSize;

        /// <summary>Stacked recurrent layers; positive. Every layer but the last returns its whole sequence to the next; the last returns its final state. Default 1.</summary>
        public int NumberOfLayers = Defaults.NumberOfLayers;

        /// <summary>
        /// Run each recurrent layer forward and backward over the sequence (Keras' Bidirectional, torch's bidirectional=True)
        /// and concatenate the two outputs, doubling their width. Default false.
        /// </summary>
        public bool Bidirectional;

        /// <summary>
        /// For a float feature column: [steps, features], its values read step by step (steps·features must be the column's
        /// size; e.g. [28, 28] reads a 28×28 image row by row). A column whose type declares two dimensions
        /// (<c>VectorDataViewType.Dimensions</c>) gives them itself, and then this must be null or agree. Must be null for
        /// token keys. Default null.
        /// </summary>
        public int[]? SequenceShape;

        /// <summary>
        /// For a feature column of token keys (a variable-length vector of keys, e.g. <c>TokenizeIntoWords</c> then
        /// <c>MapValueToKey</c>): the width of the learned vector of each token (an Embedding of key count + 1 rows: key k
        /// is row k, 0 being ML.NET's missing/unseen key). Positive for token keys; 0 for a float column. Default 0.
        /// </summary>
        public int EmbeddingSize;

        /// <summary>
        /// Token keys only: the steps the network reads, 0 or positive. 0 takes the longest training sequence. Shorter rows
        /// are padded (masked: the padding changes nothing); a longer row, in training or at scoring, is cut to its first
        /// MaxSequenceLength tokens. Default 0.
        /// </summary>
        public int MaxSequenceLength;

        /// <summary>
        /// Units of the fully connected hidden layers after the recurrent part (each followed by
        /// <see cref="DeepTrainerOptions.Activation"/> and, when set, dropout), input side first; null or empty for none,
        /// so the output layer reads the recurrent state directly. Each positive. Default null.
        /// </summary>
        public int[]? DenseLayers;

        private protected override string OptionsName => "DeepRnnTrainer.Options";

        /// <summary>Whether the feature column is read as token keys (<see cref="EmbeddingSize"/> &gt; 0).</summary>
        internal bool ReadsTokens => EmbeddingSize > 0;

        /// <inheritdoc/>
        public override void Validate()
        {
            base.Validate();
            if (!Enum.IsDefined(CellType)) throw Invalid(nameof(CellType), "SimpleRnn, Lstm or Gru", CellType);
            if (HiddenSize <= 0) throw Invalid(nameof(HiddenSize), "positive", HiddenSize);
            if (NumberOfLayers <= 0) throw Invalid(nameof(NumberOfLayers), "positive", NumberOfLayers);
            if (SequenceShape is not null && (SequenceShape.Length != 2 || SequenceShape.Any(d => d <= 0)))
            {
                throw Invalid(nameof(SequenceShape), "null or [steps, features] with two positive values", $"[{string.Join(", ", SequenceShape)}]");
            }
            if (EmbeddingSize < 0) throw Invalid(nameof(EmbeddingSize), "0 (a float column) or positive (token keys)", EmbeddingSize);
            if (MaxSequenceLength < 0) throw Invalid(nameof(MaxSequenceLength), "0 (the longest training sequence) or positive", MaxSequenceLength);
            if (DenseLayers is not null)
            {
                for (int i = 0; i < DenseLayers.Length; i++)
                {
                    if (DenseLayers[i] <= 0) throw Invalid(nameof(DenseLayers), "positive layer sizes", $"DenseLayers[{i}] = {DenseLayers[i]}");
                }
            }
            if (ReadsTokens && SequenceShape is not null)
            {
                throw new ArgumentOutOfRangeException(nameof(SequenceShape),
                    $"{OptionsName}.SequenceShape applies to a float feature column, but EmbeddingSize = {EmbeddingSize} reads token keys; set SequenceShape to null (a token sequence has one key per step).");
            }
            if (!ReadsTokens && MaxSequenceLength != 0)
            {
                throw new ArgumentOutOfRangeException(nameof(MaxSequenceLength),
                    $"{OptionsName}.MaxSequenceLength = {MaxSequenceLength} applies to token keys only; set EmbeddingSize for a key column, or leave MaxSequenceLength at 0 for a float column (its steps come from SequenceShape).");
            }
            if (ReadsTokens && NormalizeFeatures == FeatureNormalization.Standardize)
            {
                throw new ArgumentOutOfRangeException(nameof(NormalizeFeatures),
                    $"{OptionsName}.NormalizeFeatures = Standardize does not apply to token keys (EmbeddingSize = {EmbeddingSize}): keys are ids, not measurements; use Auto or None.");
            }
        }

        /// <summary>The defaults of DeepRnn's own options (the shared ones are in <see cref="DeepTrainerOptions.Defaults"/>).</summary>
        public new static class Defaults
        {
            /// <summary>Lstm.</summary>
            public const RnnCellType CellType = RnnCellType.Lstm;
            /// <summary>128.</summary>
            public const int HiddenSize = 128;
            /// <summary>1.</summary>
            public const int NumberOfLayers = 1;
            /// <summary>1: clip the global gradient norm at 1 (see the remarks of <see cref="Options"/>).</summary>
            public const float GradientClipNorm = 1f;
        }
    }
}
