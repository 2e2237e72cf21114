namespace MLNet.DeepExtensions.Networks.Onnx;

/// <summary>Turns <see cref="OnnxExportOptions.LabelValues"/> into a constant tensor of the matching ONNX element type.</summary>
internal static class OnnxLabelValues
{
    /// <summary>The ONNX element type of <paramref name="values"/>'s elements; throws for an unsupported array.</summary>
    public static OnnxDataType ElementType(Array values)
    {
        if (values.Rank != 1)
        {
            throw new ArgumentException($"LabelValues must be a one-dimensional array; got a rank-{values.Rank} {values.GetType().Name}.", nameof(values));
        }
        return values switch
        {
            string[] => OnnxDataType.String,
            float[] => OnnxDataType.Float,
            double[] => OnnxDataType.Double,
            sbyte[] => OnnxDataType.Int8,
            byte[] => OnnxDataType.UInt8,
            short[] => OnnxDataType.Int16,
            ushort[] => OnnxDataType.UInt16,
            int[] => OnnxDataType.Int32,
            uint[] => OnnxDataType.UInt32,
            long[] => OnnxDataType.Int64,
            ulong[] => OnnxDataType.UInt64,
            bool[] => OnnxDataType.Bool,
            _ => throw new ArgumentException(
                $"LabelValues of element type {values.GetType().GetElementType()?.Name ?? values.GetType().Name} cannot be exported to ONNX: use string[] or an array of float, double, sbyte, byte, short, ushort, int, uint, long, ulong or bool.",
                nameof(values)),
        };
    }

    /// <summary>The tensor [values.Length] of <paramref name="values"/> named <paramref name="name"/>.</summary>
    public static OnnxTensor ToTensor(string name, Array values)
    {
        long[] dims = [values.Length];
        var type = ElementType(values);
        if (values is string[] strings)
        {
            for (int i = 0; i < strings.Length; i++)
            {
                if (strings[i] is null) throw new ArgumentException($"LabelValues[{i}] is null; string label values must not be null.", nameof(values));
            }
            return OnnxTensor.FromStrings(name, dims, strings);
        }
        byte[] raw = values switch
        {
            float[] a => OnnxTensor.LittleEndianBytes<float>(a),
            double[] a => OnnxTensor.LittleEndianBytes<double>(a),
            sbyte[] a => OnnxTensor.LittleEndianBytes<sbyte>(a),
            byte[] a => (byte[])a.Clone(),
            short[] a => OnnxTensor.LittleEndianBytes<short>(a),
            ushort[] a => OnnxTensor.LittleEndianBytes<ushort>(a),
            int[] a => OnnxTensor.LittleEndianBytes<int>(a),
            uint[] a => OnnxTensor.LittleEndianBytes<uint>(a),
            long[] a => OnnxTensor.LittleEndianBytes<long>(a),
            ulong[] a => OnnxTensor.LittleEndianBytes<ulong>(a),
            bool[] a => a.Select(v => v ? (byte)1 : (byte)0).ToArray(), // ONNX bools are one byte, 0 or 1
            _ => throw new InvalidOperationException("unreachable: ElementType accepted the array"),
        };
        return OnnxTensor.FromRaw(name, type, dims, raw);
    }
}
