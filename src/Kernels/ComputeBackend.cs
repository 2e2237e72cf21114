namespace MLNet.DeepExtensions.Kernels;

/// <summary>
/// The coarse operations a network needs, over float32 <see cref="DeviceBuffer"/>s. Every matrix is dense and
/// row-major. The public methods check their arguments (one message format for every backend) and then call
/// the protected <c>…Core</c> method that a backend implements; a Core method may assume valid arguments.
/// </summary>
/// <remarks>
/// Conventions shared by all operations:
/// <list type="bullet">
/// <item>Counts (<c>rows</c>, <c>columns</c>, <c>length</c>) are explicit, because buffers are allocated once for the
/// largest batch and reused for smaller ones; an operation touches only the first elements it needs.</item>
/// <item>Weight-gradient outputs (<c>dGamma</c>, <c>dBeta</c>, <see cref="SumColumns"/> with beta 1) accumulate;
/// input-gradient outputs (<c>dInput</c>, <c>dLogits</c>) are overwritten.</item>
/// <item>Loss operations write one loss per row to <c>rowLoss</c> and, when a gradient buffer is given,
/// <c>gradientScale · ∂rowLoss[r]/∂prediction[r, c]</c>; a caller wanting the batch mean passes 1/rows.</item>
/// <item>Class indices and argmax results are stored as floats (exact below 2^24), so targets of every task
/// are gathered the same way as features.</item>
/// </list>
/// Operations may run asynchronously on a device; <see cref="Download"/> and the reductions synchronize.
/// </remarks>
public abstract partial class ComputeBackend : IDisposable
{
    /// <summary>Which implementation this is.</summary>
    public abstract BackendKind Kind { get; }

    /// <summary>Human-readable description: implementation, device name, threads.</summary>
    public abstract string Description { get; }

    // ---------------------------------------------------------------- memory

    /// <summary>Allocates a zero-filled buffer of <paramref name="length"/> elements.</summary>
    public DeviceBuffer Allocate(int length)
    {
        if (length < 0) throw Argument(nameof(length), "a non-negative element count", length);
        return AllocateCore(length);
    }

    /// <summary>Copies host values into the start of <paramref name="destination"/>.</summary>
    public void Upload(ReadOnlySpan<float> source, DeviceBuffer destination)
    {
        CheckOwn(destination, nameof(destination));
        CheckLength(destination, source.Length, nameof(destination));
        UploadCore(source, destination);
    }

    /// <summary>
    /// A buffer with <paramref name="source"/>'s values for operations that only read it (a whole training set that
    /// minibatches are gathered from). A backend whose memory is host memory may share the array instead of copying
    /// it (<see cref="Backends.ManagedCpuBackend"/> does: no second copy of the data set, no page churn), so the array must not
    /// change while the buffer is alive. Dispose the buffer when done.
    /// </summary>
    public DeviceBuffer UploadShared(float[] source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return UploadSharedCore(source);
    }

    /// <summary>Copies the first <c>destination.Length</c> elements of <paramref name="source"/> to the host.</summary>
    public void Download(DeviceBuffer source, Span<float> destination)
    {
        CheckOwn(source, nameof(source));
        CheckLength(source, destination.Length, nameof(source));
        DownloadCore(source, destination);
    }

    /// <summary>Copies the first <paramref name="length"/> elements of <paramref name="source"/> into <paramref name="destination"/>.</summary>
    public void Copy(DeviceBuffer source, DeviceBuffer destination, int length)
    {
        CheckOwn(source, nameof(source));
        CheckOwn(destination, nameof(destination));
        CheckCount(length, nameof(length));
        CheckLength(source, length, nameof(source));
        CheckLength(destination, length, nameof(destination));
        CopyCore(source, destination, length);
    }

    /// <summary>Sets the first <paramref name="length"/> elements to <paramref name="value"/>.</summary>
    public void Fill(DeviceBuffer destination, float value, int length)
    {
        CheckOwn(destination, nameof(destination));
        CheckCount(length, nameof(length));
        CheckLength(destination, length, nameof(destination));
        FillCore(destination, value, length);
    }

    /// <summary>Waits until every queued operation has finished.</summary>
    public virtual void Synchronize()
    {
    }

    // ---------------------------------------------------------------- linear algebra

    /// <summary>
    /// C = alpha · op(A) · op(B) + beta · C, with op(A) of shape (m, k), op(B) (k, n) and C (m, n).
    /// A is stored (m, k), or (k, m) when <paramref name="transposeA"/>; B is stored (k, n), or (n, k) when
    /// <paramref name="transposeB"/>. With beta = 0, C is overwritten without being read (NaN in C does not leak).
    /// </summary>
    public void Gemm(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        DeviceBuffer a, DeviceBuffer b, float beta, DeviceBuffer c)
    {
        CheckCount(m, nameof(m));
        CheckCount(n, nameof(n));
        CheckCount(k, nameof(k));
        CheckMatrix(a, transposeA ? k : m, transposeA ? m : k, nameof(a));
        CheckMatrix(b, transposeB ? n : k, transposeB ? k : n, nameof(b));
        CheckMatrix(c, m, n, nameof(c));
        GemmCore(transposeA, transposeB, m, n, k, alpha, a, b, beta, c);
    }

    /// <summary>
    /// A fully connected layer's forward pass with its bias and activation fused: for input (rows, inputs), weight
    /// (units, inputs) and bias (units) or null, preActivation = input·weightᵀ + bias (rows, units) and
    /// output = f(preActivation). <paramref name="output"/> may be <paramref name="preActivation"/> itself (then only
    /// f(z) is kept, which is all inference needs); with the identity, that is a plain linear layer.
    /// </summary>
    /// <remarks>Same results as <see cref="Gemm"/> (transposeB, beta 0), <see cref="AddRowVector"/> and
    /// <see cref="ActivationForward"/> in turn; a backend may fuse them so the output is written once, while it is hot
    /// in cache (the managed CPU backend applies bias and activation to each GEMM tile as it finishes).</remarks>
    public void DenseForward(DeviceBuffer input, DeviceBuffer weight, DeviceBuffer? bias, Activation activation,
        DeviceBuffer preActivation, DeviceBuffer output, int rows, int units, int inputs)
    {
        CheckCount(rows, nameof(rows));
        CheckCount(units, nameof(units));
        CheckCount(inputs, nameof(inputs));
        CheckMatrix(input, rows, inputs, nameof(input));
        CheckMatrix(weight, units, inputs, nameof(weight));
        if (bias is not null) CheckVector(bias, units, nameof(bias));
        if (!Enum.IsDefined(activation.Kind)) throw Argument(nameof(activation), "a defined activation kind", activation.Kind);
        CheckMatrix(preActivation, rows, units, nameof(preActivation));
        CheckMatrix(output, rows, units, nameof(output));
        DenseForwardCore(input, weight, bias, activation, preActivation, output, rows, units, inputs);
    }

    /// <summary>x[r, c] += bias[c] for x of shape (rows, columns).</summary>
    public void AddRowVector(DeviceBuffer x, DeviceBuffer bias, int rows, int columns)
    {
        CheckMatrix(x, rows, columns, nameof(x));
        CheckVector(bias, columns, nameof(bias));
        AddRowVectorCore(x, bias, rows, columns);
    }

    /// <summary>result[c] = beta · result[c] + Σ_r x[r, c] for x of shape (rows, columns).</summary>
    public void SumColumns(DeviceBuffer x, int rows, int columns, DeviceBuffer result, float beta)
    {
        CheckMatrix(x, rows, columns, nameof(x));
        CheckVector(result, columns, nameof(result));
        SumColumnsCore(x, rows, columns, result, beta);
    }

    /// <summary>
    /// destination[i, :] = source[rowIndices[i], :], rows of <paramref name="columns"/> elements: minibatch
    /// assembly from shuffled indices, on the device.
    /// </summary>
    public void GatherRows(DeviceBuffer source, int columns, ReadOnlySpan<int> rowIndices, DeviceBuffer destination)
    {
        CheckCount(columns, nameof(columns));
        CheckOwn(source, nameof(source));
        int sourceRows = columns == 0 ? 0 : source.Length / columns;
        for (int i = 0; i < rowIndices.Length; i++)
        {
            if ((uint)rowIndices[i] >= (uint)sourceRows)
            {
                throw new ArgumentOutOfRangeException(nameof(rowIndices),
                    $"rowIndices[{i}] must be in [0, {sourceRows}); got {rowIndices[i]}.");
            }
        }
        CheckMatrix(destination, rowIndices.Length, columns, nameof(destination));
        GatherRowsCore(source, columns, rowIndices, destination);
    }

    /// <summary>x[i] ← alpha · x[i] for the first <paramref name="length"/> elements.</summary>
    public void Scale(DeviceBuffer x, float alpha, int length)
    {
        CheckVector(x, length, nameof(x));
        ScaleCore(x, alpha, length);
    }

    /// <summary>y[i] ← y[i] + alpha · x[i].</summary>
    public void Axpy(float alpha, DeviceBuffer x, DeviceBuffer y, int length)
    {
        CheckVector(x, length, nameof(x));
        CheckVector(y, length, nameof(y));
        AxpyCore(alpha, x, y, length);
    }

    /// <summary>result[i] = a[i] · b[i] (result may alias a or b).</summary>
    public void Multiply(DeviceBuffer a, DeviceBuffer b, DeviceBuffer result, int length)
    {
        CheckVector(a, length, nameof(a));
        CheckVector(b, length, nameof(b));
        CheckVector(result, length, nameof(result));
        MultiplyCore(a, b, result, length);
    }

    /// <summary>x[i] ← min(max(x[i], min), max): gradient clipping by value.</summary>
    public void Clamp(DeviceBuffer x, float min, float max, int length)
    {
        CheckVector(x, length, nameof(x));
        if (!(min <= max)) throw Argument(nameof(max), $"a value >= min ({min})", max);
        ClampCore(x, min, max, length);
    }

    // ---------------------------------------------------------------- reductions (synchronizing)

    /// <summary>Σ x[i] over the first <paramref name="length"/> elements.</summary>
    public float Sum(DeviceBuffer x, int length)
    {
        CheckVector(x, length, nameof(x));
        return SumCore(x, length);
    }

    /// <summary>max x[i] over the first <paramref name="length"/> elements (length must be positive).</summary>
    public float Max(DeviceBuffer x, int length)
    {
        CheckVector(x, length, nameof(x));
        if (length == 0) throw Argument(nameof(length), "a positive element count", length);
        return MaxCore(x, length);
    }

    /// <summary>Σ x[i]² over the first <paramref name="length"/> elements (the squared L2 norm).</summary>
    public float SquaredNorm(DeviceBuffer x, int length)
    {
        CheckVector(x, length, nameof(x));
        return SquaredNormCore(x, length);
    }

    /// <summary>result[r] = index of the largest x[r, c] (first one on ties), as a float.</summary>
    public void ArgMaxRows(DeviceBuffer x, int rows, int columns, DeviceBuffer result)
    {
        CheckMatrix(x, rows, columns, nameof(x));
        if (columns == 0) throw Argument(nameof(columns), "a positive column count", columns);
        CheckVector(result, rows, nameof(result));
        ArgMaxRowsCore(x, rows, columns, result);
    }

    // ---------------------------------------------------------------- activations

    /// <summary>output[i] = f(input[i]) (output may alias input).</summary>
    public void ActivationForward(Activation activation, DeviceBuffer input, DeviceBuffer output, int length)
    {
        CheckVector(input, length, nameof(input));
        CheckVector(output, length, nameof(output));
        ActivationForwardCore(activation, input, output, length);
    }

    /// <summary>
    /// dInput[i] = dOutput[i] · f'(input[i]); <paramref name="output"/> holds f(input) from the forward pass
    /// (sigmoid and tanh use it). dInput may alias dOutput.
    /// </summary>
    public void ActivationBackward(Activation activation, DeviceBuffer input, DeviceBuffer output,
        DeviceBuffer dOutput, DeviceBuffer dInput, int length)
    {
        CheckVector(input, length, nameof(input));
        CheckVector(output, length, nameof(output));
        CheckVector(dOutput, length, nameof(dOutput));
        CheckVector(dInput, length, nameof(dInput));
        ActivationBackwardCore(activation, input, output, dOutput, dInput, length);
    }

    /// <summary>
    /// Maxout over <paramref name="pieces"/> pieces: input (rows, units·pieces), where unit u reads columns
    /// [u·pieces, (u+1)·pieces); output[r, u] = max of those; argMax[r, u] = the winning piece (first on ties).
    /// </summary>
    public void MaxoutForward(DeviceBuffer input, DeviceBuffer output, DeviceBuffer argMax, int rows, int units, int pieces)
    {
        CheckPositive(pieces, nameof(pieces));
        CheckMatrix(input, rows, units * pieces, nameof(input));
        CheckMatrix(output, rows, units, nameof(output));
        CheckMatrix(argMax, rows, units, nameof(argMax));
        MaxoutForwardCore(input, output, argMax, rows, units, pieces);
    }

    /// <summary>dInput[r, u·pieces + j] = dOutput[r, u] where j = argMax[r, u], 0 elsewhere.</summary>
    public void MaxoutBackward(DeviceBuffer dOutput, DeviceBuffer argMax, DeviceBuffer dInput, int rows, int units, int pieces)
    {
        CheckPositive(pieces, nameof(pieces));
        CheckMatrix(dOutput, rows, units, nameof(dOutput));
        CheckMatrix(argMax, rows, units, nameof(argMax));
        CheckMatrix(dInput, rows, units * pieces, nameof(dInput));
        MaxoutBackwardCore(dOutput, argMax, dInput, rows, units, pieces);
    }

    /// <summary>Row-wise softmax (max-subtracted): probabilities[r, c] = e^(x[r,c] − m_r) / Σ_c' e^(x[r,c'] − m_r).</summary>
    public void Softmax(DeviceBuffer logits, DeviceBuffer probabilities, int rows, int classes)
    {
        CheckPositive(classes, nameof(classes));
        CheckMatrix(logits, rows, classes, nameof(logits));
        CheckMatrix(probabilities, rows, classes, nameof(probabilities));
        SoftmaxCore(logits, probabilities, rows, classes);
    }

    // ---------------------------------------------------------------- losses (fused forward + backward)

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

    // ---------------------------------------------------------------- dropout

    /// <summary>
    /// Inverted dropout: mask[i] = 1/(1 − rate) when <see cref="CounterRandom.Uniform"/>(seed, i) ≥ rate, else 0;
    /// output[i] = input[i] · mask[i]. The backward pass is <see cref="Multiply"/>(dOutput, mask, dInput).
    /// </summary>
    public void DropoutForward(DeviceBuffer input, DeviceBuffer output, DeviceBuffer mask, int length, float rate, ulong seed)
    {
        CheckVector(input, length, nameof(input));
        CheckVector(output, length, nameof(output));
        CheckVector(mask, length, nameof(mask));
        if (!(rate >= 0f && rate < 1f)) throw Argument(nameof(rate), "a dropout rate in [0, 1)", rate);
        DropoutForwardCore(input, output, mask, length, rate, seed);
    }

    // ---------------------------------------------------------------- augmentation (training only; NCHW)

    /// <summary>
    /// Random shift with zero fill and random horizontal flip, per sample: input and output (batch, channels, height,
    /// width). Sample n is shifted by (dy, dx), each uniform in [−padding, padding], then mirrored left to right with
    /// probability 1/2 when <paramref name="horizontalFlip"/>: output[n, c, y, x] = input[n, c, y + dy, x' + dx] with
    /// x' = width − 1 − x when mirrored, else x, and 0 where that falls outside the image. This is torchvision's
    /// RandomCrop(size, padding) (zero-pad, crop back to height × width) followed by RandomHorizontalFlip(0.5). Every
    /// channel of a sample gets the same transform; the choice is a pure function of (seed, n) (one
    /// <see cref="CounterRandom.Hash"/>, see <c>Augmentation/FlipCropChoice</c>), identical on every backend. output
    /// must not overlap input.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A dimension or the padding is invalid, or a buffer is too short.</exception>
    public void RandomFlipCropForward(DeviceBuffer input, DeviceBuffer output, int batch, int channels, int height, int width,
        bool horizontalFlip, int padding, ulong seed)
    {
        int length = CheckFlipCrop(batch, channels, height, width, padding);
        CheckVector(input, length, nameof(input));
        CheckVector(output, length, nameof(output));
        CheckDistinct(input, output, nameof(input), nameof(output));
        RandomFlipCropForwardCore(input, output, batch, channels, height, width, horizontalFlip, padding, seed);
    }

    /// <summary>
    /// Backward (adjoint) of <see cref="RandomFlipCropForward"/> with the same arguments and seed: dInput (overwritten)
    /// holds at each input element the dOutput of the output element that read it, and 0 for elements shifted out of
    /// the image. dInput must not overlap dOutput.
    /// </summary>
    public void RandomFlipCropBackward(DeviceBuffer dOutput, DeviceBuffer dInput, int batch, int channels, int height, int width,
        bool horizontalFlip, int padding, ulong seed)
    {
        int length = CheckFlipCrop(batch, channels, height, width, padding);
        CheckVector(dOutput, length, nameof(dOutput));
        CheckVector(dInput, length, nameof(dInput));
        CheckDistinct(dOutput, dInput, nameof(dOutput), nameof(dInput));
        RandomFlipCropBackwardCore(dOutput, dInput, batch, channels, height, width, horizontalFlip, padding, seed);
    }

    /// <summary>
    /// output[i] = input[i] + standardDeviation · z_i for the first <paramref name="length"/> elements, z_i a standard
    /// normal that is a pure function of (seed, i) (Box–Muller on counter-based uniforms; |z| ≤ 5.77), the same on
    /// every backend up to the last ulp of sin, cos and log. output may alias input. The backward pass is the identity.
    /// </summary>
    public void AddGaussianNoise(DeviceBuffer input, DeviceBuffer output, int length, float standardDeviation, ulong seed)
    {
        CheckVector(input, length, nameof(input));
        CheckVector(output, length, nameof(output));
        if (!(standardDeviation >= 0f && float.IsFinite(standardDeviation)))
        {
            throw Argument(nameof(standardDeviation), "a finite standard deviation >= 0", standardDeviation);
        }
        AddGaussianNoiseCore(input, output, length, standardDeviation, seed);
    }

    // Returns batch·channels·height·width once the dimensions are valid and the tensor fits int indexing.
    private static int CheckFlipCrop(int batch, int channels, int height, int width, int padding)
    {
        CheckCount(batch, nameof(batch));
        CheckCount(channels, nameof(channels));
        CheckPositive(height, nameof(height));
        CheckPositive(width, nameof(width));
        // A shift beyond the image only empties it; the bound also keeps y + dy far from int overflow.
        int largest = Math.Max(height, width);
        if (padding < 0 || padding > largest)
        {
            throw Argument(nameof(padding), $"in [0, max(height, width)] = [0, {largest}]", padding);
        }
        long size = (long)batch * channels * height * width;
        if (size > int.MaxValue) throw Argument(nameof(batch), $"a batch whose tensor has at most {int.MaxValue} elements (this one has {size})", batch);
        return (int)size;
    }

    // A gather that reads other positions of its own output would read values it has already overwritten.
    private static void CheckDistinct(DeviceBuffer source, DeviceBuffer destination, string sourceName, string destinationName)
    {
        if (ReferenceEquals(source, destination))
        {
            throw new ArgumentException($"'{destinationName}' must be a different buffer from '{sourceName}' (the operation cannot run in place).", destinationName);
        }
    }

    // ---- pooling (NCHW; see Pooling/Pool2DShape for the output size and the padding rule)

    /// <summary>
    /// 2-D max pooling over input (batch, channels, height, width): output (batch, channels, Hout, Wout) with
    /// Hout = ⌊(height + 2·padHeight − poolHeight)/strideHeight⌋ + 1 (likewise Wout) holds each window's maximum, the
    /// padding counting as −∞ (it never wins; PyTorch's MaxPool2d); argMax (same shape) stores the winner's index
    /// h·width + w within its image plane, as a float; the first maximum in row-major window order wins ties.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is invalid (see <see cref="Pooling.Pool2DShape"/>) or a buffer is too short.</exception>
    public void MaxPool2DForward(DeviceBuffer input, DeviceBuffer output, DeviceBuffer argMax, int batch, int channels, int height, int width,
        int poolHeight, int poolWidth, int strideHeight, int strideWidth, int padHeight, int padWidth)
    {
        var shape = new Pooling.Pool2DShape(batch, channels, height, width, poolHeight, poolWidth, strideHeight, strideWidth, padHeight, padWidth);
        CheckVector(input, shape.InputLength, nameof(input));
        CheckVector(output, shape.OutputLength, nameof(output));
        CheckVector(argMax, shape.OutputLength, nameof(argMax));
        MaxPool2DForwardCore(input, output, argMax, shape);
    }

    /// <summary>
    /// Backward of <see cref="MaxPool2DForward"/>: dInput (batch, channels, height, width) is overwritten with zeros
    /// and then receives dOutput[o] at argMax[o] for every output o, so where overlapping windows (stride &lt; pool)
    /// share a winner their gradients add up. Every backend sums in the same fixed order (deterministic).
    /// </summary>
    public void MaxPool2DBackward(DeviceBuffer dOutput, DeviceBuffer argMax, DeviceBuffer dInput, int batch, int channels, int height, int width,
        int poolHeight, int poolWidth, int strideHeight, int strideWidth, int padHeight, int padWidth)
    {
        var shape = new Pooling.Pool2DShape(batch, channels, height, width, poolHeight, poolWidth, strideHeight, strideWidth, padHeight, padWidth);
        CheckVector(dOutput, shape.OutputLength, nameof(dOutput));
        CheckVector(argMax, shape.OutputLength, nameof(argMax));
        CheckVector(dInput, shape.InputLength, nameof(dInput));
        MaxPool2DBackwardCore(dOutput, argMax, dInput, shape);
    }

    /// <summary>
    /// 2-D average pooling, shapes as <see cref="MaxPool2DForward"/>. Padding counts in the divisor
    /// (count_include_pad = True, PyTorch's AvgPool2d default): output = (Σ of the window's real elements) /
    /// (poolHeight·poolWidth). Keras' "same"-padded AveragePooling2D divides by the real elements instead; it differs
    /// only at padded borders.
    /// </summary>
    public void AvgPool2DForward(DeviceBuffer input, DeviceBuffer output, int batch, int channels, int height, int width,
        int poolHeight, int poolWidth, int strideHeight, int strideWidth, int padHeight, int padWidth)
    {
        var shape = new Pooling.Pool2DShape(batch, channels, height, width, poolHeight, poolWidth, strideHeight, strideWidth, padHeight, padWidth);
        CheckVector(input, shape.InputLength, nameof(input));
        CheckVector(output, shape.OutputLength, nameof(output));
        AvgPool2DForwardCore(input, output, shape);
    }

    /// <summary>
    /// Backward of <see cref="AvgPool2DForward"/>: dInput (overwritten) = Σ over the windows covering each input element
    /// of dOutput / (poolHeight·poolWidth).
    /// </summary>
    public void AvgPool2DBackward(DeviceBuffer dOutput, DeviceBuffer dInput, int batch, int channels, int height, int width,
        int poolHeight, int poolWidth, int strideHeight, int strideWidth, int padHeight, int padWidth)
    {
        var shape = new Pooling.Pool2DShape(batch, channels, height, width, poolHeight, poolWidth, strideHeight, strideWidth, padHeight, padWidth);
        CheckVector(dOutput, shape.OutputLength, nameof(dOutput));
        CheckVector(dInput, shape.InputLength, nameof(dInput));
        AvgPool2DBackwardCore(dOutput, dInput, shape);
    }

    /// <summary>Global average pooling: input (batch, channels, height, width), output[n, c] = mean over the (h, w) plane, output (batch, channels).</summary>
    public void GlobalAvgPoolForward(DeviceBuffer input, DeviceBuffer output, int batch, int channels, int height, int width)
    {
        int area = CheckGlobalPool(batch, channels, height, width);
        CheckMatrix(input, batch * channels, area, nameof(input));
        CheckMatrix(output, batch, channels, nameof(output));
        GlobalAvgPoolForwardCore(input, output, batch * channels, area);
    }

    /// <summary>Backward of <see cref="GlobalAvgPoolForward"/>: dInput[n, c, h, w] = dOutput[n, c] / (height·width) (overwrite).</summary>
    public void GlobalAvgPoolBackward(DeviceBuffer dOutput, DeviceBuffer dInput, int batch, int channels, int height, int width)
    {
        int area = CheckGlobalPool(batch, channels, height, width);
        CheckMatrix(dOutput, batch, channels, nameof(dOutput));
        CheckMatrix(dInput, batch * channels, area, nameof(dInput));
        GlobalAvgPoolBackwardCore(dOutput, dInput, batch * channels, area);
    }

    // Returns height·width once the four dimensions are valid and the tensor fits int indexing.
    private static int CheckGlobalPool(int batch, int channels, int height, int width)
    {
        CheckCount(batch, nameof(batch));
        CheckCount(channels, nameof(channels));
        CheckPositive(height, nameof(height));
        CheckPositive(width, nameof(width));
        long size = (long)batch * channels * height * width;
        if (size > int.MaxValue) throw Argument(nameof(batch), $"a batch whose tensor has at most {int.MaxValue} elements (this one has {size})", batch);
        return height * width;
    }

    // ---------------------------------------------------------------- normalization

    /// <summary>
    /// Batch normalization in training mode over input (rows, features): per feature, the batch mean μ and biased
    /// variance σ²; output = γ·(x − μ)·inverseStd + β with inverseStd = 1/√(σ² + ε); saves mean and inverseStd for the
    /// backward pass; updates running stats PyTorch's way: running = (1 − momentum)·running + momentum·batch, the
    /// running variance fed the unbiased variance σ²·rows/(rows − 1) (the biased one when rows = 1).
    /// </summary>
    public void BatchNormForwardTraining(DeviceBuffer input, DeviceBuffer gamma, DeviceBuffer beta, DeviceBuffer output,
        DeviceBuffer mean, DeviceBuffer inverseStd, DeviceBuffer runningMean, DeviceBuffer runningVariance,
        int rows, int features, float momentum, float epsilon)
    {
        CheckPositive(rows, nameof(rows));
        CheckMatrix(input, rows, features, nameof(input));
        CheckMatrix(output, rows, features, nameof(output));
        CheckVector(gamma, features, nameof(gamma));
        CheckVector(beta, features, nameof(beta));
        CheckVector(mean, features, nameof(mean));
        CheckVector(inverseStd, features, nameof(inverseStd));
        CheckVector(runningMean, features, nameof(runningMean));
        CheckVector(runningVariance, features, nameof(runningVariance));
        BatchNormForwardTrainingCore(input, gamma, beta, output, mean, inverseStd, runningMean, runningVariance, rows, features, momentum, epsilon);
    }

    /// <summary>Batch normalization in inference mode: output = γ·(x − runningMean)/√(runningVariance + ε) + β.</summary>
    public void BatchNormForwardInference(DeviceBuffer input, DeviceBuffer gamma, DeviceBuffer beta,
        DeviceBuffer runningMean, DeviceBuffer runningVariance, DeviceBuffer output, int rows, int features, float epsilon)
    {
        CheckMatrix(input, rows, features, nameof(input));
        CheckMatrix(output, rows, features, nameof(output));
        CheckVector(gamma, features, nameof(gamma));
        CheckVector(beta, features, nameof(beta));
        CheckVector(runningMean, features, nameof(runningMean));
        CheckVector(runningVariance, features, nameof(runningVariance));
        BatchNormForwardInferenceCore(input, gamma, beta, runningMean, runningVariance, output, rows, features, epsilon);
    }

    /// <summary>
    /// Backward of <see cref="BatchNormForwardTraining"/> with x̂ = (x − μ)·inverseStd:
    /// dGamma[f] += Σ_r dy·x̂; dBeta[f] += Σ_r dy (accumulate);
    /// dInput = γ·inverseStd/N · (N·dy − Σ_r dy − x̂·Σ_r dy·x̂) (overwrite), N = rows.
    /// </summary>
    public void BatchNormBackward(DeviceBuffer input, DeviceBuffer gamma, DeviceBuffer mean, DeviceBuffer inverseStd,
        DeviceBuffer dOutput, DeviceBuffer dInput, DeviceBuffer dGamma, DeviceBuffer dBeta, int rows, int features)
    {
        CheckPositive(rows, nameof(rows));
        CheckMatrix(input, rows, features, nameof(input));
        CheckMatrix(dOutput, rows, features, nameof(dOutput));
        CheckMatrix(dInput, rows, features, nameof(dInput));
        CheckVector(gamma, features, nameof(gamma));
        CheckVector(mean, features, nameof(mean));
        CheckVector(inverseStd, features, nameof(inverseStd));
        CheckVector(dGamma, features, nameof(dGamma));
        CheckVector(dBeta, features, nameof(dBeta));
        BatchNormBackwardCore(input, gamma, mean, inverseStd, dOutput, dInput, dGamma, dBeta, rows, features);
    }

    /// <summary>
    /// Batch normalization of an NCHW tensor in training mode, one set of statistics per channel (torch.nn.BatchNorm2d):
    /// input and output are (batch, channels, spatial) with spatial = height·width. For channel c, μ and the biased
    /// variance σ² are taken over the n = batch·spatial values of that channel; output = γ·(x − μ)·inverseStd + β with
    /// inverseStd = 1/√(σ² + ε); mean and inverseStd (channels) are saved for the backward pass. Running statistics
    /// follow PyTorch: running = (1 − momentum)·running + momentum·batch (PyTorch's default momentum is 0.1; Keras'
    /// momentum 0.99 is the mirror image, 1 − 0.01), and the running variance is fed the unbiased variance
    /// σ²·n/(n − 1) (the biased one when n = 1), while the normalization itself uses the biased σ².
    /// <paramref name="output"/> may be <paramref name="input"/>.
    /// </summary>
    public void BatchNorm2DForwardTraining(DeviceBuffer input, DeviceBuffer gamma, DeviceBuffer beta, DeviceBuffer output,
        DeviceBuffer mean, DeviceBuffer inverseStd, DeviceBuffer runningMean, DeviceBuffer runningVariance,
        int batch, int channels, int spatial, float momentum, float epsilon)
    {
        int length = CheckBatchNorm2D(batch, channels, spatial, training: true);
        CheckVector(input, length, nameof(input));
        CheckVector(output, length, nameof(output));
        CheckVector(gamma, channels, nameof(gamma));
        CheckVector(beta, channels, nameof(beta));
        CheckVector(mean, channels, nameof(mean));
        CheckVector(inverseStd, channels, nameof(inverseStd));
        CheckVector(runningMean, channels, nameof(runningMean));
        CheckVector(runningVariance, channels, nameof(runningVariance));
        BatchNorm2DForwardTrainingCore(input, gamma, beta, output, mean, inverseStd, runningMean, runningVariance, batch, channels, spatial,
            momentum, epsilon);
    }

    /// <summary>
    /// Batch normalization of an NCHW tensor (batch, channels, spatial) in inference mode:
    /// output = γ·(x − runningMean)/√(runningVariance + ε) + β, per channel. <paramref name="output"/> may be <paramref name="input"/>.
    /// </summary>
    public void BatchNorm2DForwardInference(DeviceBuffer input, DeviceBuffer gamma, DeviceBuffer beta,
        DeviceBuffer runningMean, DeviceBuffer runningVariance, DeviceBuffer output, int batch, int channels, int spatial, float epsilon)
    {
        int length = CheckBatchNorm2D(batch, channels, spatial, training: false);
        CheckVector(input, length, nameof(input));
        CheckVector(output, length, nameof(output));
        CheckVector(gamma, channels, nameof(gamma));
        CheckVector(beta, channels, nameof(beta));
        CheckVector(runningMean, channels, nameof(runningMean));
        CheckVector(runningVariance, channels, nameof(runningVariance));
        BatchNorm2DForwardInferenceCore(input, gamma, beta, runningMean, runningVariance, output, batch, channels, spatial, epsilon);
    }

    /// <summary>
    /// Backward of <see cref="BatchNorm2DForwardTraining"/> with x̂ = (x − μ)·inverseStd, sums over the batch and the
    /// spatial positions of each channel: dGamma[c] += Σ dy·x̂; dBeta[c] += Σ dy (accumulate);
    /// dInput = γ·inverseStd/n · (n·dy − Σ dy − x̂·Σ dy·x̂) (overwrite), n = batch·spatial. <paramref name="dInput"/>
    /// may be <paramref name="dOutput"/>.
    /// </summary>
    public void BatchNorm2DBackward(DeviceBuffer input, DeviceBuffer gamma, DeviceBuffer mean, DeviceBuffer inverseStd,
        DeviceBuffer dOutput, DeviceBuffer dInput, DeviceBuffer dGamma, DeviceBuffer dBeta, int batch, int channels, int spatial)
    {
        int length = CheckBatchNorm2D(batch, channels, spatial, training: true);
        CheckVector(input, length, nameof(input));
        CheckVector(dOutput, length, nameof(dOutput));
        CheckVector(dInput, length, nameof(dInput));
        CheckVector(gamma, channels, nameof(gamma));
        CheckVector(mean, channels, nameof(mean));
        CheckVector(inverseStd, channels, nameof(inverseStd));
        CheckVector(dGamma, channels, nameof(dGamma));
        CheckVector(dBeta, channels, nameof(dBeta));
        BatchNorm2DBackwardCore(input, gamma, mean, inverseStd, dOutput, dInput, dGamma, dBeta, batch, channels, spatial);
    }

    // Returns batch·channels·spatial once the dimensions are valid: batch statistics need at least one value per
    // channel (batch and spatial positive); inference accepts empty batches, as the 1-D batch norm does.
    private static int CheckBatchNorm2D(int batch, int channels, int spatial, bool training)
    {
        if (training)
        {
            CheckPositive(batch, nameof(batch));
            CheckPositive(spatial, nameof(spatial));
        }
        else
        {
            CheckCount(batch, nameof(batch));
            CheckCount(spatial, nameof(spatial));
        }
        CheckCount(channels, nameof(channels));
        long size = (long)batch * channels * spatial;
        if (size > int.MaxValue) throw Argument(nameof(batch), $"a batch whose tensor has at most {int.MaxValue} elements (this one has {size})", batch);
        return (int)size;
    }

    /// <summary>
    /// Layer normalization over each row of input (rows, features): per row mean μ and biased variance σ²,
    /// output = γ·(x − μ)·inverseStd + β; saves mean[r] and inverseStd[r] = 1/√(σ² + ε).
    /// </summary>
    public void LayerNormForward(DeviceBuffer input, DeviceBuffer gamma, DeviceBuffer beta, DeviceBuffer output,
        DeviceBuffer mean, DeviceBuffer inverseStd, int rows, int features, float epsilon)
    {
        CheckPositive(features, nameof(features));
        CheckMatrix(input, rows, features, nameof(input));
        CheckMatrix(output, rows, features, nameof(output));
        CheckVector(gamma, features, nameof(gamma));
        CheckVector(beta, features, nameof(beta));
        CheckVector(mean, rows, nameof(mean));
        CheckVector(inverseStd, rows, nameof(inverseStd));
        LayerNormForwardCore(input, gamma, beta, output, mean, inverseStd, rows, features, epsilon);
    }

    /// <summary>
    /// Backward of <see cref="LayerNormForward"/>: with g = dy·γ and x̂ = (x − μ)·inverseStd per row,
    /// dInput = inverseStd/F · (F·g − Σ_f g − x̂·Σ_f g·x̂) (overwrite); dGamma += Σ_r dy·x̂; dBeta += Σ_r dy (accumulate).
    /// </summary>
    public void LayerNormBackward(DeviceBuffer input, DeviceBuffer gamma, DeviceBuffer mean, DeviceBuffer inverseStd,
        DeviceBuffer dOutput, DeviceBuffer dInput, DeviceBuffer dGamma, DeviceBuffer dBeta, int rows, int features)
    {
        CheckPositive(features, nameof(features));
        CheckMatrix(input, rows, features, nameof(input));
        CheckMatrix(dOutput, rows, features, nameof(dOutput));
        CheckMatrix(dInput, rows, features, nameof(dInput));
        CheckVector(gamma, features, nameof(gamma));
        CheckVector(mean, rows, nameof(mean));
        CheckVector(inverseStd, rows, nameof(inverseStd));
        CheckVector(dGamma, features, nameof(dGamma));
        CheckVector(dBeta, features, nameof(dBeta));
        LayerNormBackwardCore(input, gamma, mean, inverseStd, dOutput, dInput, dGamma, dBeta, rows, features);
    }

    // ---------------------------------------------------------------- convolution

    /// <summary>
    /// 2-D convolution (cross-correlation, torch.nn.Conv2d): for input (N, Cin, H, W), weight (Cout, Cin, kH, kW) and
    /// bias (Cout) or null, output[n, co, oh, ow] = bias[co] + Σ_{ci, i, j} weight[co, ci, i, j] ·
    /// input[n, ci, oh·strideH − padH + i·dilationH, ow·strideW − padW + j·dilationW], reading 0 outside the input.
    /// output is (N, Cout, Hout, Wout) (see <see cref="Conv2DShape"/>) and is overwritten.
    /// </summary>
    public void Conv2DForward(DeviceBuffer input, DeviceBuffer weight, DeviceBuffer? bias, DeviceBuffer output, in Conv2DShape shape)
    {
        CheckConv2DShape(shape);
        CheckVector(input, shape.InputSize, nameof(input));
        CheckVector(weight, shape.WeightSize, nameof(weight));
        if (bias is not null) CheckVector(bias, shape.OutChannels, nameof(bias));
        CheckVector(output, shape.OutputSize, nameof(output));
        Conv2DForwardCore(input, weight, bias, output, shape);
    }

    /// <summary>
    /// Input gradient of <see cref="Conv2DForward"/>: dInput (N, Cin, H, W) = the transposed convolution of dOutput
    /// (N, Cout, Hout, Wout) with weight (Cout, Cin, kH, kW); overwritten (positions no window reads get 0).
    /// </summary>
    public void Conv2DBackwardInput(DeviceBuffer dOutput, DeviceBuffer weight, DeviceBuffer dInput, in Conv2DShape shape)
    {
        CheckConv2DShape(shape);
        CheckVector(dOutput, shape.OutputSize, nameof(dOutput));
        CheckVector(weight, shape.WeightSize, nameof(weight));
        CheckVector(dInput, shape.InputSize, nameof(dInput));
        Conv2DBackwardInputCore(dOutput, weight, dInput, shape);
    }

    /// <summary>
    /// Parameter gradients of <see cref="Conv2DForward"/>, accumulated: dWeight[co, ci, i, j] += Σ_{n, oh, ow}
    /// dOutput[n, co, oh, ow] · input[n, ci, oh·strideH − padH + i·dilationH, ow·strideW − padW + j·dilationW];
    /// dBias[co] += Σ_{n, oh, ow} dOutput[n, co, oh, ow] when dBias is given.
    /// </summary>
    public void Conv2DBackwardWeight(DeviceBuffer input, DeviceBuffer dOutput, DeviceBuffer dWeight, DeviceBuffer? dBias, in Conv2DShape shape)
    {
        CheckConv2DShape(shape);
        CheckVector(input, shape.InputSize, nameof(input));
        CheckVector(dOutput, shape.OutputSize, nameof(dOutput));
        CheckVector(dWeight, shape.WeightSize, nameof(dWeight));
        if (dBias is not null) CheckVector(dBias, shape.OutChannels, nameof(dBias));
        Conv2DBackwardWeightCore(input, dOutput, dWeight, dBias, shape);
    }

    // default(Conv2DShape) skips the constructor's checks; every shape its constructor made has a positive kernel.
    private static void CheckConv2DShape(in Conv2DShape shape)
    {
        if (shape.KernelHeight <= 0)
        {
            throw new ArgumentException($"The {nameof(Conv2DShape)} must be made by its constructor (got default: {shape}).", nameof(shape));
        }
    }

    // ---------------------------------------------------------------- optimizers

    /// <summary>
    /// One fused elementwise update of the first <paramref name="length"/> parameters by <paramref name="kind"/>'s rule
    /// (see <see cref="OptimizerKind"/>). state1 and state2 hold the optimizer's running averages; they may be null
    /// for a kind that does not use them.
    /// </summary>
    public void OptimizerStep(OptimizerKind kind, in OptimizerStepParameters hyperparameters,
        DeviceBuffer parameters, DeviceBuffer gradients, DeviceBuffer? state1, DeviceBuffer? state2, int length)
    {
        CheckVector(parameters, length, nameof(parameters));
        CheckVector(gradients, length, nameof(gradients));
        bool needs1 = kind is not OptimizerKind.Sgd;
        bool needs2 = kind is OptimizerKind.Adadelta or OptimizerKind.Adam or OptimizerKind.AdamW;
        if (needs1)
        {
            if (state1 is null) throw new ArgumentNullException(nameof(state1), $"{kind} needs state1 of length {length}.");
            CheckVector(state1, length, nameof(state1));
        }
        if (needs2)
        {
            if (state2 is null) throw new ArgumentNullException(nameof(state2), $"{kind} needs state2 of length {length}.");
            CheckVector(state2, length, nameof(state2));
        }
        OptimizerStepCore(kind, hyperparameters, parameters, gradients, state1, state2, length);
    }

    // ---------------------------------------------------------------- Core methods a backend implements

    /// <summary>Allocates a zero-filled buffer.</summary>
    protected abstract DeviceBuffer AllocateCore(int length);
    /// <summary>See <see cref="Upload"/>.</summary>
    protected abstract void UploadCore(ReadOnlySpan<float> source, DeviceBuffer destination);
    /// <summary>See <see cref="UploadShared"/>; by default a new buffer and an upload.</summary>
    protected virtual DeviceBuffer UploadSharedCore(float[] source)
    {
        var buffer = AllocateCore(source.Length);
        UploadCore(source, buffer);
        return buffer;
    }
    /// <summary>See <see cref="Download"/>.</summary>
    protected abstract void DownloadCore(DeviceBuffer source, Span<float> destination);
    /// <summary>See <see cref="Copy"/>.</summary>
    protected abstract void CopyCore(DeviceBuffer source, DeviceBuffer destination, int length);
    /// <summary>See <see cref="Fill"/>.</summary>
    protected abstract void FillCore(DeviceBuffer destination, float value, int length);
    /// <summary>See <see cref="Gemm"/>.</summary>
    protected abstract void GemmCore(bool transposeA, bool transposeB, int m, int n, int k, float alpha, DeviceBuffer a, DeviceBuffer b, float beta, DeviceBuffer c);
    /// <summary>See <see cref="DenseForward"/>; by default the three unfused operations in turn.</summary>
    protected virtual void DenseForwardCore(DeviceBuffer input, DeviceBuffer weight, DeviceBuffer? bias, Activation activation,
        DeviceBuffer preActivation, DeviceBuffer output, int rows, int units, int inputs)
    {
        GemmCore(false, true, rows, units, inputs, 1f, input, weight, 0f, preActivation);
        if (bias is not null) AddRowVectorCore(preActivation, bias, rows, units);
        if (activation.Kind != ActivationKind.Identity || !ReferenceEquals(output, preActivation))
        {
            ActivationForwardCore(activation, preActivation, output, rows * units);
        }
    }
    /// <summary>See <see cref="AddRowVector"/>.</summary>
    protected abstract void AddRowVectorCore(DeviceBuffer x, DeviceBuffer bias, int rows, int columns);
    /// <summary>See <see cref="SumColumns"/>.</summary>
    protected abstract void SumColumnsCore(DeviceBuffer x, int rows, int columns, DeviceBuffer result, float beta);
    /// <summary>See <see cref="GatherRows"/>.</summary>
    protected abstract void GatherRowsCore(DeviceBuffer source, int columns, ReadOnlySpan<int> rowIndices, DeviceBuffer destination);
    /// <summary>See <see cref="Scale"/>.</summary>
    protected abstract void ScaleCore(DeviceBuffer x, float alpha, int length);
    /// <summary>See <see cref="Axpy"/>.</summary>
    protected abstract void AxpyCore(float alpha, DeviceBuffer x, DeviceBuffer y, int length);
    /// <summary>See <see cref="Multiply"/>.</summary>
    protected abstract void MultiplyCore(DeviceBuffer a, DeviceBuffer b, DeviceBuffer result, int length);
    /// <summary>See <see cref="Clamp"/>.</summary>
    protected abstract void ClampCore(DeviceBuffer x, float min, float max, int length);
    /// <summary>See <see cref="Sum"/>.</summary>
    protected abstract float SumCore(DeviceBuffer x, int length);
    /// <summary>See <see cref="Max"/>.</summary>
    protected abstract float MaxCore(DeviceBuffer x, int length);
    /// <summary>See <see cref="SquaredNorm"/>.</summary>
    protected abstract float SquaredNormCore(DeviceBuffer x, int length);
    /// <summary>See <see cref="ArgMaxRows"/>.</summary>
    protected abstract void ArgMaxRowsCore(DeviceBuffer x, int rows, int columns, DeviceBuffer result);
    /// <summary>See <see cref="ActivationForward"/>.</summary>
    protected abstract void ActivationForwardCore(Activation activation, DeviceBuffer input, DeviceBuffer output, int length);
    /// <summary>See <see cref="ActivationBackward"/>.</summary>
    protected abstract void ActivationBackwardCore(Activation activation, DeviceBuffer input, DeviceBuffer output, DeviceBuffer dOutput, DeviceBuffer dInput, int length);
    /// <summary>See <see cref="MaxoutForward"/>.</summary>
    protected abstract void MaxoutForwardCore(DeviceBuffer input, DeviceBuffer output, DeviceBuffer argMax, int rows, int units, int pieces);
    /// <summary>See <see cref="MaxoutBackward"/>.</summary>
    protected abstract void MaxoutBackwardCore(DeviceBuffer dOutput, DeviceBuffer argMax, DeviceBuffer dInput, int rows, int units, int pieces);
    /// <summary>See <see cref="Softmax"/>.</summary>
    protected abstract void SoftmaxCore(DeviceBuffer logits, DeviceBuffer probabilities, int rows, int classes);
    /// <summary>See <see cref="SoftmaxCrossEntropy"/>.</summary>
    protected abstract void SoftmaxCrossEntropyCore(DeviceBuffer logits, DeviceBuffer targets, DeviceBuffer? classWeights, float labelSmoothing, int rows, int classes, float gradientScale, DeviceBuffer probabilities, DeviceBuffer? dLogits, DeviceBuffer rowLoss);
    /// <summary>See <see cref="BinaryCrossEntropyWithLogits"/>.</summary>
    protected abstract void BinaryCrossEntropyWithLogitsCore(DeviceBuffer logits, DeviceBuffer targets, int rows, int columns, float gradientScale, DeviceBuffer? dLogits, DeviceBuffer rowLoss);
    /// <summary>See <see cref="RegressionLoss"/>.</summary>
    protected abstract void RegressionLossCore(RegressionLossKind kind, float delta, DeviceBuffer predictions, DeviceBuffer targets, int rows, int columns, float gradientScale, DeviceBuffer? dPredictions, DeviceBuffer rowLoss);
    /// <summary>See <see cref="MulticlassHinge"/>.</summary>
    protected abstract void MulticlassHingeCore(DeviceBuffer scores, DeviceBuffer targets, float margin, int rows, int classes, float gradientScale, DeviceBuffer? dScores, DeviceBuffer rowLoss);
    /// <summary>See <see cref="DropoutForward"/>.</summary>
    protected abstract void DropoutForwardCore(DeviceBuffer input, DeviceBuffer output, DeviceBuffer mask, int length, float rate, ulong seed);
    // ---- augmentation
    /// <summary>See <see cref="RandomFlipCropForward"/>; the arguments are validated.</summary>
    protected abstract void RandomFlipCropForwardCore(DeviceBuffer input, DeviceBuffer output, int batch, int channels, int height, int width, bool horizontalFlip, int padding, ulong seed);
    /// <summary>See <see cref="RandomFlipCropBackward"/>; the arguments are validated.</summary>
    protected abstract void RandomFlipCropBackwardCore(DeviceBuffer dOutput, DeviceBuffer dInput, int batch, int channels, int height, int width, bool horizontalFlip, int padding, ulong seed);
    /// <summary>See <see cref="AddGaussianNoise"/>.</summary>
    protected abstract void AddGaussianNoiseCore(DeviceBuffer input, DeviceBuffer output, int length, float standardDeviation, ulong seed);
    // ---- pooling
    /// <summary>See <see cref="MaxPool2DForward"/>; the shape is validated.</summary>
    protected abstract void MaxPool2DForwardCore(DeviceBuffer input, DeviceBuffer output, DeviceBuffer argMax, Pooling.Pool2DShape shape);
    /// <summary>See <see cref="MaxPool2DBackward"/>; the shape is validated.</summary>
    protected abstract void MaxPool2DBackwardCore(DeviceBuffer dOutput, DeviceBuffer argMax, DeviceBuffer dInput, Pooling.Pool2DShape shape);
    /// <summary>See <see cref="AvgPool2DForward"/>; the shape is validated.</summary>
    protected abstract void AvgPool2DForwardCore(DeviceBuffer input, DeviceBuffer output, Pooling.Pool2DShape shape);
    /// <summary>See <see cref="AvgPool2DBackward"/>; the shape is validated.</summary>
    protected abstract void AvgPool2DBackwardCore(DeviceBuffer dOutput, DeviceBuffer dInput, Pooling.Pool2DShape shape);
    /// <summary>See <see cref="GlobalAvgPoolForward"/>: input (planes, area), output (planes), planes = batch·channels, area = height·width.</summary>
    protected abstract void GlobalAvgPoolForwardCore(DeviceBuffer input, DeviceBuffer output, int planes, int area);
    /// <summary>See <see cref="GlobalAvgPoolBackward"/>: dOutput (planes), dInput (planes, area).</summary>
    protected abstract void GlobalAvgPoolBackwardCore(DeviceBuffer dOutput, DeviceBuffer dInput, int planes, int area);
    /// <summary>See <see cref="BatchNormForwardTraining"/>.</summary>
    protected abstract void BatchNormForwardTrainingCore(DeviceBuffer input, DeviceBuffer gamma, DeviceBuffer beta, DeviceBuffer output, DeviceBuffer mean, DeviceBuffer inverseStd, DeviceBuffer runningMean, DeviceBuffer runningVariance, int rows, int features, float momentum, float epsilon);
    /// <summary>See <see cref="BatchNormForwardInference"/>.</summary>
    protected abstract void BatchNormForwardInferenceCore(DeviceBuffer input, DeviceBuffer gamma, DeviceBuffer beta, DeviceBuffer runningMean, DeviceBuffer runningVariance, DeviceBuffer output, int rows, int features, float epsilon);
    /// <summary>See <see cref="BatchNormBackward"/>.</summary>
    protected abstract void BatchNormBackwardCore(DeviceBuffer input, DeviceBuffer gamma, DeviceBuffer mean, DeviceBuffer inverseStd, DeviceBuffer dOutput, DeviceBuffer dInput, DeviceBuffer dGamma, DeviceBuffer dBeta, int rows, int features);
    /// <summary>See <see cref="BatchNorm2DForwardTraining"/>; the dimensions are validated.</summary>
    protected abstract void BatchNorm2DForwardTrainingCore(DeviceBuffer input, DeviceBuffer gamma, DeviceBuffer beta, DeviceBuffer output, DeviceBuffer mean, DeviceBuffer inverseStd, DeviceBuffer runningMean, DeviceBuffer runningVariance, int batch, int channels, int spatial, float momentum, float epsilon);
    /// <summary>See <see cref="BatchNorm2DForwardInference"/>; the dimensions are validated.</summary>
    protected abstract void BatchNorm2DForwardInferenceCore(DeviceBuffer input, DeviceBuffer gamma, DeviceBuffer beta, DeviceBuffer runningMean, DeviceBuffer runningVariance, DeviceBuffer output, int batch, int channels, int spatial, float epsilon);
    /// <summary>See <see cref="BatchNorm2DBackward"/>; the dimensions are validated.</summary>
    protected abstract void BatchNorm2DBackwardCore(DeviceBuffer input, DeviceBuffer gamma, DeviceBuffer mean, DeviceBuffer inverseStd, DeviceBuffer dOutput, DeviceBuffer dInput, DeviceBuffer dGamma, DeviceBuffer dBeta, int batch, int channels, int spatial);
    /// <summary>See <see cref="LayerNormForward"/>.</summary>
    protected abstract void LayerNormForwardCore(DeviceBuffer input, DeviceBuffer gamma, DeviceBuffer beta, DeviceBuffer output, DeviceBuffer mean, DeviceBuffer inverseStd, int rows, int features, float epsilon);
    /// <summary>See <see cref="LayerNormBackward"/>.</summary>
    protected abstract void LayerNormBackwardCore(DeviceBuffer input, DeviceBuffer gamma, DeviceBuffer mean, DeviceBuffer inverseStd, DeviceBuffer dOutput, DeviceBuffer dInput, DeviceBuffer dGamma, DeviceBuffer dBeta, int rows, int features);
    /// <summary>See <see cref="Conv2DForward"/>.</summary>
    protected abstract void Conv2DForwardCore(DeviceBuffer input, DeviceBuffer weight, DeviceBuffer? bias, DeviceBuffer output, in Conv2DShape shape);
    /// <summary>See <see cref="Conv2DBackwardInput"/>.</summary>
    protected abstract void Conv2DBackwardInputCore(DeviceBuffer dOutput, DeviceBuffer weight, DeviceBuffer dInput, in Conv2DShape shape);
    /// <summary>See <see cref="Conv2DBackwardWeight"/>.</summary>
    protected abstract void Conv2DBackwardWeightCore(DeviceBuffer input, DeviceBuffer dOutput, DeviceBuffer dWeight, DeviceBuffer? dBias, in Conv2DShape shape);
    /// <summary>See <see cref="OptimizerStep"/>.</summary>
    protected abstract void OptimizerStepCore(OptimizerKind kind, in OptimizerStepParameters hyperparameters, DeviceBuffer parameters, DeviceBuffer gradients, DeviceBuffer? state1, DeviceBuffer? state2, int length);

    // ---------------------------------------------------------------- lifetime

    /// <summary>Frees the backend's device resources.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases device resources.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }

    // ---------------------------------------------------------------- argument checks, one message format

    private void CheckOwn(DeviceBuffer buffer, string name)
    {
        ArgumentNullException.ThrowIfNull(buffer, name);
        if (!ReferenceEquals(buffer.Backend, this))
        {
            throw new ArgumentException(
                $"Buffer '{name}' belongs to backend '{buffer.Backend.Description}', not to '{Description}'.", name);
        }
    }

    private static void CheckCount(int value, string name)
    {
        if (value < 0) throw Argument(name, "a non-negative count", value);
    }

    private static void CheckPositive(int value, string name)
    {
        if (value <= 0) throw Argument(name, "a positive count", value);
    }

    private void CheckLength(DeviceBuffer buffer, long needed, string name)
    {
        if (buffer.Length < needed)
        {
            throw new ArgumentOutOfRangeException(name, $"Buffer '{name}' needs at least {needed} elements; got {buffer.Length}.");
        }
    }

    private void CheckVector(DeviceBuffer buffer, int length, string name)
    {
        CheckOwn(buffer, name);
        if (length < 0) throw Argument(name, "a non-negative length", length);
        CheckLength(buffer, length, name);
    }

    private void CheckMatrix(DeviceBuffer buffer, int rows, int columns, string name)
    {
        CheckOwn(buffer, name);
        if (rows < 0) throw Argument(name, "a non-negative row count", rows);
        if (columns < 0) throw Argument(name, "a non-negative column count", columns);
        long needed = (long)rows * columns;
        if (buffer.Length < needed)
        {
            throw new ArgumentOutOfRangeException(name,
                $"Buffer '{name}' must hold a ({rows} x {columns}) matrix = {needed} elements; got {buffer.Length}.");
        }
    }

    private static ArgumentOutOfRangeException Argument(string name, string expected, object found) =>
        new(name, found, $"'{name}' must be {expected}; got {found}.");
}
