namespace MLNet.DeepExtensions.Benchmarks;

/// <summary>Options shared by the benchmark commands.</summary>
internal sealed record BenchmarkOptions(int Threads, int Repeats, string? WritePath, IReadOnlyList<string> Variants)
{
    /// <summary>Parses <c>--threads N</c>, <c>--repeats N</c>, <c>--write PATH</c> and repeated <c>--variant SPEC</c>.</summary>
    public static BenchmarkOptions Parse(ReadOnlySpan<string> args)
    {
        int threads = 2;
        int repeats = 21;
        string? write = null;
        var variants = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            string value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"Option {args[i]} needs a value.");
            switch (args[i])
            {
                case "--threads": threads = ParsePositive(args[i], value); break;
                case "--repeats": repeats = ParsePositive(args[i], value); break;
                case "--write": write = value; break;
                case "--variant": variants.Add(value); break;
                default: throw new ArgumentException($"Unknown option '{args[i]}'.");
            }
            i++;
        }
        return new BenchmarkOptions(threads, repeats, write, variants);
    }

    private static int ParsePositive(string name, string value) =>
        int.TryParse(value, out int result) && result > 0 ? result : throw new ArgumentException($"{name} needs a positive integer; got '{value}'.");
}
