using System.Globalization;
using System.Reflection;

namespace MLNet.DeepExtensions.Benchmarks.TabularBaselines;

/// <summary>
/// Sets public fields of <see cref="DeepMlpTrainer.Options"/> from <c>--deep "Name=Value,Name=Value"</c>, by reflection,
/// so options added to the trainer later (e.g. <c>NormalizeFeatures=None</c>) work without changing this app.
/// Values: numbers (invariant culture), true/false, enum member names, strings, and arrays with ';' between items
/// (<c>HiddenLayers=64;32</c>, <c>HiddenLayers=</c> for an empty array).
/// </summary>
internal static class DeepOptionsParser
{
    /// <summary>Splits and checks the assignments; throws naming the unknown field and listing the known ones.</summary>
    public static IReadOnlyList<(FieldInfo Field, object? Value)> Parse(string? text)
    {
        var result = new List<(FieldInfo, object?)>();
        if (string.IsNullOrWhiteSpace(text)) return result;
        var fields = typeof(DeepMlpTrainer.Options).GetFields(BindingFlags.Public | BindingFlags.Instance);
        foreach (string assignment in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int equals = assignment.IndexOf('=');
            if (equals <= 0) throw new ArgumentException($"--deep: '{assignment}' is not Name=Value.");
            string name = assignment[..equals].Trim();
            string value = assignment[(equals + 1)..].Trim();
            var field = fields.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase))
                ?? throw new ArgumentException($"--deep: DeepMlpTrainer.Options has no public field '{name}'; it has {string.Join(", ", fields.Select(f => f.Name).Order())}.");
            result.Add((field, Convert(field.FieldType, value, field.Name)));
        }
        return result;
    }

    /// <summary>Writes the parsed values into <paramref name="options"/>.</summary>
    public static void Apply(DeepMlpTrainer.Options options, IReadOnlyList<(FieldInfo Field, object? Value)> assignments)
    {
        foreach (var (field, value) in assignments) field.SetValue(options, value);
    }

    private static object? Convert(Type type, string value, string name)
    {
        var underlying = Nullable.GetUnderlyingType(type);
        if (underlying is not null)
        {
            return value.Equals("null", StringComparison.OrdinalIgnoreCase) ? null : Convert(underlying, value, name);
        }
        if (type.IsArray)
        {
            if (value.Equals("null", StringComparison.OrdinalIgnoreCase)) return null;
            var element = type.GetElementType()!;
            var items = value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var array = Array.CreateInstance(element, items.Length);
            for (int i = 0; i < items.Length; i++) array.SetValue(Convert(element, items[i], name), i);
            return array;
        }
        if (type.IsEnum)
        {
            return Enum.TryParse(type, value, ignoreCase: true, out var member) && Enum.IsDefined(type, member!)
                ? member
                : throw new ArgumentException($"--deep: {name} takes one of {string.Join(", ", Enum.GetNames(type))}; got '{value}'.");
        }
        if (type == typeof(string)) return value;
        if (type == typeof(bool))
        {
            return bool.TryParse(value, out bool b) ? b : throw new ArgumentException($"--deep: {name} takes true or false; got '{value}'.");
        }
        if (type.IsPrimitive || type == typeof(decimal))
        {
            try
            {
                return System.Convert.ChangeType(value, type, CultureInfo.InvariantCulture);
            }
            catch (Exception e) when (e is FormatException or OverflowException)
            {
                throw new ArgumentException($"--deep: {name} takes a {type.Name}; got '{value}'.", e);
            }
        }
        throw new ArgumentException($"--deep: {name} is a {type.Name}, which --deep cannot set from text.");
    }
}
