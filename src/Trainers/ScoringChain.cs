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
// Token sequences (DeepRnn with an Embedding), verified on ML.NET 5.0.1 and 6.0.0 (an ONNX graph Shape/Cast/ReduceSum
// over its input, fed from TokenizeIntoWords + MapValueToKey, scored before and after ml.Model.Save/Load; pinned in
// tests/Trainers.Tests/DeepRnnMlNetFactsTests.cs):
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
// The exporter's KeyInput makes that input uint32 and casts the keys to float ids inside the graph.
internal static class ScoringChain
{
    // The ONNX graph's single output: the network's raw outputs (logits, or the regression value) as a vector.
    private const string NetworkOutput = "Score";

    public static ITransformer Build(MLContext ml, TaskHead head, string featureColumn, string labelColumn, int outputs, byte[] onnx, DataViewSchema inputSchema)
    {
        var network = ml.Transforms.ApplyOnnxModel([NetworkOutput], [featureColumn], new MemoryStream(onnx)).Fit(new EmptyDataView(inputSchema));
        var scorer = head.CreateScorer(ml, outputs, network.GetOutputSchema(inputSchema), NetworkOutput, labelColumn);
        return new TransformerChain<ITransformer>(network, scorer);
    }

    /// <summary>
    /// Exporter options: the chain's network (raw outputs, no batch dimension) or a user's export (task head, batch
    /// dimension). With tokenInput (the network's first layer an Embedding) the input is each row's unpadded key vector
    /// (see the facts above).
    /// </summary>
    public static OnnxExportOptions ExportOptions(TaskHead head, string featureColumn, bool forScoringChain, LabelKeyValues? labels, IReadOnlyDictionary<string, string> metadata,
        bool tokenInput = false) => new()
    {
        InputName = featureColumn,
        BatchDimension = !forScoringChain,
        SequenceInput = tokenInput,
        KeyInput = tokenInput && forScoringChain, // the chain feeds the key column itself; a user's export takes float ids
        Head = forScoringChain ? OnnxOutputHead.Raw : head.OnnxHead,
        LabelValues = forScoringChain ? null : labels?.Values,
        Metadata = metadata,
    };
}
