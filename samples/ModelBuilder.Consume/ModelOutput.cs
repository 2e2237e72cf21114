using Microsoft.ML.Data;

namespace MLNet.DeepExtensions.Samples.ModelBuilder;

/// <summary>What the model adds to a <see cref="ModelInput"/>: the predicted digit and one probability per digit.</summary>
public class ModelOutput
{
    /// <summary>The predicted digit (the label's own value, mapped back from the key by MapKeyToValue).</summary>
    [ColumnName(@"PredictedLabel")]
    public float PredictedLabel { get; set; }

    /// <summary>Class probabilities in the label key's order (digits 0..9 ascending, see the training pipeline).</summary>
    [ColumnName(@"Score")]
    public float[] Score { get; set; } = [];
}
