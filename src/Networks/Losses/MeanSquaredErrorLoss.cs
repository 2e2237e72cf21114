using MLNet.DeepExtensions.Kernels;

namespace MLNet.DeepExtensions.Networks.Losses;

/// <summary>Mean squared error, mean of (p − t)² (torch.nn.MSELoss, Keras MeanSquaredError).</summary>
public sealed class MeanSquaredErrorLoss : RegressionLoss
{
    /// <inheritdoc/>
    public override string Name => "mse";

    /// <inheritdoc/>
    protected override RegressionLossKind LossKind => RegressionLossKind.MeanSquaredError;
}
