namespace MLNet.DeepExtensions.Kernels;

// The losses operations: public methods that check their arguments, and the Core methods a backend implements.
public abstract partial class ComputeBackend
{
    /// <summary>
    /// Softmax cross-entropy. targets[r] is the class index y. With label smoothing ε the target distribution is
    /// q_c = (1 − ε)·[c = y] + ε/K; rowLoss[r] = w_y · (−Σ_c q_c · log p_c) with w = classWeights (all 1 when null);
    /// dLogits[r, c] = gradientScale · w_y · (p_c − q_c). probabilities receives the softmax.
    /// Class weights scale each row's loss, and the batch mean divides by the row count (Keras' sample-weight rule).
    /// </summary>
    public void SoftmaxCrossEntropy(DeviceBuffer logits, DeviceBuffer targets, DeviceBuffer? classWeights,
        float labelSmoothing, int rows, int classes, float gradientScale,
        DeviceBuffer probabilities, DeviceBuffer? dLogits, DeviceBuffer rowLoss)
    {
        CheckPositive(classes, nameof(classes));
        CheckMatrix(logits, rows, classes, nameof(logits));
        CheckVector(targets, rows, nameof(targets));
        if (classWeights is not null) CheckVector(classWeights, classes, nameof(classWeights));
        if (!(labelSmoothing >= 0f && labelSmoothing < 1f)) throw Argument(nameof(labelSmoothing), "a value in [0, 1)", labelSmoothing);
        CheckMatrix(probabilities, rows, classes, nameof(probabilities));
        if (dLogits is not null) CheckMatrix(dLogits, rows, classes, nameof(dLogits));
        CheckVector(rowLoss, rows, nameof(rowLoss));
        SoftmaxCrossEntropyCore(logits, targets, classWeights, labelSmoothing, rows, classes, gradientScale, probabilities, dLogits, rowLoss);
    }

    /// <summary>
    /// Binary cross-entropy on logits x with targets t in [0, 1], per element
    /// l = max(x, 0) − x·t + log(1 + e^−|x|); rowLoss[r] = mean over the row's columns;
    /// dLogits = gradientScale · (σ(x) − t) / columns.
    /// </summary>
    public void BinaryCrossEntropyWithLogits(DeviceBuffer logits, DeviceBuffer targets, int rows, int columns,
        float gradientScale, DeviceBuffer? dLogits, DeviceBuffer rowLoss)
    {
        CheckPositive(columns, nameof(columns));
        CheckMatrix(logits, rows, columns, nameof(logits));
        CheckMatrix(targets, rows, columns, nameof(targets));
        if (dLogits is not null) CheckMatrix(dLogits, rows, columns, nameof(dLogits));
        CheckVector(rowLoss, rows, nameof(rowLoss));
        BinaryCrossEntropyWithLogitsCore(logits, targets, rows, columns, gradientScale, dLogits, rowLoss);
    }

    /// <summary>
    /// MSE, MAE or Huber (parameter <paramref name="delta"/>) per element (see <see cref="RegressionLossKind"/>);
    /// rowLoss[r] = mean over the row's columns; dPredictions = gradientScale · l'(p − t) / columns.
    /// </summary>
    public void RegressionLoss(RegressionLossKind kind, float delta, DeviceBuffer predictions, DeviceBuffer targets,
        int rows, int columns, float gradientScale, DeviceBuffer? dPredictions, DeviceBuffer rowLoss)
    {
        CheckPositive(columns, nameof(columns));
        if (kind == RegressionLossKind.Huber && !(delta > 0f)) throw Argument(nameof(delta), "a positive Huber delta", delta);
        CheckMatrix(predictions, rows, columns, nameof(predictions));
        CheckMatrix(targets, rows, columns, nameof(targets));
        if (dPredictions is not null) CheckMatrix(dPredictions, rows, columns, nameof(dPredictions));
        CheckVector(rowLoss, rows, nameof(rowLoss));
        RegressionLossCore(kind, delta, predictions, targets, rows, columns, gradientScale, dPredictions, rowLoss);
    }

    /// <summary>
    /// Multiclass hinge (PyTorch's MultiMarginLoss, p = 1): rowLoss[r] = Σ_{c≠y} max(0, margin − s_y + s_c) / classes;
    /// a term is active when strictly positive; dScores[r, c] = gradientScale/classes for each active c and
    /// −gradientScale·(active count)/classes at c = y.
    /// </summary>
    public void MulticlassHinge(DeviceBuffer scores, DeviceBuffer targets, float margin, int rows, int classes,
        float gradientScale, DeviceBuffer? dScores, DeviceBuffer rowLoss)
    {
        CheckPositive(classes, nameof(classes));
        CheckMatrix(scores, rows, classes, nameof(scores));
        CheckVector(targets, rows, nameof(targets));
        if (dScores is not null) CheckMatrix(dScores, rows, classes, nameof(dScores));
        CheckVector(rowLoss, rows, nameof(rowLoss));
        MulticlassHingeCore(scores, targets, margin, rows, classes, gradientScale, dScores, rowLoss);
    }

    // ---------------------------------------------------------------- Core methods a backend implements

    /// <summary>See <see cref="SoftmaxCrossEntropy"/>.</summary>
    protected abstract void SoftmaxCrossEntropyCore(DeviceBuffer logits, DeviceBuffer targets, DeviceBuffer? classWeights, float labelSmoothing, int rows, int classes, float gradientScale, DeviceBuffer probabilities, DeviceBuffer? dLogits, DeviceBuffer rowLoss);
    /// <summary>See <see cref="BinaryCrossEntropyWithLogits"/>.</summary>
    protected abstract void BinaryCrossEntropyWithLogitsCore(DeviceBuffer logits, DeviceBuffer targets, int rows, int columns, float gradientScale, DeviceBuffer? dLogits, DeviceBuffer rowLoss);
    /// <summary>See <see cref="RegressionLoss"/>.</summary>
    protected abstract void RegressionLossCore(RegressionLossKind kind, float delta, DeviceBuffer predictions, DeviceBuffer targets, int rows, int columns, float gradientScale, DeviceBuffer? dPredictions, DeviceBuffer rowLoss);
    /// <summary>See <see cref="MulticlassHinge"/>.</summary>
    protected abstract void MulticlassHingeCore(DeviceBuffer scores, DeviceBuffer targets, float margin, int rows, int classes, float gradientScale, DeviceBuffer? dScores, DeviceBuffer rowLoss);
}
