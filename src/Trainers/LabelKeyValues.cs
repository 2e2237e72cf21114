using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNet.DeepExtensions;

/// <summary>
/// The values of a key-typed label in key order ("cat", "dog", ...), read from its KeyValues annotation, for the
/// "PredictedLabelValue" output of an exported ONNX model. Without the annotation the values are the class indices 0..K−1.
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
}
