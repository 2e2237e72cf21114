namespace MLNet.DeepExtensions.Samples.TextReviews;

/// <summary>One row of the table: <c>ml.BinaryClassification.Evaluate</c> on the test reviews, and the Fit's wall time.</summary>
/// <param name="Trainer">The pipeline's name.</param>
/// <param name="Family">"classical" or "deep".</param>
/// <param name="Accuracy">Fraction of test reviews classified correctly (threshold 0.5 on Probability).</param>
/// <param name="Auc">Area under the ROC curve of Probability.</param>
/// <param name="F1">F1 score of the positive class (great).</param>
/// <param name="LogLoss">Mean negative log-probability of the true label.</param>
/// <param name="TrainSeconds">Wall time of the whole pipeline's Fit (text transforms included).</param>
internal sealed record ReviewResult(string Trainer, string Family, double Accuracy, double Auc, double F1, double LogLoss, double TrainSeconds);
