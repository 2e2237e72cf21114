using System.Buffers.Binary;
using System.Text;

namespace MLNet.DeepExtensions.Networks.Onnx;

/// <summary>
/// A minimal protobuf wire-format encoder (varint, fixed32, length-delimited): just what ONNX's messages
/// need, so the Networks project writes .onnx files without a protobuf package.
/// </summary>
/// <remarks>
/// Wire format per https://protobuf.dev/programming-guides/encoding/. Nested messages are encoded into their own
/// writer and then copied in length-prefixed, which is simple and fast enough for MLP-sized models.
/// </remarks>
internal sealed class ProtobufWriter
{
    private const int VarintWireType = 0;
    private const int LengthDelimitedWireType = 2;
    private const int Fixed32WireType = 5;

    private byte[] _buffer = new byte[64];
    private int _length;

    /// <summary>The bytes written so far.</summary>
    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    /// <summary>A copy of the bytes written so far.</summary>
    public byte[] ToArray() => Written.ToArray();

    /// <summary>An int32/int64/enum/bool field. Negative values take ten bytes (two's complement, as protobuf does).</summary>
    public void WriteInt64(int field, long value)
    {
        WriteTag(field, VarintWireType);
        WriteVarint(unchecked((ulong)value));
    }

    /// <summary>A float field (fixed32, little-endian).</summary>
    public void WriteFloat(int field, float value)
    {
        WriteTag(field, Fixed32WireType);
        BinaryPrimitives.WriteSingleLittleEndian(Reserve(4), value);
    }

    /// <summary>A string field, UTF-8.</summary>
    public void WriteString(int field, string value) => WriteBytes(field, Encoding.UTF8.GetBytes(value));

    /// <summary>A bytes field.</summary>
    public void WriteBytes(int field, ReadOnlySpan<byte> value)
    {
        WriteTag(field, LengthDelimitedWireType);
        WriteVarint((ulong)value.Length);
        value.CopyTo(Reserve(value.Length));
    }

    /// <summary>An embedded message field, encoded by <paramref name="message"/>.</summary>
    public void WriteMessage(int field, ProtobufWriter message) => WriteBytes(field, message.Written);

    private void WriteTag(int field, int wireType) => WriteVarint(((ulong)(uint)field << 3) | (uint)wireType);

    private void WriteVarint(ulong value)
    {
        while (value >= 0x80)
        {
            Reserve(1)[0] = (byte)(value | 0x80);
            value >>= 7;
        }
        Reserve(1)[0] = (byte)value;
    }

    private Span<byte> Reserve(int count)
    {
        if (_length + count > _buffer.Length)
        {
            long grown = Math.Max((long)_buffer.Length * 2, (long)_length + count);
            if (grown > Array.MaxLength) grown = Math.Max(Array.MaxLength, _length + count);
            Array.Resize(ref _buffer, checked((int)grown));
        }
        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }
}
