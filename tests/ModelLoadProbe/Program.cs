// ModelLoadProbe MODEL.zip FEATURES.csv SCORES.csv
// Loads MODEL.zip with ml.Model.Load (this process references ML.NET and its ONNX transformer, not
// MLNet.DeepExtensions), scores the rows of FEATURES.csv (one row of comma-separated floats per line) and writes the
// Score column, one row per line, with round-trip precision.
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

if (args.Length != 3)
{
    Console.Error.WriteLine("usage: ModelLoadProbe MODEL.zip FEATURES.csv SCORES.csv");
    return 2;
}
var ml = new MLContext(seed: 0);
var model = ml.Model.Load(args[0], out var inputSchema);
IDataView input;
if (inputSchema["Features"].Type is TextDataViewType)
{
    // A text pipeline (tokenize, map to keys, a token model): one text per line.
    input = ml.Data.LoadFromEnumerable(File.ReadAllLines(args[1]).Select(line => new TextRow { Features = line }).ToList());
}
else
{
    var rows = File.ReadAllLines(args[1])
        .Select(line => new FeatureRow { Features = line.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray() })
        .ToList();
    var schema = SchemaDefinition.Create(typeof(FeatureRow));
    schema["Features"].ColumnType = inputSchema["Features"].Type; // as saved: flat for a perceptron, channels x height x width for a CNN
    input = ml.Data.LoadFromEnumerable(rows, schema);
}
var scored = model.Transform(input);
var column = scored.Schema["Score"];
using var writer = new StreamWriter(args[2]);
using var cursor = scored.GetRowCursor(new[] { column });
if (column.Type is VectorDataViewType)
{
    var get = cursor.GetGetter<VBuffer<float>>(column);
    var value = default(VBuffer<float>);
    while (cursor.MoveNext())
    {
        get(ref value);
        writer.WriteLine(string.Join(",", value.DenseValues().Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
    }
}
else
{
    var get = cursor.GetGetter<float>(column);
    float value = 0;
    while (cursor.MoveNext())
    {
        get(ref value);
        writer.WriteLine(value.ToString("R", CultureInfo.InvariantCulture));
    }
}
return 0;

internal sealed class FeatureRow
{
    public float[] Features = [];

    // The saved pipeline may start with MapValueToKey("Label"), which needs the column even when scoring.
    public float Label = 0f;
}

internal sealed class TextRow
{
    public string Features = "";

    // A text pipeline's label is Boolean (binary) in the tests; present so a saved pipeline that reads it still runs.
    public bool Label = false;
}
