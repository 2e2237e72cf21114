using MLNet.DeepExtensions.Kernels;
using MLNet.DeepExtensions.Networks.Initializers;

namespace MLNet.DeepExtensions.Networks.Layers;

/// <summary>
/// Embedding lookup (Keras Embedding(input_dim, output_dim, mask_zero-like padding), torch.nn.Embedding): input
/// (steps) floats holding integer token ids, output (steps, embeddingSize) with row t = Weight[id_t].
/// </summary>
/// <remarks>
/// <para>An id is an integer in [0, vocabularySize), or −1 for padding, which reads as a zero vector and gets no
/// gradient. Padding is trailing: each row's length is 1 + its last non-padding step (0 for an all-padding row); the
/// recurrent layers after this one (through stacked layers and Bidirectional) mask the steps past it, so padding
/// changes neither results nor gradients. (Another negative value also reads as zero but counts in the length.)</para>
/// <para>An id outside that range (≥ vocabularySize, or fractional) is a data error: on the managed and reference
/// backends the forward pass throws <see cref="ArgumentOutOfRangeException"/> naming this layer and the bad id
/// position; the ILGPU backend does not check ids on the device and reads a zero vector for it.</para>
/// <para>Weight "{Name}.weight" (vocabularySize, embeddingSize), initialized U(−0.05, 0.05) (Keras), regularized. The
/// gradient is a deterministic scatter-add of the output gradient rows. The ids have no gradient: the input gradient,
/// when asked for, is zero.</para>
/// </remarks>
public sealed class EmbeddingLayer : Layer
{
    private Parameter _weight = null!;
    private DeviceBuffer _output = null!, _lengths = null!, _dInput = null!;
    private DeviceBuffer _ids = null!; // cache: the backward pass scatters by the same ids

    /// <summary>Creates an embedding of <paramref name="vocabularySize"/> ids into vectors of <paramref name="embeddingSize"/>.</summary>
    public EmbeddingLayer(int vocabularySize, int embeddingSize, string? name = null)
        : base(name)
    {
        if (vocabularySize <= 0) throw new ArgumentOutOfRangeException(nameof(vocabularySize), $"An embedding layer needs a positive vocabulary size; got {vocabularySize}.");
        if (embeddingSize <= 0) throw new ArgumentOutOfRangeException(nameof(embeddingSize), $"An embedding layer needs a positive embedding size; got {embeddingSize}.");
        VocabularySize = vocabularySize;
        EmbeddingSize = embeddingSize;
    }

    /// <summary>The number of table rows: ids are in [0, VocabularySize).</summary>
    public int VocabularySize { get; }

    /// <summary>The size of each embedding vector.</summary>
    public int EmbeddingSize { get; }

    /// <summary>The table, (VocabularySize, EmbeddingSize).</summary>
    public Parameter Weight => _weight;

    /// <inheritdoc/>
    public override string Kind => "embedding";

    /// <summary>Steps per sample (after build).</summary>
    public int Steps { get; private set; }

    /// <summary>Each row's sequence length (batch floats) from the last forward, for the masking layers after this one.</summary>
    internal DeviceBuffer Lengths => _lengths;

    /// <inheritdoc/>
    protected override TensorShape BuildCore(TensorShape inputShape, ParameterStore parameters)
    {
        if (inputShape.Rank != 1)
        {
            throw new ArgumentException($"Embedding layer '{Name}' needs an input shape (steps) of token ids; got {inputShape}.", nameof(inputShape));
        }
        Steps = inputShape.Dimensions[0];
        _weight = parameters.AddTrainable($"{Name}.weight", VocabularySize * EmbeddingSize, new UniformInitializer(0.05), VocabularySize, EmbeddingSize, regularized: true);
        return new TensorShape(Steps, EmbeddingSize);
    }

    /// <inheritdoc/>
    protected override void AllocateCore(int maxBatchSize)
    {
        _output = Workspace(maxBatchSize * Steps * EmbeddingSize);
        _lengths = Workspace(maxBatchSize);
        _dInput = Workspace(maxBatchSize * Steps); // stays zero: ids have no gradient
    }

    /// <inheritdoc/>
    public override DeviceBuffer Forward(DeviceBuffer input, int batchSize, in ForwardContext context)
    {
        CheckBatch(batchSize);
        _ids = input;
        int count = batchSize * Steps;
        try
        {
            Backend.GatherRowsByIndex(_weight.Value, VocabularySize, EmbeddingSize, input, count, _output);
        }
        catch (ArgumentOutOfRangeException e) when (e.ParamName == "indices")
        {
            // The backend's message names the position (indices[i] is row i / steps, step i % steps).
            throw new ArgumentOutOfRangeException(
                $"Embedding layer '{Name}' reads token ids in [0, {VocabularySize}) or -1 for padding; got {e.ActualValue}.", e);
        }
        Backend.PaddedSequenceLengths(input, _lengths, batchSize, Steps);
        return _output;
    }

    // dW[id_i] += dy_i for every non-padding position i (in order: deterministic)
    /// <inheritdoc/>
    public override DeviceBuffer? Backward(DeviceBuffer dOutput, int batchSize, bool computeInputGradient)
    {
        CheckBatch(batchSize);
        Backend.ScatterAddRows(dOutput, _ids, batchSize * Steps, EmbeddingSize, _weight.RequiredGradient, VocabularySize);
        return computeInputGradient ? _dInput : null;
    }

    /// <inheritdoc/>
    public override string Describe() => $"Embedding({VocabularySize}, {EmbeddingSize})";

    // U(−limit, limit): Keras' RandomUniform(−0.05, 0.05), the embedding default.
    private sealed class UniformInitializer(double limit) : Initializer
    {
        public override void Initialize(Span<float> values, int fanIn, int fanOut, Random random) => FillUniform(values, limit, random);
    }
}
