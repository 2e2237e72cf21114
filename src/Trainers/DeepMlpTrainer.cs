using Microsoft.ML;
using Microsoft.ML.Runtime;
using MLNet.DeepExtensions.Networks;
using MLNet.DeepExtensions.Networks.Layers;

namespace MLNet.DeepExtensions;

/// <summary>
/// Trains a multilayer perceptron (fully connected layers, optional batch norm and dropout) inside an ML.NET pipeline,
/// for multiclass or binary classification or regression. Created by <c>ml.MulticlassClassification.Trainers.DeepMlp</c>,
/// <c>ml.BinaryClassification.Trainers.DeepMlp</c> or <c>ml.Regression.Trainers.DeepMlp</c>.
/// </summary>
/// <remarks>
/// <para>Trainer characteristics:</para>
/// <list type="table">
/// <item><term>Tasks</term><description>multiclass (key label), binary (Boolean label), regression (Single label)</description></item>
/// <item><term>Normalization</term><description>not needed: <see cref="DeepTrainerOptions.NormalizeFeatures"/> (Auto) standardizes raw columns inside the model; regression labels are standardized for training</description></item>
/// <item><term>Caching</term><description>not needed: the data is read once into memory</description></item>
/// <item><term>Hardware</term><description>a GPU through ILGPU (CUDA/OpenCL) or the managed SIMD CPU backend</description></item>
/// <item><term>ONNX</term><description>yes: <see cref="DeepNetworkTransformer.ExportOnnx(Stream)"/>, and saved models embed ONNX</description></item>
/// </list>
/// <para>Network: for each hidden size, Dense (Glorot uniform) [→ BatchNorm] → activation [→ Dropout], then a Dense
/// output layer with one unit per class (multiclass, softmax cross-entropy with optional class weights and label
/// smoothing) or one unit (binary: sigmoid cross-entropy on the logit; regression: mean squared error).</para>
/// </remarks>
public sealed partial class DeepMlpTrainer : DeepTrainerBase<DeepMlpTransformer>
{
    private readonly Options _options;

    internal DeepMlpTrainer(IHostEnvironment environment, DeepTask task, Options options) : base(environment, "DeepMlp", task, options)
    {
        _options = options;
    }

    /// <summary>
    /// Trains on <paramref name="trainData"/> and, when given, reports metrics and early-stops on <paramref name="validationData"/>.
    /// </summary>
    public override DeepMlpTransformer Fit(IDataView trainData, IDataView? validationData)
    {
        ArgumentNullException.ThrowIfNull(trainData);
        return new DeepMlpTransformer(DeepNetworkFit.Fit(Host, "DeepMlp", Head, _options, trainData, validationData,
            schema => new TensorShape(TrainingDataReader.CheckSchema(schema, Head, _options.FeatureColumnName, _options.LabelColumnName, "Training data").FeatureCount),
            BuildLayers));
    }

    private List<Layer> BuildLayers(int outputs)
    {
        var o = _options;
        var layers = new List<Layer>();
        foreach (int units in o.HiddenLayers ?? Options.DefaultHiddenLayers)
        {
            layers.Add(new DenseLayer(units, useBias: !o.BatchNormalization)); // batch norm's β replaces the bias
            if (o.BatchNormalization) layers.Add(new BatchNormLayer());
            layers.Add(new ActivationLayer(o.Activation));
            if (o.DropoutRate > 0f) layers.Add(new DropoutLayer(o.DropoutRate));
        }
        layers.Add(new DenseLayer(outputs));
        return layers;
    }
}
