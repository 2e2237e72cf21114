namespace MLNet.DeepExtensions.Kernels;

// The activations operations: public methods that check their arguments, and the Core methods a backend implements.
public abstract partial class ComputeBackend
{
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

    // ---------------------------------------------------------------- Core methods a backend implements

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
}
