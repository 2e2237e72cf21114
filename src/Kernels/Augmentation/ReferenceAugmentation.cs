namespace MLNet.DeepExtensions.Kernels.Augmentation;

/// <summary>
/// The oracle's augmentation in double, plain loops from the definitions of
/// <see cref="ComputeBackend.RandomFlipCropForward"/> and <see cref="ComputeBackend.AddGaussianNoise"/>. The backward
/// pass is written independently of the managed one: a scatter of every output gradient onto the input element it
/// read, which is the adjoint by definition. Tensors are NCHW, row-major.
/// </summary>
internal static class ReferenceAugmentation
{
    /// <summary>output[n, c, y, x] = input[n, c, y + dy, x' + dx] (0 outside), with each sample's choice from <see cref="FlipCropChoice.Draw"/>.</summary>
    public static void RandomFlipCropForward(ReadOnlySpan<double> input, Span<double> output,
        int batch, int channels, int height, int width, bool horizontalFlip, int padding, ulong seed)
    {
        foreach (var (o, source) in Reads(batch, channels, height, width, horizontalFlip, padding, seed))
        {
            output[o] = source >= 0 ? input[source] : 0.0;
        }
    }

    /// <summary>dInput = 0, then dInput[the element output (n, c, y, x) read] += dOutput[n, c, y, x].</summary>
    public static void RandomFlipCropBackward(ReadOnlySpan<double> dOutput, Span<double> dInput,
        int batch, int channels, int height, int width, bool horizontalFlip, int padding, ulong seed)
    {
        dInput[..(batch * channels * height * width)].Clear();
        foreach (var (o, source) in Reads(batch, channels, height, width, horizontalFlip, padding, seed))
        {
            if (source >= 0) dInput[source] += dOutput[o];
        }
    }

    // The forward's partial permutation: every output element (n, c, y, x) in order, with the input element it reads,
    // or −1 where it reads the zero fill. Forward gathers along it; backward scatters along it.
    private static IEnumerable<(int Output, int Source)> Reads(
        int batch, int channels, int height, int width, bool horizontalFlip, int padding, ulong seed)
    {
        for (int n = 0; n < batch; n++)
        {
            var choice = FlipCropChoice.Draw(seed, n, horizontalFlip, padding);
            for (int c = 0; c < channels; c++)
            {
                int plane = (n * channels + c) * height * width;
                for (int y = 0; y < height; y++)
                {
                    for (int x = 0; x < width; x++)
                    {
                        int sy = choice.SourceRow(y), sx = choice.SourceColumn(x, width);
                        bool inside = sy >= 0 && sy < height && sx >= 0 && sx < width;
                        yield return (plane + y * width + x, inside ? plane + sy * width + sx : -1);
                    }
                }
            }
        }
    }

    /// <summary>output[i] = input[i] + σ·z_i with z_i = <see cref="CounterNormal.SampleDouble"/>(seed, i).</summary>
    public static void AddGaussianNoise(ReadOnlySpan<double> input, Span<double> output, float standardDeviation, ulong seed)
    {
        for (int i = 0; i < output.Length; i++) output[i] = input[i] + standardDeviation * CounterNormal.SampleDouble(seed, i);
    }
}
