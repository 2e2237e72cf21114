using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.DeepExtensions;

/// <summary>
/// The values of a key-typed label in key order ("cat", "dog", ...), read from its KeyValues annotation; the
/// scoring chain gives PredictedLabel the same key values, so Evaluate and MapKeyToValue see the label's names.
/// Without the annotation the values are the class indices 0..K−1.
/// </summary>
internal sealed class LabelKeyValues
{
    private LabelKeyValues(Array values) => Values = values;

    /// <summary>string[] for text labels, otherwise an array of the key values' primitive type.</summary>
    public Array Values { get; }

    public int Count => Values.Length;

    public static LabelKeyValues Read(DataViewSchema.Column label, int classCount)
    {
        var keyValues = label.Annotations.Schema.GetColumnOrNull("KeyValues");
        if (keyValues?.Type is VectorDataViewType vector)
        {
            var raw = vector.ItemType.RawType;
            Array? values = raw switch
            {
                _ when raw == typeof(ReadOnlyMemory<char>) => Get<ReadOnlyMemory<char>>(label).Select(v => v.ToString()).ToArray(),
                _ when raw == typeof(float) => Get<float>(label),
                _ when raw == typeof(double) => Get<double>(label),
                _ when raw == typeof(int) => Get<int>(label),
                _ when raw == typeof(uint) => Get<uint>(label),
                _ when raw == typeof(long) => Get<long>(label),
                _ when raw == typeof(ulong) => Get<ulong>(label),
                _ when raw == typeof(short) => Get<short>(label),
                _ when raw == typeof(ushort) => Get<ushort>(label),
                _ when raw == typeof(sbyte) => Get<sbyte>(label),
                _ when raw == typeof(byte) => Get<byte>(label),
                _ when raw == typeof(bool) => Get<bool>(label),
                _ => null,
            };
            if (values is not null && values.Length == classCount) return new LabelKeyValues(values);
        }
        return new LabelKeyValues(Enumerable.Range(0, classCount).Select(i => (uint)i).ToArray());
    }

    private static T[] Get<T>(DataViewSchema.Column label)
    {
        var buffer = default(VBuffer<T>);
        label.GetKeyValues(ref buffer);
        return buffer.DenseValues().ToArray();
    }

    /// <summary>A one-column data view ("Value") of the values, in key order, for MapValueToKey's keyData.</summary>
    public IDataView ToDataView(MLContext ml) => Values switch
    {
        string[] v => ml.Data.LoadFromEnumerable(v.Select(x => new Row<string> { Value = x })),
        float[] v => ml.Data.LoadFromEnumerable(v.Select(x => new Row<float> { Value = x })),
        double[] v => ml.Data.LoadFromEnumerable(v.Select(x => new Row<double> { Value = x })),
        int[] v => ml.Data.LoadFromEnumerable(v.Select(x => new Row<int> { Value = x })),
        uint[] v => ml.Data.LoadFromEnumerable(v.Select(x => new Row<uint> { Value = x })),
        long[] v => ml.Data.LoadFromEnumerable(v.Select(x => new Row<long> { Value = x })),
        ulong[] v => ml.Data.LoadFromEnumerable(v.Select(x => new Row<ulong> { Value = x })),
        short[] v => ml.Data.LoadFromEnumerable(v.Select(x => new Row<short> { Value = x })),
        ushort[] v => ml.Data.LoadFromEnumerable(v.Select(x => new Row<ushort> { Value = x })),
        sbyte[] v => ml.Data.LoadFromEnumerable(v.Select(x => new Row<sbyte> { Value = x })),
        byte[] v => ml.Data.LoadFromEnumerable(v.Select(x => new Row<byte> { Value = x })),
        bool[] v => ml.Data.LoadFromEnumerable(v.Select(x => new Row<bool> { Value = x })),
        _ => throw new InvalidOperationException($"Unsupported label key value type {Values.GetType().Name}."),
    };

    private sealed class Row<T>
    {
        public T Value = default!;
    }
}
