using MLNet.DeepExtensions.Kernels;
using MLNet.DeepExtensions.Networks.Layers;

namespace MLNet.DeepExtensions.Networks.Tests.Layers;

/// <summary>Finite-difference checks (double precision) of every layer's backward pass, inputs and parameters.</summary>
public sealed class LayerGradientTests
{
    [Theory]
    [InlineData(1, 1, 1, true)]
    [InlineData(3, 5, 4, true)]
    [InlineData(7, 6, 2, false)]
    public void Dense(int batch, int inputs, int units, bool useBias) =>
        GradientCheck.CheckModel([new DenseLayer(units, useBias)], new TensorShape(inputs), batch);

    [Theory]
    [InlineData(ActivationKind.Identity)]
    [InlineData(ActivationKind.Sigmoid)]
    [InlineData(ActivationKind.Tanh)]
    [InlineData(ActivationKind.Relu)]
    [InlineData(ActivationKind.LeakyRelu)]
    [InlineData(ActivationKind.Elu)]
    [InlineData(ActivationKind.Selu)]
    [InlineData(ActivationKind.Gelu)]
    [InlineData(ActivationKind.Swish)]
    [InlineData(ActivationKind.Softplus)]
    public void Activation(ActivationKind kind) =>
        GradientCheck.CheckModel([new ActivationLayer(kind)], new TensorShape(9), batch: 4, inputScale: 3.0);

    [Fact]
    public void LeakyReluWithCustomSlope() =>
        GradientCheck.CheckModel([new ActivationLayer(new Activation(ActivationKind.LeakyRelu, 0.2f))], new TensorShape(8), batch: 3, inputScale: 2.0);

    [Theory]
    [InlineData(2, 3)]
    [InlineData(4, 1)]
    public void Maxout(int pieces, int units) =>
        GradientCheck.CheckModel([new MaxoutLayer(pieces)], new TensorShape(units * pieces), batch: 5);

    [Fact]
    public void DropoutInTraining() =>
        GradientCheck.CheckModel([new DropoutLayer(0.4f)], new TensorShape(20), batch: 6);

    [Fact]
    public void DropoutInInference() =>
        GradientCheck.CheckModel([new DropoutLayer(0.4f)], new TensorShape(5), batch: 2, training: false);

    [Theory]
    [InlineData(2, 3)]
    [InlineData(7, 5)]
    public void BatchNormInTraining(int batch, int features) =>
        GradientCheck.CheckModel([new BatchNormLayer()], new TensorShape(features), batch);

    [Fact]
    public void BatchNormInInference() =>
        GradientCheck.CheckModel([new BatchNormLayer()], new TensorShape(4), batch: 3, training: false);

    [Theory]
    [InlineData(1, 6)]
    [InlineData(5, 3)]
    public void LayerNorm(int batch, int features) =>
        GradientCheck.CheckModel([new LayerNormLayer()], new TensorShape(features), batch);

    [Fact]
    public void FlattenOfAnImageShape() =>
        GradientCheck.CheckModel([new FlattenLayer(), new DenseLayer(3)], new TensorShape(2, 3, 4), batch: 2);

    [Fact]
    public void StackedModelComposesGradients() =>
        GradientCheck.CheckModel(
            [new DenseLayer(6), new BatchNormLayer(), new ActivationLayer(ActivationKind.Tanh), new DropoutLayer(0.25f),
             new DenseLayer(8), new MaxoutLayer(2), new LayerNormLayer(), new DenseLayer(3)],
            new TensorShape(5), batch: 4);
}
