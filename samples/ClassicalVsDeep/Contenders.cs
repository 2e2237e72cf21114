using Microsoft.ML;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;
using MLNet.DeepExtensions.Networks.Training;

namespace MLNet.DeepExtensions.Samples.ClassicalVsDeep;

/// <summary>One trainer in the comparison.</summary>
/// <param name="Name">Name in the table and the report.</param>
/// <param name="Family">"classical" or "deep".</param>
/// <param name="Slow">A tree ensemble that <c>--skip-slow</c> leaves out.</param>
/// <param name="Epochs">Planned epochs (drives the progress bar), or null for trainers without epochs.</param>
/// <param name="Create">Makes the estimator (Label a key, Features a vector) and hands it the per-epoch progress sink.</param>
internal sealed record Contender(string Name, string Family, bool Slow, int? Epochs,
    Func<IProgress<EpochReport>?, IEstimator<ITransformer>> Create);

/// <summary>
/// The trainers compared: five of ML.NET's multiclass learners with ML.NET's defaults (except thread counts), DeepMlp, and
/// DeepCnn and DeepRnn (the image's rows as steps) when the features are an image's pixels.
/// </summary>
internal static class Contenders
{
    public static IReadOnlyList<Contender> For(MLContext ml, DataSet data, CommandLine settings)
    {
        var multiclass = ml.MulticlassClassification.Trainers;
        var binary = ml.BinaryClassification.Trainers;
        int threads = settings.Threads;
        var kind = data.Kind;
        var deepEpochs = DeepMlpSettings.For(kind, settings, null).Epochs;
        var all = new List<Contender>
        {
            new("SdcaMaximumEntropy", "classical", false, null, _ => multiclass.SdcaMaximumEntropy()),
            new("LbfgsMaximumEntropy", "classical", false, null, _ => multiclass.LbfgsMaximumEntropy()),
            // LightGbm's default threading collapses when the machine is busy; give it an explicit thread count.
            new("LightGbm", "classical", true, null, _ => multiclass.LightGbm(new LightGbmMulticlassTrainer.Options { NumberOfThreads = threads })),
            new("OneVersusAll(FastForest)", "classical", true, null,
                _ => multiclass.OneVersusAll(binary.FastForest(new FastForestBinaryTrainer.Options { NumberOfThreads = threads }))),
            // LinearSvm is not calibrated; OneVersusAll fits a Platt calibrator per class, so Score holds probabilities.
            new("OneVersusAll(LinearSvm)", "classical", false, null, _ => multiclass.OneVersusAll(binary.LinearSvm())),
            new("DeepMlp", "deep", false, deepEpochs,
                progress => multiclass.DeepMlp(DeepMlpSettings.For(kind, settings, progress))),
        };
        if (data.ImageShape is { } image)
        {
            foreach (var (name, options) in DeepCnnSettings.For(kind, image))
            {
                all.Add(new(name, "deep", false, options(settings, null).Epochs,
                    progress => multiclass.DeepCnn(options(settings, progress))));
            }
            foreach (var (name, options) in DeepRnnSettings.For(kind, image))
            {
                all.Add(new(name, "deep", false, options(settings, null).Epochs,
                    progress => multiclass.DeepRnn(options(settings, progress))));
            }
        }
        IEnumerable<Contender> chosen = settings.SkipSlow ? all.Where(c => !c.Slow) : all;
        if (settings.Trainers is { } names)
        {
            var unknown = names.Except(all.Select(c => c.Name), StringComparer.OrdinalIgnoreCase).ToList();
            if (unknown.Count > 0) throw new ArgumentException($"Unknown trainer(s) {string.Join(", ", unknown)}; this data set has {string.Join(", ", all.Select(c => c.Name))}.");
            chosen = chosen.Where(c => names.Contains(c.Name, StringComparer.OrdinalIgnoreCase));
        }
        return chosen.ToList();
    }
}
