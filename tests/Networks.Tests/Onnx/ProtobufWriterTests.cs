using MLNet.DeepExtensions.Networks.Onnx;

namespace MLNet.DeepExtensions.Networks.Tests.Onnx;

/// <summary>The protobuf wire encoding against the examples of protobuf.dev's encoding guide.</summary>
public sealed class ProtobufWriterTests
{
    private static byte[] Encode(Action<ProtobufWriter> write)
    {
        var writer = new ProtobufWriter();
        write(writer);
        return writer.ToArray();
    }

    [Fact]
    public void VarintsUseSevenBitGroupsLowFirst()
    {
        Assert.Equal(new byte[] { 0x08, 0x96, 0x01 }, Encode(w => w.WriteInt64(1, 150)));
        Assert.Equal(new byte[] { 0x08, 0x00 }, Encode(w => w.WriteInt64(1, 0)));
    }

    [Fact]
    public void NegativeIntegersTakeTenBytes() =>
        Assert.Equal(new byte[] { 0x18, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 }, Encode(w => w.WriteInt64(3, -1)));

    [Fact]
    public void StringsAreLengthDelimitedUtf8()
    {
        Assert.Equal(new byte[] { 0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6E, 0x67 }, Encode(w => w.WriteString(2, "testing")));
        Assert.Equal(new byte[] { 0x0A, 0x02, 0xC3, 0xA9 }, Encode(w => w.WriteString(1, "é")));
    }

    [Fact]
    public void FloatsAreFixed32LittleEndian() =>
        Assert.Equal(new byte[] { 0x15, 0x00, 0x00, 0x80, 0x3F }, Encode(w => w.WriteFloat(2, 1f)));

    [Fact]
    public void MessagesNestLengthPrefixed()
    {
        var inner = new ProtobufWriter();
        inner.WriteInt64(1, 150);
        Assert.Equal(new byte[] { 0x1A, 0x03, 0x08, 0x96, 0x01 }, Encode(w => w.WriteMessage(3, inner)));
    }

    [Fact]
    public void LargeFieldNumbersAndLongPayloadsGrowTheBuffer()
    {
        var payload = Enumerable.Range(0, 1000).Select(i => (byte)i).ToArray();
        var bytes = Encode(w => w.WriteBytes(20, payload));
        Assert.Equal(new byte[] { 0xA2, 0x01, 0xE8, 0x07 }, bytes[..4]); // tag (20 << 3 | 2) = 162, length 1000
        Assert.Equal(payload, bytes[4..]);
    }
}
