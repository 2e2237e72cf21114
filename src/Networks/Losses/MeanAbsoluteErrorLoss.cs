using MLNet.DeepExtensions.Kernels;

namespace MLNet.DeepExtensions.Networks.Losses;

/// <summary>Mean absolute error, mean of |p − t| (torch.nn.L1Loss, Keras MeanAbsoluteError); gradient 0 where p = t.</summary>
public sealed class MeanAbsoluteErrorLoss : RegressionLoss
{
    /// <inheritdoc/>
    public override string Name => "mae";

    /// <inheritdoc/>
    protected override RegressionLossKind LossKind => RegressionLossKind.MeanAbsoluteError;
}
