using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using MLNet.DeepExtensions.Networks;
using MLNet.DeepExtensions.Networks.Layers;

namespace MLNet.DeepExtensions;

/// <summary>
/// Trains a convolutional network on images inside an ML.NET pipeline, for multiclass or binary classification or
/// regression. Created by <c>ml.MulticlassClassification.Trainers.DeepCnn</c>, <c>ml.BinaryClassification.Trainers.DeepCnn</c>
/// or <c>ml.Regression.Trainers.DeepCnn</c>.
/// </summary>
/// <remarks>
/// <para>Trainer characteristics:</para>
/// <list type="table">
/// <item><term>Tasks</term><description>multiclass (key label), binary (Boolean label), regression (Single label)</description></item>
/// <item><term>Features</term><description>a known-size vector of Single holding channels × height × width values, planar (CHW), as <c>ExtractPixels</c> writes them; raw 0-255 pixels are scaled per channel inside the model (<see cref="DeepTrainerOptions.NormalizeFeatures"/> Auto), pixels already in [0, 1] are used as they come</description></item>
/// <item><term>Image shape</term><description>from the feature column's dimensions (ExtractPixels declares them), else <see cref="Options.ImageShape"/></description></item>
/// <item><term>Hardware</term><description>a GPU through ILGPU (CUDA/OpenCL) or the managed SIMD CPU backend</description></item>
/// <item><term>ONNX</term><description>yes: <see cref="DeepNetworkTransformer.ExportOnnx(Stream)"/>, and saved models embed ONNX</description></item>
/// </list>
/// <para>Network: the augmentation layers (training only), the hidden layers of <see cref="Options.Layers"/> or of the
/// <see cref="Options.Architecture"/> preset, then a Dense output layer with one unit per class (multiclass, softmax
/// cross-entropy with optional class weights and label smoothing) or one unit (binary: sigmoid cross-entropy; regression: mean squared error).</para>
/// </remarks>
public sealed partial class DeepCnnTrainer : DeepTrainerBase<DeepCnnTransformer>
{
    private readonly Options _options;

    internal DeepCnnTrainer(IHostEnvironment environment, DeepTask task, Options options) : base(environment, "DeepCnn", task, options)
    {
        _options = options;
    }

    /// <summary>
    /// Trains on <paramref name="trainData"/> and, when given, reports metrics and early-stops on <paramref name="validationData"/>.
    /// </summary>
    public override DeepCnnTransformer Fit(IDataView trainData, IDataView? validationData)
    {
        ArgumentNullException.ThrowIfNull(trainData);
        var fit = DeepNetworkFit.Fit(Host, "DeepCnn", Head, _options, trainData, validationData,
            schema => ImageShapeOf(schema, _options), BuildLayers);
        return new DeepCnnTransformer(fit);
    }

    /// <summary>
    /// The (channels, height, width) of one sample: the feature column's declared dimensions, else
    /// <see cref="Options.ImageShape"/>; a disagreement, or neither, is an error naming both.
    /// </summary>
    internal static TensorShape ImageShapeOf(DataViewSchema schema, Options o)
    {
        var column = schema[o.FeatureColumnName];
        var vector = (VectorDataViewType)column.Type; // CheckSchema ran first: a known-size vector of Single
        var dims = vector.Dimensions;
        string declared = string.Join("x", dims);
        string? option = o.ImageShape is null ? null : string.Join("x", o.ImageShape);
        int[]? fromColumn = dims.Length switch
        {
            3 => [dims[0], dims[1], dims[2]],
            2 => [1, dims[0], dims[1]], // a grayscale image declared as (height, width)
            _ => null,
        };
        if (fromColumn is not null)
        {
            if (o.ImageShape is not null && !o.ImageShape.AsSpan().SequenceEqual(fromColumn))
            {
                throw new ArgumentOutOfRangeException(nameof(Options.ImageShape),
                    $"Feature column '{o.FeatureColumnName}' declares images of {string.Join("x", fromColumn)} (channels x height x width, from its type {TrainingDataReader.Describe(vector)}), " +
                    $"but DeepCnnTrainer.Options.ImageShape is {option}; set ImageShape to null or to the column's shape.");
            }
            return CheckCropPadding(new TensorShape(fromColumn), o);
        }
        if (o.ImageShape is null)
        {
            throw new ArgumentOutOfRangeException(nameof(Options.ImageShape),
                $"Feature column '{o.FeatureColumnName}' is {TrainingDataReader.Describe(vector)}, which does not declare an image shape; " +
                $"set DeepCnnTrainer.Options.ImageShape to [channels, height, width] (e.g. [1, 28, 28] for 784 grayscale pixels), or produce the column with ExtractPixels.");
        }
        long size = (long)o.ImageShape[0] * o.ImageShape[1] * o.ImageShape[2];
        if (size != vector.Size)
        {
            throw new ArgumentOutOfRangeException(nameof(Options.ImageShape),
                $"DeepCnnTrainer.Options.ImageShape {option} holds {size} values, but feature column '{o.FeatureColumnName}' has {vector.Size} ({TrainingDataReader.Describe(vector)}).");
        }
        return CheckCropPadding(new TensorShape(o.ImageShape), o);
    }

    private static TensorShape CheckCropPadding(TensorShape image, Options o)
    {
        if (o.RandomCropPadding >= image.Dimensions[1] || o.RandomCropPadding >= image.Dimensions[2])
        {
            throw new ArgumentOutOfRangeException(nameof(Options.RandomCropPadding),
                $"DeepCnnTrainer.Options.RandomCropPadding must be less than the image height and width ({string.Join("x", image.Dimensions)}); got {o.RandomCropPadding}.");
        }
        return image;
    }

    private List<Layer> BuildLayers(int outputs)
    {
        var o = _options;
        var layers = new List<Layer>();
        // Augmentation first: active in training only, the identity when scoring (and absent from the ONNX graph).
        if (o.RandomHorizontalFlip) layers.Add(new RandomHorizontalFlipLayer());
        if (o.RandomCropPadding > 0) layers.Add(new RandomCropLayer(o.RandomCropPadding));
        if (o.GaussianNoiseStandardDeviation > 0f) layers.Add(new GaussianNoiseLayer(o.GaussianNoiseStandardDeviation));
        IReadOnlyList<CnnLayer> hidden = o.Layers ?? CnnPresets.Layers(o.Architecture, o.Activation, o.DropoutRate);
        layers.AddRange(CnnLayer.CreateAll(hidden, spatial: true));
        if (CnnLayer.SpatialAfter(hidden, spatial: true)) layers.Add(new FlattenLayer());
        layers.Add(new DenseLayer(outputs));
        return layers;
    }
}
