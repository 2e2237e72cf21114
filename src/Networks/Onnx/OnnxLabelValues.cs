namespace MLNet.DeepExtensions.Networks.Onnx;

/// <summary>Turns <see cref="OnnxExportOptions.LabelValues"/> into a constant tensor of the matching ONNX element type.</summary>
internal static class OnnxLabelValues
{
    private const string ParameterName = "options"; // the public argument the values came in: OnnxExporter.Export's options

    /// <summary>The ONNX element type of <paramref name="values"/>'s elements; throws for an unsupported array.</summary>
    public static OnnxDataType ElementType(Array values)
    {
        if (values.Rank != 1)
        {
            throw new ArgumentException($"LabelValues must be a one-dimensional array; got a rank-{values.Rank} {values.GetType().Name}.", ParameterName);
        }
        // Match the exact element type: the CLR lets a uint[] pass "is int[]" (and byte[] "is sbyte[]"), so array
        // type patterns would confuse signed and unsigned arrays.
        var element = values.GetType().GetElementType();
        return (element is { IsEnum: true } ? TypeCode.Object : Type.GetTypeCode(element)) switch
        {
            TypeCode.String => OnnxDataType.String,
            TypeCode.Single => OnnxDataType.Float,
            TypeCode.Double => OnnxDataType.Double,
            TypeCode.SByte => OnnxDataType.Int8,
            TypeCode.Byte => OnnxDataType.UInt8,
            TypeCode.Int16 => OnnxDataType.Int16,
            TypeCode.UInt16 => OnnxDataType.UInt16,
            TypeCode.Int32 => OnnxDataType.Int32,
            TypeCode.UInt32 => OnnxDataType.UInt32,
            TypeCode.Int64 => OnnxDataType.Int64,
            TypeCode.UInt64 => OnnxDataType.UInt64,
            TypeCode.Boolean => OnnxDataType.Bool,
            _ => throw new ArgumentException(
                $"LabelValues of element type {element?.Name ?? "?"} cannot be exported to ONNX: use string[] or an array of float, double, sbyte, byte, short, ushort, int, uint, long, ulong or bool.",
                ParameterName),
        };
    }

    /// <summary>The tensor [values.Length] of <paramref name="values"/> named <paramref name="name"/>.</summary>
    public static OnnxTensor ToTensor(string name, Array values)
    {
        long[] dims = [values.Length];
        var type = ElementType(values);
        if (type == OnnxDataType.String)
        {
            for (int i = 0; i < values.Length; i++)
            {
                if (values.GetValue(i) is null) throw new ArgumentException($"LabelValues[{i}] is null; string label values must not be null.", ParameterName);
            }
            return OnnxTensor.FromStrings(name, dims, (string[])values);
        }
        byte[] raw = type switch
        {
            OnnxDataType.Float => OnnxTensor.LittleEndianBytes<float>((float[])values),
            OnnxDataType.Double => OnnxTensor.LittleEndianBytes<double>((double[])values),
            OnnxDataType.Int8 => OnnxTensor.LittleEndianBytes<sbyte>((sbyte[])values),
            OnnxDataType.UInt8 => OnnxTensor.LittleEndianBytes<byte>((byte[])values),
            OnnxDataType.Int16 => OnnxTensor.LittleEndianBytes<short>((short[])values),
            OnnxDataType.UInt16 => OnnxTensor.LittleEndianBytes<ushort>((ushort[])values),
            OnnxDataType.Int32 => OnnxTensor.LittleEndianBytes<int>((int[])values),
            OnnxDataType.UInt32 => OnnxTensor.LittleEndianBytes<uint>((uint[])values),
            OnnxDataType.Int64 => OnnxTensor.LittleEndianBytes<long>((long[])values),
            OnnxDataType.UInt64 => OnnxTensor.LittleEndianBytes<ulong>((ulong[])values),
            OnnxDataType.Bool => ((bool[])values).Select(v => v ? (byte)1 : (byte)0).ToArray(), // ONNX bools are one byte, 0 or 1
            _ => throw new InvalidOperationException($"unreachable: element type {type}"),
        };
        return OnnxTensor.FromRaw(name, type, dims, raw);
    }
}
