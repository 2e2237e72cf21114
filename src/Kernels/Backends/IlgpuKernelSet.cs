using ILGPU.Runtime;
using MLNet.DeepExtensions.Kernels.Augmentation;
using MLNet.DeepExtensions.Kernels.Conv;
using MLNet.DeepExtensions.Kernels.Elementwise;
using MLNet.DeepExtensions.Kernels.Losses;
using MLNet.DeepExtensions.Kernels.MatMul;
using MLNet.DeepExtensions.Kernels.Normalization;
using MLNet.DeepExtensions.Kernels.Optimizers;
using MLNet.DeepExtensions.Kernels.Pooling;
using MLNet.DeepExtensions.Kernels.Reductions;

namespace MLNet.DeepExtensions.Kernels.Backends;

/// <summary>
/// Every ILGPU kernel of the backend, compiled and loaded once per accelerator when the backend is created
/// (ILGPU's CreateReduction pattern); no call ever loads a kernel.
/// </summary>
/// <remarks>Each op family declares its kernels' property in <c>&lt;Family&gt;/IlgpuKernelSet.&lt;Family&gt;.cs</c>; the
/// constructor loads them, one line per family.</remarks>
internal sealed partial class IlgpuKernelSet
{
    public IlgpuKernelSet(Accelerator accelerator)
    {
        Gemm = new IlgpuGemmKernels(accelerator);
        Elementwise = new IlgpuElementwiseKernels(accelerator);
        Reductions = new IlgpuReductionKernels(accelerator);
        Losses = new IlgpuLossKernels(accelerator);
        Normalization = new IlgpuNormalizationKernels(accelerator);
        BatchNorm2D = new IlgpuBatchNorm2DKernels(accelerator);
        Optimizers = new IlgpuOptimizerKernels(accelerator);
        Convolution = new IlgpuConvolutionKernels(accelerator);
        Pooling = new IlgpuPoolingKernels(accelerator);
        Augmentation = new IlgpuAugmentationKernels(accelerator);
        Scaling = new Scaling.IlgpuScalingKernels(accelerator);
        LoadLayout(accelerator);
        LoadIndexing(accelerator);
        LoadRecurrent(accelerator);
    }
}
