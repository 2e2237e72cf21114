namespace MLNet.DeepExtensions.Networks.Onnx;

/// <summary>
/// Writes the graph outputs after the network's logits ([N, K]; N = 1 without a batch dimension) for each
/// <see cref="OnnxOutputHead"/>, with the names, element types and ranks <see cref="OnnxExportOptions"/> documents.
/// </summary>
/// <remarks>
/// Without a batch dimension ML.NET's OnnxTransformer maps [K] to a vector column and [] to a scalar column, so the
/// leading 1 is squeezed away: Score [K] for raw and multiclass, scalars for everything else. With one, every output
/// keeps the leading "N". Caveat measured with ML.NET 5.0.1: OnnxTransformer types a rank-0 output as a scalar column
/// but its getter throws ArgumentNullException when the value is read (OnnxTransformer.Mapper.MakeObjectGetter calls
/// AsEnumerable&lt;NamedOnnxValue&gt;() on a tensor); [K] outputs read fine.
/// </remarks>
internal static class OnnxHeads
{
    /// <summary>Symbolic name of the batch dimension.</summary>
    public const string BatchSymbol = "N";

    /// <summary>Adds the head's nodes and declares its outputs, whose names (<see cref="OutputNames"/>) the caller reserved.</summary>
    public static void Write(OnnxGraphBuilder g, OnnxExportOptions options, string logits, int outputs)
    {
        bool batch = options.BatchDimension;
        switch (options.Head)
        {
            case OnnxOutputHead.Raw:
            {
                string score = "Score";
                if (batch) g.NodeInto("Identity", [logits], score);
                else g.NodeInto("Squeeze", [logits, g.Int64Vector("batch_axis", 0)], score);
                g.AddOutput(Output(score, OnnxDataType.Float, batch, outputs));
                break;
            }
            case OnnxOutputHead.Multiclass:
            {
                // Without a batch dimension, work on the [K] row so that ArgMax and Gather yield rank-0 results.
                string row = batch ? logits : g.Node("Squeeze", [logits, g.Int64Vector("batch_axis", 0)], "logits_row");
                string score = g.NodeInto("Softmax", [row], "Score", OnnxAttribute.Int("axis", -1));
                // ArgMax returns the first maximal index, as Sequential.PredictClasses does.
                string index64 = g.Node("ArgMax", [row], "predicted_index_int64", OnnxAttribute.Int("axis", -1), OnnxAttribute.Int("keepdims", 0));
                string index = g.NodeInto("Cast", [index64], "PredictedIndex", OnnxAttribute.Int("to", (long)OnnxDataType.UInt32));
                g.AddOutput(Output(score, OnnxDataType.Float, batch, outputs));
                g.AddOutput(Output(index, OnnxDataType.UInt32, batch));
                if (options.LabelValues is { } labelValues)
                {
                    string table = g.AddInitializer("label_values", name => OnnxLabelValues.ToTensor(name, labelValues));
                    string value = g.NodeInto("Gather", [table, index64], "PredictedLabelValue", OnnxAttribute.Int("axis", 0));
                    g.AddOutput(Output(value, OnnxLabelValues.ElementType(labelValues), batch));
                }
                break;
            }
            case OnnxOutputHead.Binary:
            case OnnxOutputHead.Regression:
            {
                // [N, 1] → [N] with a batch dimension, [1, 1] → [] without.
                string axes = batch ? g.Int64Vector("output_axis", 1) : g.Int64Vector("batch_and_output_axes", 0, 1);
                string score = g.NodeInto("Squeeze", [logits, axes], "Score");
                g.AddOutput(Output(score, OnnxDataType.Float, batch));
                if (options.Head == OnnxOutputHead.Binary)
                {
                    string probability = g.NodeInto("Sigmoid", [score], "Probability");
                    string label = g.NodeInto("Greater", [score, g.ScalarFloat("zero", 0f)], "PredictedLabel");
                    g.AddOutput(Output(probability, OnnxDataType.Float, batch));
                    g.AddOutput(Output(label, OnnxDataType.Bool, batch));
                }
                break;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(options), $"Unknown ONNX output head {(int)options.Head}.");
        }
    }

    /// <summary>The names of the outputs <paramref name="options"/> produces, in order.</summary>
    public static string[] OutputNames(OnnxExportOptions options) => options.Head switch
    {
        OnnxOutputHead.Multiclass when options.LabelValues is not null => ["Score", "PredictedIndex", "PredictedLabelValue"],
        OnnxOutputHead.Multiclass => ["Score", "PredictedIndex"],
        OnnxOutputHead.Binary => ["Score", "Probability", "PredictedLabel"],
        _ => ["Score"],
    };

    // [N] + per-sample dims with a batch dimension, the per-sample dims alone without.
    private static OnnxValueInfo Output(string name, OnnxDataType type, bool batch, params long[] sampleDims)
    {
        var dims = new List<OnnxDimension>();
        if (batch) dims.Add(OnnxDimension.Symbolic(BatchSymbol));
        dims.AddRange(sampleDims.Select(OnnxDimension.Fixed));
        return new OnnxValueInfo(name, type, dims.ToArray());
    }
}
