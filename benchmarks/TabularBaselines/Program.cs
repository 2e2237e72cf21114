using System.Globalization;
using MLNet.DeepExtensions.Benchmarks.TabularBaselines;

// Baselines on the small real tables of samples/data/tabular: SDCA (after NormalizeMeanVariance), LightGbm (raw) and
// DeepMlp with default options (raw, and after NormalizeMeanVariance), each on the same seeded 80/20 splits.
// Run from the repository root: dotnet run -c Release --project benchmarks/TabularBaselines -- [options]
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

CommandLine settings;
IReadOnlyList<TabularSet> sets;
try
{
    settings = CommandLine.Parse(args);
    sets = settings.ChosenSets();
    _ = DeepOptionsParser.Parse(settings.Deep); // fail on a bad --deep before any training
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

var tables = new List<TableResult>();
foreach (var set in sets)
{
    Console.Error.WriteLine($"{set.Name} ({set.Task}, label {set.Label}):");
    tables.Add(Runner.Run(set, settings, line => Console.Error.WriteLine(line)));
}

string markdown = Report.Markdown(tables, settings, args);
Console.WriteLine(markdown);
if (settings.WritePath is string path)
{
    // Replaces this app's section of the file (docs/BENCHMARKS.md, say) between its markers, or appends it.
    MLNet.DeepExtensions.Benchmarks.Shared.MarkdownSection.Write(path, Report.SectionBegin + "\n" + markdown.TrimEnd() + "\n" + Report.SectionEnd + "\n", Report.SectionBegin, Report.SectionEnd);
    Console.Error.WriteLine($"wrote {path}");
}
return tables.Any(t => t.Contenders.Any(c => c.Error is not null)) ? 1 : 0;
