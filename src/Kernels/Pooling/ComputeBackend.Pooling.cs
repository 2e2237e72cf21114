namespace MLNet.DeepExtensions.Kernels;

// The pooling operations: public methods that check their arguments, and the Core methods a backend implements.
public abstract partial class ComputeBackend
{
    /// <summary>
    /// 2-D max pooling over input (batch, channels, height, width): output (batch, channels, Hout, Wout) with
    /// Hout = ⌊(height + 2·padHeight − poolHeight)/strideHeight⌋ + 1 (likewise Wout; see <see cref="Pooling.Pool2DShape"/>,
    /// whose constructor validates the dimensions) holds each window's maximum, the padding counting as −∞ (it never
    /// wins; PyTorch's MaxPool2d); argMax (same shape) stores the winner's index h·width + w within its image plane, as a
    /// float; the first maximum in row-major window order wins ties.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A buffer is too short.</exception>
    /// <exception cref="ArgumentException"><paramref name="shape"/> is <c>default</c> (not made by its constructor).</exception>
    public void MaxPool2DForward(DeviceBuffer input, DeviceBuffer output, DeviceBuffer argMax, in Pooling.Pool2DShape shape)
    {
        CheckPool2DShape(shape);
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
    public void MaxPool2DBackward(DeviceBuffer dOutput, DeviceBuffer argMax, DeviceBuffer dInput, in Pooling.Pool2DShape shape)
    {
        CheckPool2DShape(shape);
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
    public void AvgPool2DForward(DeviceBuffer input, DeviceBuffer output, in Pooling.Pool2DShape shape)
    {
        CheckPool2DShape(shape);
        CheckVector(input, shape.InputLength, nameof(input));
        CheckVector(output, shape.OutputLength, nameof(output));
        AvgPool2DForwardCore(input, output, shape);
    }

    /// <summary>
    /// Backward of <see cref="AvgPool2DForward"/>: dInput (overwritten) = Σ over the windows covering each input element
    /// of dOutput / (poolHeight·poolWidth).
    /// </summary>
    public void AvgPool2DBackward(DeviceBuffer dOutput, DeviceBuffer dInput, in Pooling.Pool2DShape shape)
    {
        CheckPool2DShape(shape);
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

    // default(Pool2DShape) skips the constructor's checks; every shape its constructor made has a positive window.
    private static void CheckPool2DShape(in Pooling.Pool2DShape shape)
    {
        if (shape.PoolHeight <= 0)
        {
            throw new ArgumentException($"The {nameof(Pooling.Pool2DShape)} must be made by its constructor (got default: {shape}).", nameof(shape));
        }
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

    // ---------------------------------------------------------------- Core methods a backend implements

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
}
