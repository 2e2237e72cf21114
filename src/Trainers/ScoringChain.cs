using Microsoft.ML;
using Microsoft.ML.Data;
using MLNet.DeepExtensions.Networks.Onnx;
using MLNet.DeepExtensions.Tasks;

namespace MLNet.DeepExtensions;

/// <summary>
/// Builds the chain of ML.NET's own saveable transformers that scores like a trained network: an OnnxTransformer
/// running the exported network (ONNX bytes embedded, so a saved model stands alone) to a vector of raw outputs,
/// then ML.NET's standard prediction transformer for the task (<see cref="MlNetScorers"/>).
/// </summary>
/// <remarks>
/// Why this route: ML.NET 5.0.1 keeps its prediction-transformer base classes and loader registration internal,
/// so an add-on cannot register a loader of its own; a chain of ML.NET transformers round-trips through
/// <c>ml.Model.Save</c>/<c>Load</c> in any process that references Microsoft.ML.OnnxTransformer.
/// The ONNX graph has no batch dimension (input [F], output [K]), which OnnxTransformer maps to vector columns.
/// </remarks>
// Token sequences (DeepRnn with an Embedding), verified on ML.NET 5.0.1 and 6.0.0 with a throwaway console probe
// (an ONNX graph Shape/Cast/ReduceSum over its input, fed from TokenizeIntoWords + MapValueToKey, scored before and
// after ml.Model.Save/Load):
// (a) ML.NET has no saveable transform that turns a key vector into a float vector of the raw key values:
//     ConvertType(..., DataKind.Single / Double / Int64) on Vector<Key<UInt32>> throws "not compatible with destination
//     type", and ConvertType to UInt32 / UInt64 keeps the key type. But OnnxTransformer itself feeds a key column to an
//     ONNX input of element type uint32 (a NimbusML corner case kept in its Mapper): the raw key values arrive, 1..V,
//     and 0 for a value MapValueToKey did not see. So the graph takes uint32 keys and casts them to float ids inside.
// (b) OnnxTransformer accepts a variable-length vector column and feeds each row's actual length, but only when the
//     symbolic length is not the input's first dimension: [1, L] or [N, L] work (lengths 3, 2, 5, 0 arrive as such,
//     also after Save/Load); [L] alone fails at the first row with ArgumentOutOfRangeException from
//     NamedOnnxValueGetterVec.GetNamedOnnxValueUnknownSize (ML.NET turns a leading unknown dimension into 1 and then
//     finds no unknown dimension to fill). So a token graph's input is [1, L] in the chain (the exporter's SequenceInput).
// The exporter's SequenceInput takes float ids, so the chain puts a two-node ONNX model in front (KeysToIds: uint32
// [1, L] → Cast → float [1, L], a variable-length Vector<Single> column) and drops that column after scoring. A uint32
// input in the exporter itself would make this one model instead of two.
internal static class ScoringChain
{
    // The ONNX graph's single output: the network's raw outputs (logits, or the regression value) as a vector.
    private const string NetworkOutput = "Score";

    /// <summary>The column of float ids that KeysToIds makes from a token column, and the network graph's input name.</summary>
    public static string TokenIdsColumn(string featureColumn) => featureColumn + ".TokenIds";

    public static ITransformer Build(MLContext ml, TaskHead head, string featureColumn, string labelColumn, int outputs, byte[] onnx, DataViewSchema inputSchema,
        bool tokenInput = false)
    {
        var empty = new EmptyDataView(inputSchema);
        if (!tokenInput)
        {
            var network = ml.Transforms.ApplyOnnxModel([NetworkOutput], [featureColumn], new MemoryStream(onnx)).Fit(empty);
            var scorer = head.CreateScorer(ml, outputs, network.GetOutputSchema(inputSchema), NetworkOutput, labelColumn);
            return new TransformerChain<ITransformer>(network, scorer);
        }
        string ids = TokenIdsColumn(featureColumn);
        var toIds = ml.Transforms.ApplyOnnxModel([ids], [featureColumn], new MemoryStream(KeysToIds.Model(featureColumn, ids))).Fit(empty);
        var idsSchema = toIds.GetOutputSchema(inputSchema);
        var tokenNetwork = ml.Transforms.ApplyOnnxModel([NetworkOutput], [ids], new MemoryStream(onnx)).Fit(new EmptyDataView(idsSchema));
        var scored = tokenNetwork.GetOutputSchema(idsSchema);
        var tokenScorer = head.CreateScorer(ml, outputs, scored, NetworkOutput, labelColumn);
        var drop = ml.Transforms.DropColumns(ids).Fit(new EmptyDataView(tokenScorer.GetOutputSchema(scored)));
        return new TransformerChain<ITransformer>(toIds, tokenNetwork, tokenScorer, drop);
    }

    /// <summary>
    /// Exporter options: the chain's network (raw outputs, no batch dimension) or a user's export (task head, batch
    /// dimension). With tokenInput (the network's first layer an Embedding) the input is each row's unpadded key vector
    /// (see the facts above).
    /// </summary>
    public static OnnxExportOptions ExportOptions(TaskHead head, string featureColumn, bool forScoringChain, LabelKeyValues? labels, IReadOnlyDictionary<string, string> metadata,
        bool tokenInput = false) => new()
    {
        InputName = tokenInput && forScoringChain ? TokenIdsColumn(featureColumn) : featureColumn,
        BatchDimension = !forScoringChain,
        SequenceInput = tokenInput,
        Head = forScoringChain ? OnnxOutputHead.Raw : head.OnnxHead,
        LabelValues = forScoringChain ? null : labels?.Values,
        Metadata = metadata,
    };

    /// <summary>
    /// The ONNX model (IR 8, opset 17) "ids = Cast(keys, float)" over [1, L]: a key column's raw values (0 for a value
    /// MapValueToKey did not see, 1..count) as float ids, which ML.NET's OnnxTransformer feeds from a vector of UInt32
    /// keys and returns as a variable-length Vector&lt;Single&gt;. Written here because the project's ONNX writer is
    /// internal to the Networks library; protobuf field numbers from onnx.proto.
    /// </summary>
    private static class KeysToIds
    {
        private const int Uint32 = 12, Float = 1;

        public static byte[] Model(string keys, string ids) => Message(model =>
        {
            Int(model, 1, 8); // ModelProto.ir_version
            Str(model, 2, "MLNet.DeepExtensions"); // producer_name
            Bytes(model, 7, Message(graph =>
            {
                Bytes(graph, 1, Message(node => // NodeProto: input 1, output 2, name 3, op_type 4, attribute 5
                {
                    Str(node, 1, keys);
                    Str(node, 2, ids);
                    Str(node, 3, "keys_to_ids");
                    Str(node, 4, "Cast");
                    Bytes(node, 5, Message(a => { Str(a, 1, "to"); Int(a, 3, Float); Int(a, 20, 2); })); // AttributeProto INT
                }));
                Str(graph, 2, "keys_to_ids");
                Bytes(graph, 11, ValueInfo(keys, Uint32));
                Bytes(graph, 12, ValueInfo(ids, Float));
            }));
            Bytes(model, 8, Message(opset => { Str(opset, 1, ""); Int(opset, 2, 17); }));
        });

        // ValueInfoProto { name 1, type 2 { tensor_type 1 { elem_type 1, shape 2 { dim 1 { dim_value 1 | dim_param 2 } } } } }: [1, L].
        private static byte[] ValueInfo(string name, int elementType) => Message(info =>
        {
            Str(info, 1, name);
            Bytes(info, 2, Message(type => Bytes(type, 1, Message(tensor =>
            {
                Int(tensor, 1, elementType);
                Bytes(tensor, 2, Message(shape =>
                {
                    Bytes(shape, 1, Message(dim => Int(dim, 1, 1)));
                    Bytes(shape, 1, Message(dim => Str(dim, 2, "L")));
                }));
            }))));
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
    }
}
