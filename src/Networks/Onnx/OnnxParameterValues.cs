namespace MLNet.DeepExtensions.Networks.Onnx;

/// <summary>A host copy of a model's parameters (trainable values, then state), looked up by parameter name.</summary>
internal sealed class OnnxParameterValues
{
    private readonly ParameterStore _store;
    private readonly float[] _all;
    private readonly Dictionary<string, Parameter> _byName;

    /// <summary>Downloads every value of <paramref name="store"/> once.</summary>
    public OnnxParameterValues(ParameterStore store)
    {
        _store = store;
        _all = store.Read();
        _byName = store.Parameters.ToDictionary(p => p.Name, StringComparer.Ordinal);
    }

    /// <summary>The values of <paramref name="parameter"/> (ParameterStore.Read puts state after the trainable values).</summary>
    public ReadOnlySpan<float> Of(Parameter parameter) =>
        _all.AsSpan((parameter.IsTrainable ? 0 : _store.TrainableCount) + parameter.Offset, parameter.Size);

    /// <summary>The values of the parameter called <paramref name="name"/> ("batch_norm_1.running_mean").</summary>
    public ReadOnlySpan<float> Of(string name) =>
        _byName.TryGetValue(name, out var parameter)
            ? Of(parameter)
            : throw new InvalidOperationException($"The model has no parameter '{name}'.");
}
