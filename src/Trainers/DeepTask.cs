namespace MLNet.DeepExtensions;

/// <summary>The ML.NET task a deep trainer was created for (by the catalog it came from).</summary>
public enum DeepTask
{
    /// <summary>Key label; Score = class probabilities, PredictedLabel = key.</summary>
    MulticlassClassification,

    /// <summary>Boolean label; Score = logit, Probability, PredictedLabel = Boolean.</summary>
    BinaryClassification,

    /// <summary>Single label; Score.</summary>
    Regression,
}
