using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using MLNet.DeepExtensions.Networks.Layers;
using MLNet.DeepExtensions.Networks.Onnx;

namespace MLNet.DeepExtensions.Networks.Tests.Onnx;

/// <summary>Builds small models, runs exported ONNX bytes in ONNX Runtime, and compares with Sequential.Predict.</summary>
internal static class OnnxTestSupport
{
    /// <summary>Absolute and relative tolerance of the ONNX Runtime parity checks.</summary>
    public const float Tolerance = 1e-5f;

    /// <summary>A model built on <paramref name="backend"/>, with every parameter randomized (non-trivial γ, β and running statistics).</summary>
    public static Sequential Build(ManagedCpuBackend backend, TensorShape inputShape, params Layer[] layers)
    {
        var model = new Sequential(layers);
        model.Build(backend, inputShape, seed: 3);
        Randomize(model, seed: 11);
        return model;
    }

    /// <summary>
    /// A model built on <paramref name="backend"/> with its layers' own weight initializers and every other parameter
    /// randomized (biases, γ, β, running statistics). Deep stacks need that: with weights uniform in [-1, 1] the
    /// activations grow to thousands and float rounding alone exceeds 1e-5 relative after cancellation.
    /// </summary>
    public static Sequential BuildWithInitialWeights(ManagedCpuBackend backend, TensorShape inputShape, params Layer[] layers)
    {
        var model = new Sequential(layers);
        model.Build(backend, inputShape, seed: 3);
        Randomize(model, seed: 11, keepWeights: true);
        return model;
    }

    /// <summary>Overwrites every parameter (but the "*.weight" ones with <paramref name="keepWeights"/>) with uniform values in [-1, 1]; running variances in [0.5, 2].</summary>
    public static void Randomize(Sequential model, int seed, bool keepWeights = false)
    {
        var random = new Random(seed);
        var all = model.Parameters.Read();
        foreach (var p in model.Parameters.Parameters)
        {
            if (keepWeights && p.Name.EndsWith(".weight", StringComparison.Ordinal)) continue;
            int start = (p.IsTrainable ? 0 : model.Parameters.TrainableCount) + p.Offset;
            bool variance = p.Name.EndsWith(".running_variance", StringComparison.Ordinal);
            for (int i = 0; i < p.Size; i++) all[start + i] = variance ? 0.5f + 1.5f * random.NextSingle() : 2f * random.NextSingle() - 1f;
        }
        model.Parameters.Write(all);
    }

    /// <summary><paramref name="rows"/> × <paramref name="width"/> values uniform in [-scale, scale].</summary>
    public static float[] Inputs(int rows, int width, int seed, float scale = 3f)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, rows * width).Select(_ => scale * (2f * random.NextSingle() - 1f)).ToArray();
    }

    /// <summary>Runs <paramref name="onnx"/> on one input tensor; returns each output as (shape, values).</summary>
    public static Dictionary<string, OnnxOutput> Run(byte[] onnx, string inputName, float[] data, params int[] dims)
    {
        using var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        using var session = new InferenceSession(onnx, options);
        var input = NamedOnnxValue.CreateFromTensor(inputName, new DenseTensor<float>(data, dims));
        using var results = session.Run([input]);
        return results.ToDictionary(r => r.Name, r => OnnxOutput.From(r));
    }

    /// <summary>Asserts |actual − expected| ≤ tol·(1 + |expected|) elementwise; returns the largest absolute difference.</summary>
    public static float AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        float max = 0f;
        for (int i = 0; i < expected.Length; i++)
        {
            float diff = MathF.Abs(actual[i] - expected[i]);
            Assert.True(diff <= Tolerance + Tolerance * MathF.Abs(expected[i]),
                $"{what}: element {i} differs: ONNX Runtime {actual[i]:R}, Sequential.Predict {expected[i]:R} (|diff| {diff:E3}).");
            max = MathF.Max(max, diff);
        }
        return max;
    }

    /// <summary>
    /// Exports <paramref name="model"/> (raw head) with and without a batch dimension, runs both in ONNX Runtime and
    /// checks them against Predict; returns the largest absolute difference.
    /// </summary>
    public static float AssertRawParity(Sequential model, int rows = 7, int seed = 5)
    {
        int width = model.InputShape.Size, outputs = model.OutputShape.Size;
        var x = Inputs(rows, width, seed);
        var expected = model.Predict(x, rows);
        int[] sample = model.InputShape.Dimensions.ToArray();

        var batched = Run(OnnxExporter.Export(model, new OnnxExportOptions()), "Features", x, [rows, .. sample])["Score"];
        Assert.Equal([rows, outputs], batched.Shape);
        float max = AssertClose(expected, batched.Floats, "batched Score");

        var single = OnnxExporter.Export(model, new OnnxExportOptions { BatchDimension = false });
        for (int r = 0; r < rows; r++)
        {
            var score = Run(single, "Features", x.AsSpan(r * width, width).ToArray(), sample)["Score"];
            Assert.Equal([outputs], score.Shape);
            max = MathF.Max(max, AssertClose(expected.AsSpan(r * outputs, outputs), score.Floats, $"row {r} Score"));
        }
        return max;
    }
}

/// <summary>One ONNX Runtime output: its shape and values (as the CLR element type).</summary>
internal sealed record OnnxOutput(int[] Shape, Type ElementType, Array Values)
{
    /// <summary>The values of a float output.</summary>
    public float[] Floats => (float[])Values;

    /// <summary>Copies a result out of the (disposable) ONNX Runtime value.</summary>
    public static OnnxOutput From(DisposableNamedOnnxValue value) => value.ElementType switch
    {
        TensorElementType.Float => Of(value.AsTensor<float>()),
        TensorElementType.Double => Of(value.AsTensor<double>()),
        TensorElementType.Int8 => Of(value.AsTensor<sbyte>()),
        TensorElementType.UInt8 => Of(value.AsTensor<byte>()),
        TensorElementType.Int16 => Of(value.AsTensor<short>()),
        TensorElementType.UInt16 => Of(value.AsTensor<ushort>()),
        TensorElementType.Int32 => Of(value.AsTensor<int>()),
        TensorElementType.UInt32 => Of(value.AsTensor<uint>()),
        TensorElementType.Int64 => Of(value.AsTensor<long>()),
        TensorElementType.UInt64 => Of(value.AsTensor<ulong>()),
        TensorElementType.Bool => Of(value.AsTensor<bool>()),
        TensorElementType.String => Of(value.AsTensor<string>()),
        _ => throw new NotSupportedException($"Output '{value.Name}' has element type {value.ElementType}, not handled by the tests."),
    };

    private static OnnxOutput Of<T>(Tensor<T> tensor) => new(tensor.Dimensions.ToArray(), typeof(T), tensor.ToArray());
}
