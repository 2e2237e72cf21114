using ILGPU;
using ILGPU.Runtime;

namespace MLNet.DeepExtensions.Kernels.Scaling;

/// <summary>The scaling family's ILGPU kernels, loaded once per accelerator.</summary>
internal sealed class IlgpuScalingKernels
{
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int> _scaleShiftColumns;

    public IlgpuScalingKernels(Accelerator accelerator)
    {
        _scaleShiftColumns = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>(ScaleShiftColumns);
    }

    /// <summary>See <see cref="ScaleShiftColumns"/>; <paramref name="shift"/> is any view when <paramref name="hasShift"/> is false.</summary>
    public void LaunchScaleShiftColumns(ArrayView<float> input, ArrayView<float> scale, ArrayView<float> shift, bool hasShift, ArrayView<float> output, int rows, int columns) =>
        _scaleShiftColumns(rows * columns, input, scale, shift, output, columns, hasShift ? 1 : 0);

    /// <summary>output[i] = input[i] · scale[i mod columns] + shift[i mod columns] (hasShift 1) or + 0 (hasShift 0).</summary>
    /// <param name="i">Flat index r·columns + c in [0, rows·columns).</param>
    /// <param name="input">Matrix (rows, columns).</param>
    /// <param name="scale">Vector (columns).</param>
    /// <param name="shift">Vector (columns), read only when hasShift is 1.</param>
    /// <param name="output">Matrix (rows, columns); may alias input.</param>
    /// <param name="columns">Row length.</param>
    /// <param name="hasShift">1 to add the shift, 0 not to.</param>
    internal static void ScaleShiftColumns(Index1D i, ArrayView<float> input, ArrayView<float> scale, ArrayView<float> shift, ArrayView<float> output, int columns, int hasShift)
    {
        int c = i % columns;
        float y = input[i] * scale[c];
        if (hasShift != 0) y += shift[c];
        output[i] = y;
    }
}
