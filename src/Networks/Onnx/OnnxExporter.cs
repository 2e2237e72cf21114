namespace MLNet.DeepExtensions.Networks.Onnx;

/// <summary>Writes a built <see cref="Sequential"/> model as an ONNX model (opset 17). STUB: to be implemented.</summary>
public static class OnnxExporter
{
    /// <summary>The ONNX model bytes of <paramref name="model"/> with the head and names of <paramref name="options"/>.</summary>
    public static byte[] Export(Sequential model, OnnxExportOptions options) => throw new NotImplementedException();
}
