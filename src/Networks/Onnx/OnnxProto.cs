using System.Text;

namespace MLNet.DeepExtensions.Networks.Onnx;

// The subset of onnx.proto (proto2, github.com/onnx/onnx/blob/main/onnx/onnx.proto) the exporter writes. Field numbers
// are copied from that file; each message encodes itself with ProtobufWriter.

/// <summary>TensorProto.DataType values (onnx.proto).</summary>
internal enum OnnxDataType
{
    Float = 1,
    UInt8 = 2,
    Int8 = 3,
    UInt16 = 4,
    Int16 = 5,
    Int32 = 6,
    Int64 = 7,
    String = 8,
    Bool = 9,
    Double = 11,
    UInt32 = 12,
    UInt64 = 13,
}

/// <summary>TensorProto: a named constant (initializer); numbers in raw_data (little-endian), strings in string_data.</summary>
internal sealed class OnnxTensor
{
    private const int DimsField = 1, DataTypeField = 2, StringDataField = 6, NameField = 8, RawDataField = 9;

    private OnnxTensor(string name, OnnxDataType dataType, long[] dims, byte[]? rawData, string[]? strings)
    {
        Name = name;
        DataType = dataType;
        Dims = dims;
        RawData = rawData;
        Strings = strings;
    }

    /// <summary>Tensor (value) name.</summary>
    public string Name { get; }

    /// <summary>Element type.</summary>
    public OnnxDataType DataType { get; }

    /// <summary>Shape; empty for a scalar.</summary>
    public long[] Dims { get; }

    /// <summary>Little-endian element bytes (numeric and bool tensors).</summary>
    public byte[]? RawData { get; }

    /// <summary>Elements of a string tensor.</summary>
    public string[]? Strings { get; }

    /// <summary>A numeric or bool tensor from its little-endian bytes.</summary>
    public static OnnxTensor FromRaw(string name, OnnxDataType dataType, long[] dims, byte[] rawData) => new(name, dataType, dims, rawData, null);

    /// <summary>A float tensor.</summary>
    public static OnnxTensor FromFloats(string name, long[] dims, ReadOnlySpan<float> values) =>
        FromRaw(name, OnnxDataType.Float, dims, LittleEndianBytes(values));

    /// <summary>An int64 tensor.</summary>
    public static OnnxTensor FromInt64s(string name, long[] dims, ReadOnlySpan<long> values) =>
        FromRaw(name, OnnxDataType.Int64, dims, LittleEndianBytes(values));

    /// <summary>A string tensor.</summary>
    public static OnnxTensor FromStrings(string name, long[] dims, string[] values) => new(name, OnnxDataType.String, dims, null, values);

    /// <summary>The bytes of <paramref name="values"/> in little-endian order (ONNX's raw_data byte order).</summary>
    public static byte[] LittleEndianBytes<T>(ReadOnlySpan<T> values) where T : unmanaged
    {
        var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(values).ToArray();
        if (!BitConverter.IsLittleEndian)
        {
            int size = System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
            for (int i = 0; i < bytes.Length; i += size) Array.Reverse(bytes, i, size);
        }
        return bytes;
    }

    /// <summary>Encodes the TensorProto.</summary>
    public void WriteTo(ProtobufWriter writer)
    {
        foreach (long d in Dims) writer.WriteInt64(DimsField, d);
        writer.WriteInt64(DataTypeField, (int)DataType);
        if (Strings is not null)
        {
            foreach (string s in Strings) writer.WriteBytes(StringDataField, Encoding.UTF8.GetBytes(s));
        }
        writer.WriteString(NameField, Name);
        if (RawData is not null) writer.WriteBytes(RawDataField, RawData);
    }
}

/// <summary>AttributeProto of type INT, FLOAT, INTS, STRING or STRINGS.</summary>
internal sealed class OnnxAttribute
{
    private const int NameField = 1, FloatField = 2, IntField = 3, StringField = 4, IntsField = 8, StringsField = 9, TypeField = 20;
    private const int FloatType = 1, IntType = 2, StringType = 3, IntsType = 7, StringsType = 8; // AttributeProto.AttributeType

    private readonly int _type;
    private readonly float _float;
    private readonly long[] _ints;
    private readonly string[] _strings;

    private OnnxAttribute(string name, int type, float f, long[] ints, string[]? strings = null)
    {
        Name = name;
        _type = type;
        _float = f;
        _ints = ints;
        _strings = strings ?? [];
    }

    /// <summary>Attribute name.</summary>
    public string Name { get; }

    /// <summary>An INT attribute.</summary>
    public static OnnxAttribute Int(string name, long value) => new(name, IntType, 0f, [value]);

    /// <summary>A FLOAT attribute.</summary>
    public static OnnxAttribute Float(string name, float value) => new(name, FloatType, value, []);

    /// <summary>An INTS attribute.</summary>
    public static OnnxAttribute Ints(string name, params long[] values) => new(name, IntsType, 0f, values);

    /// <summary>A STRING attribute (UTF-8 bytes), e.g. an RNN's direction.</summary>
    public static OnnxAttribute String(string name, string value) => new(name, StringType, 0f, [], [value]);

    /// <summary>A STRINGS attribute, e.g. an RNN's activations.</summary>
    public static OnnxAttribute Strings(string name, params string[] values) => new(name, StringsType, 0f, [], values);

    /// <summary>Encodes the AttributeProto.</summary>
    public void WriteTo(ProtobufWriter writer)
    {
        writer.WriteString(NameField, Name);
        switch (_type)
        {
            case FloatType: writer.WriteFloat(FloatField, _float); break;
            case IntType: writer.WriteInt64(IntField, _ints[0]); break;
            case StringType: writer.WriteString(StringField, _strings[0]); break;
            case StringsType: foreach (string v in _strings) writer.WriteString(StringsField, v); break;
            default: foreach (long v in _ints) writer.WriteInt64(IntsField, v); break;
        }
        writer.WriteInt64(TypeField, _type);
    }
}

/// <summary>NodeProto: one operator application (default "" domain).</summary>
internal sealed record OnnxNode(string Name, string OpType, string[] Inputs, string[] Outputs, OnnxAttribute[] Attributes)
{
    private const int InputField = 1, OutputField = 2, NameField = 3, OpTypeField = 4, AttributeField = 5;

    /// <summary>Encodes the NodeProto.</summary>
    public void WriteTo(ProtobufWriter writer)
    {
        foreach (string input in Inputs) writer.WriteString(InputField, input);
        foreach (string output in Outputs) writer.WriteString(OutputField, output);
        writer.WriteString(NameField, Name);
        writer.WriteString(OpTypeField, OpType);
        foreach (var attribute in Attributes)
        {
            var nested = new ProtobufWriter();
            attribute.WriteTo(nested);
            writer.WriteMessage(AttributeField, nested);
        }
    }
}

/// <summary>One dimension of a TensorShapeProto: a fixed size or a symbolic name such as "N".</summary>
internal readonly record struct OnnxDimension(long Value, string? Symbol)
{
    /// <summary>A fixed-size dimension.</summary>
    public static OnnxDimension Fixed(long value) => new(value, null);

    /// <summary>A symbolic dimension.</summary>
    public static OnnxDimension Symbolic(string symbol) => new(0, symbol);
}

/// <summary>ValueInfoProto of a tensor: name, element type and shape (graph inputs and outputs).</summary>
internal sealed record OnnxValueInfo(string Name, OnnxDataType ElementType, OnnxDimension[] Shape)
{
    private const int NameField = 1, TypeField = 2;               // ValueInfoProto
    private const int TensorTypeField = 1;                        // TypeProto.tensor_type
    private const int ElementTypeField = 1, ShapeField = 2;       // TypeProto.Tensor
    private const int DimField = 1;                               // TensorShapeProto.dim
    private const int DimValueField = 1, DimParamField = 2;       // TensorShapeProto.Dimension

    /// <summary>Encodes the ValueInfoProto.</summary>
    public void WriteTo(ProtobufWriter writer)
    {
        var shape = new ProtobufWriter();
        foreach (var dimension in Shape)
        {
            var dim = new ProtobufWriter();
            if (dimension.Symbol is not null) dim.WriteString(DimParamField, dimension.Symbol);
            else dim.WriteInt64(DimValueField, dimension.Value);
            shape.WriteMessage(DimField, dim);
        }
        var tensor = new ProtobufWriter();
        tensor.WriteInt64(ElementTypeField, (int)ElementType);
        // A rank-0 tensor still needs an (empty) shape: without one the type would mean "unknown rank".
        tensor.WriteMessage(ShapeField, shape);
        var type = new ProtobufWriter();
        type.WriteMessage(TensorTypeField, tensor);
        writer.WriteString(NameField, Name);
        writer.WriteMessage(TypeField, type);
    }
}
