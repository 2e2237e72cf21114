using System.Diagnostics;
using MLNet.DeepExtensions.Networks.Layers;
using MLNet.DeepExtensions.Networks.Onnx;
using static MLNet.DeepExtensions.Networks.Tests.Onnx.OnnxTestSupport;

namespace MLNet.DeepExtensions.Networks.Tests.Onnx;

/// <summary>
/// The official ONNX checker (Debian's python3-onnx, full_check: strict shape inference against the declared
/// outputs) accepts exported models. Runs tests/scripts/check_onnx.py with /usr/bin/python3.
/// </summary>
public sealed class OnnxCheckerTests : IDisposable
{
    private const string Python = "/usr/bin/python3";
    private readonly ManagedCpuBackend _backend = new(1);

    public void Dispose() => _backend.Dispose();

    private static (int ExitCode, string Output) RunPython(params string[] arguments)
    {
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {Python}.");
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.Result);
    }

    internal static void AssertCheckerAccepts(byte[] onnx)
    {
        Assert.True(File.Exists(Python), $"{Python} is missing: the ONNX checker tests need Debian's Python with the onnx package (apt-get install python3-onnx).");
        var (importCode, importOutput) = RunPython("-c", "import onnx");
        Assert.True(importCode == 0, $"{Python} cannot import onnx; install it with `apt-get install python3-onnx`. Python said: {importOutput}");

        string path = Path.Combine(Path.GetTempPath(), $"onnx-check-{Guid.NewGuid():N}.onnx");
        try
        {
            File.WriteAllBytes(path, onnx);
            string script = Path.Combine(TestData.RepositoryRoot(), "tests", "scripts", "check_onnx.py");
            var (code, output) = RunPython(script, path);
            Assert.True(code == 0, $"The ONNX checker rejected the model (exit code {code}):\n{output}");
            Assert.Equal("ok", output.Trim());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void StackedModelPassesTheChecker(bool batch)
    {
        using var model = Build(_backend, new TensorShape(2, 5), [new FlattenLayer(), .. OnnxLayerExportTests.StackedLayers()]);
        AssertCheckerAccepts(OnnxExporter.Export(model, new OnnxExportOptions { BatchDimension = batch, Metadata = new Dictionary<string, string> { ["summary"] = model.Summary() } }));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ImageModelPassesTheChecker(bool batch)
    {
        using var model = Build(_backend, OnnxImageLayerExportTests.ImageInput, OnnxImageLayerExportTests.ImageLayers());
        AssertCheckerAccepts(OnnxExporter.Export(model, new OnnxExportOptions { Head = OnnxOutputHead.Multiclass, BatchDimension = batch }));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void MulticlassHeadModelPassesTheChecker(bool batch)
    {
        using var model = Build(_backend, new TensorShape(6), new DenseLayer(8), new ActivationLayer(ActivationKind.Relu), new DenseLayer(3));
        AssertCheckerAccepts(OnnxExporter.Export(model, new OnnxExportOptions { Head = OnnxOutputHead.Multiclass, BatchDimension = batch, LabelValues = new[] { "a", "b", "c" } }));
    }

    [Theory]
    [InlineData(OnnxOutputHead.Binary, true)]
    [InlineData(OnnxOutputHead.Binary, false)]
    [InlineData(OnnxOutputHead.Regression, false)]
    public void SingleOutputHeadsPassTheChecker(OnnxOutputHead head, bool batch)
    {
        using var model = Build(_backend, new TensorShape(6), new DenseLayer(8), new ActivationLayer(ActivationKind.Elu), new DenseLayer(1));
        AssertCheckerAccepts(OnnxExporter.Export(model, new OnnxExportOptions { Head = head, BatchDimension = batch }));
    }
}
