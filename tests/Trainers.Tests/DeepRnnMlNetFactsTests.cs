using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.DeepExtensions.Trainers.Tests;

/// <summary>
/// The two ML.NET behaviours the token-sequence scoring chain stands on (see ScoringChain.cs), pinned on the ML.NET
/// version this build restored, with a hand-written ONNX graph (Shape → Cast, and Cast → ReduceSum) over one input.
/// </summary>
public sealed class DeepRnnMlNetFactsTests
{
    private readonly MLContext _ml = new(seed: 0);

    private sealed class TextRow
    {
        public string Text = "";
    }

    private IDataView Keys(params string[] texts)
    {
        var data = _ml.Data.LoadFromEnumerable(texts.Select(t => new TextRow { Text = t }).ToArray());
        var map = _ml.Transforms.Text.TokenizeIntoWords("Tokens", "Text").Append(_ml.Transforms.Conversion.MapValueToKey("Tokens"))
            .Fit(_ml.Data.LoadFromEnumerable(new[] { new TextRow { Text = "a b c" } }));
        return map.Transform(data);
    }

    [Fact]
    public void ConvertTypeCannotTurnKeysIntoSingle()
    {
        var keys = Keys("a b");
        var error = Assert.ThrowsAny<ArgumentOutOfRangeException>(() => _ml.Transforms.Conversion.ConvertType("F", "Tokens", DataKind.Single).Fit(keys));
        Assert.Contains("is not compatible with destination type 'Single'", error.Message);
        // To UInt32 it stays a key.
        var same = _ml.Transforms.Conversion.ConvertType("U", "Tokens", DataKind.UInt32).Fit(keys).Transform(keys);
        Assert.IsType<KeyDataViewType>(((VectorDataViewType)same.Schema["U"].Type).ItemType);
    }

    [Fact]
    public void OnnxTransformerFeedsAVariableLengthKeyVectorToAUint32InputOfShape1ByL()
    {
        // Texts of 3, 1 and 0 words, one unseen ("zzz" is key 0); keys a = 1, b = 2, c = 3.
        var keys = Keys("a b c", "zzz c", "");
        var onnx = TinyOnnx.LengthAndSum(uint32: true, leadingOne: true);
        var scored = _ml.Transforms.ApplyOnnxModel(["Length", "Sum"], ["Tokens"], new MemoryStream(onnx)).Fit(keys).Transform(keys);
        Assert.Equal([3f, 2f, 0f], scored.GetColumn<VBuffer<float>>("Length").Select(v => v.GetValues()[1]));
        Assert.Equal([6f, 3f, 0f], scored.GetColumn<VBuffer<float>>("Sum").Select(v => v.GetValues()[0]));
    }

    [Fact]
    public void OnnxTransformerFailsOnAVariableLengthColumnForAnInputOfShapeL()
    {
        var keys = Keys("a b c", "b");
        var onnx = TinyOnnx.LengthAndSum(uint32: true, leadingOne: false);
        var scored = _ml.Transforms.ApplyOnnxModel(["Length", "Sum"], ["Tokens"], new MemoryStream(onnx)).Fit(keys).Transform(keys);
        var error = Assert.ThrowsAny<Exception>(() => scored.GetColumn<VBuffer<float>>("Sum").ToArray());
        Assert.Contains("GetNamedOnnxValueUnknownSize", error.ToString());
    }

    /// <summary>A minimal ONNX ModelProto written by hand (the project's writer is internal to MLNet.DeepExtensions.Networks).</summary>
    private static class TinyOnnx
    {
        // Input "Tokens" [1, L] or [L] (uint32 or float); Length = Cast(Shape(Tokens)) and Sum = ReduceSum(Cast(Tokens)) over all axes, [1].
        public static byte[] LengthAndSum(bool uint32, bool leadingOne) => Message(model =>
        {
            Int(model, 1, 8); // ir_version
            Bytes(model, 7, Message(graph =>
            {
                Bytes(graph, 1, Node("Shape", ["Tokens"], ["shape"]));
                Bytes(graph, 1, Node("Cast", ["shape"], ["Length"], ("to", 1)));
                Bytes(graph, 1, Node("Cast", ["Tokens"], ["values"], ("to", 1)));
                Bytes(graph, 1, Node("ReduceSum", ["values"], ["total"], ("keepdims", 0)));
                Bytes(graph, 1, Node("Reshape", ["total", "one"], ["Sum"]));
                Bytes(graph, 5, Message(t => { Int(t, 1, 1); Int(t, 2, 7); Str(t, 8, "one"); Int(t, 7, 1); })); // int64 [1] = {1}
                Str(graph, 2, "facts");
                Bytes(graph, 11, ValueInfo("Tokens", uint32 ? 12 : 1, leadingOne ? [1, "L"] : ["L"]));
                Bytes(graph, 12, ValueInfo("Length", 1, [leadingOne ? 2 : 1]));
                Bytes(graph, 12, ValueInfo("Sum", 1, [1]));
            }));
            Bytes(model, 8, Message(opset => { Str(opset, 1, ""); Int(opset, 2, 17); }));
        });

        private static void Varint(List<byte> b, ulong v)
        {
            for (; v >= 0x80; v >>= 7) b.Add((byte)(v | 0x80));
            b.Add((byte)v);
        }

        private static void Int(List<byte> b, int field, long v)
        {
            Varint(b, (ulong)(field << 3));
            Varint(b, (ulong)v);
        }

        private static void Bytes(List<byte> b, int field, byte[] v)
        {
            Varint(b, (ulong)(field << 3 | 2));
            Varint(b, (ulong)v.Length);
            b.AddRange(v);
        }

        private static void Str(List<byte> b, int field, string s) => Bytes(b, field, System.Text.Encoding.UTF8.GetBytes(s));

        private static byte[] Message(Action<List<byte>> write)
        {
            var b = new List<byte>();
            write(b);
            return b.ToArray();
        }

        // ValueInfoProto { name = 1, type = 2 { tensor_type = 1 { elem_type = 1, shape = 2 { dim = 1 { dim_value = 1 | dim_param = 2 } } } } }
        private static byte[] ValueInfo(string name, int elementType, object[] dims) => Message(b =>
        {
            Str(b, 1, name);
            Bytes(b, 2, Message(type => Bytes(type, 1, Message(tensor =>
            {
                Int(tensor, 1, elementType);
                Bytes(tensor, 2, Message(shape =>
                {
                    foreach (var d in dims) Bytes(shape, 1, Message(dim => { if (d is string p) Str(dim, 2, p); else Int(dim, 1, (int)d); }));
                }));
            }))));
        });

        // NodeProto { input = 1, output = 2, op_type = 4, attribute = 5 { name = 1, i = 3, type = 20 (INT = 2) } }
        private static byte[] Node(string op, string[] inputs, string[] outputs, params (string Name, long Value)[] attributes) => Message(b =>
        {
            foreach (var i in inputs) Str(b, 1, i);
            foreach (var o in outputs) Str(b, 2, o);
            Str(b, 4, op);
            foreach (var (name, value) in attributes) Bytes(b, 5, Message(a => { Str(a, 1, name); Int(a, 3, value); Int(a, 20, 2); }));
        });
    }
}
