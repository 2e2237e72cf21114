namespace MLNet.DeepExtensions.Kernels.Augmentation;

/// <summary>
/// Managed float32 augmentation. Flip/crop moves whole row segments (a span copy, reversed when flipped) and clears the
/// rest of each row; its backward pass is the same move with the inverse choice (<see cref="FlipCropChoice.Inverse"/>),
/// since a partial permutation's adjoint is its inverse. Pure data movement, so the result is exact on every backend.
/// </summary>
internal static class ManagedAugmentation
{
    /// <summary>input and output (batch, channels, height, width); see <see cref="ComputeBackend.RandomFlipCropForward"/>.</summary>
    public static void RandomFlipCropForward(ReadOnlySpan<float> input, Span<float> output,
        int batch, int channels, int height, int width, bool horizontalFlip, int padding, ulong seed)
    {
        int sampleSize = channels * height * width;
        for (int n = 0; n < batch; n++)
        {
            var choice = FlipCropChoice.Draw(seed, n, horizontalFlip, padding);
            Move(input.Slice(n * sampleSize, sampleSize), output.Slice(n * sampleSize, sampleSize), channels, height, width, choice);
        }
    }

    /// <summary>dOutput and dInput (batch, channels, height, width); dInput is overwritten.</summary>
    public static void RandomFlipCropBackward(ReadOnlySpan<float> dOutput, Span<float> dInput,
        int batch, int channels, int height, int width, bool horizontalFlip, int padding, ulong seed)
    {
        int sampleSize = channels * height * width;
        for (int n = 0; n < batch; n++)
        {
            var choice = FlipCropChoice.Draw(seed, n, horizontalFlip, padding).Inverse();
            Move(dOutput.Slice(n * sampleSize, sampleSize), dInput.Slice(n * sampleSize, sampleSize), channels, height, width, choice);
        }
    }

    /// <summary>output[i] = input[i] + σ·z_i, both branches of each Box–Muller pair from one radius and angle (output may alias input).</summary>
    public static void AddGaussianNoise(ReadOnlySpan<float> input, Span<float> output, float standardDeviation, ulong seed)
    {
        // The same float expressions as CounterNormal.Sample, so the ILGPU kernel (one element per thread) matches exactly.
        for (int i = 0; i < output.Length; i += 2)
        {
            ulong hash = CounterNormal.PairHash(seed, i);
            float radius = CounterNormal.Radius(hash), angle = CounterNormal.Angle(hash);
            output[i] = input[i] + standardDeviation * (radius * MathF.Cos(angle));
            if (i + 1 < output.Length) output[i + 1] = input[i + 1] + standardDeviation * (radius * MathF.Sin(angle));
        }
    }

    // destination (channels, height, width)[y, x] = source[SourceRow(y), SourceColumn(x)], 0 where that is outside.
    private static void Move(ReadOnlySpan<float> source, Span<float> destination, int channels, int height, int width, FlipCropChoice choice)
    {
        // Destination columns [x0, x1) have their source inside: x + dx ∈ [0, width), or flipped width − 1 − x + dx ∈ [0, width).
        int x0 = choice.Flip ? Math.Max(0, choice.ShiftX) : Math.Max(0, -choice.ShiftX);
        int x1 = choice.Flip ? Math.Min(width, width + choice.ShiftX) : Math.Min(width, width - choice.ShiftX);
        // The lowest source column of the segment: at x0 ascending, at x1 − 1 when flipped.
        int firstSource = x0 < x1 ? choice.SourceColumn(choice.Flip ? x1 - 1 : x0, width) : 0;
        for (int c = 0; c < channels; c++)
        {
            for (int y = 0; y < height; y++)
            {
                Span<float> row = destination.Slice((c * height + y) * width, width);
                int sy = choice.SourceRow(y);
                if (sy < 0 || sy >= height || x0 >= x1)
                {
                    row.Clear();
                    continue;
                }
                row[..x0].Clear();
                row[x1..].Clear();
                Span<float> segment = row[x0..x1];
                source.Slice((c * height + sy) * width + firstSource, x1 - x0).CopyTo(segment);
                if (choice.Flip) segment.Reverse();
            }
        }
    }
}
