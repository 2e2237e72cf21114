using System.Globalization;
using MLNet.DeepExtensions.Networks.Training;
using Spectre.Console;

namespace MLNet.DeepExtensions.Samples.ClassicalVsDeep;

/// <summary>
/// Shows training as it happens: on a terminal, a Spectre.Console progress display with one bar per trainer (DeepMlp's
/// advances per epoch, the others spin until done); when stdout is redirected (CI logs, files), plain lines instead.
/// </summary>
internal static class TrainingDisplay
{
    /// <summary>True when stdout is a terminal that can redraw a live display.</summary>
    public static bool IsInteractive => !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>Runs <paramref name="train"/> for each contender in order, showing progress; returns the results in the same order.</summary>
    public static List<TrainerResult> Run(IReadOnlyList<Contender> contenders, Func<Contender, IProgress<EpochReport>, TrainerResult> train) =>
        IsInteractive ? RunLive(contenders, train) : RunPlain(contenders, train);

    private static List<TrainerResult> RunLive(IReadOnlyList<Contender> contenders, Func<Contender, IProgress<EpochReport>, TrainerResult> train)
    {
        var results = new List<TrainerResult>();
        AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                new ElapsedTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                var tasks = contenders.Select(c => context.AddTask(Markup.Escape(c.Name), autoStart: false, maxValue: c.Epochs ?? 1)).ToList();
                for (int i = 0; i < contenders.Count; i++)
                {
                    var contender = contenders[i];
                    var task = tasks[i];
                    task.IsIndeterminate = contender.Epochs is null;
                    task.StartTask();
                    var result = train(contender, new BarProgress(task, contender.Name));
                    task.IsIndeterminate = false;
                    task.MaxValue = Math.Max(task.Value, 1);
                    task.Value = task.MaxValue;
                    task.Description = Markup.Escape(contender.Name) + string.Create(CultureInfo.InvariantCulture, $" [green]{result.MicroAccuracy:F4}[/]");
                    task.StopTask();
                    results.Add(result);
                }
            });
        return results;
    }

    private static List<TrainerResult> RunPlain(IReadOnlyList<Contender> contenders, Func<Contender, IProgress<EpochReport>, TrainerResult> train)
    {
        var results = new List<TrainerResult>();
        for (int i = 0; i < contenders.Count; i++)
        {
            var contender = contenders[i];
            Console.WriteLine($"[{i + 1}/{contenders.Count}] {contender.Name}: training");
            var result = train(contender, new LineProgress());
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"[{i + 1}/{contenders.Count}] {contender.Name}: {result.TrainSeconds:F2} s, micro-accuracy {result.MicroAccuracy:F4}"));
            results.Add(result);
        }
        return results;
    }

    /// <summary>Advances a bar by one per epoch and shows the latest loss (called on the training thread; ProgressTask locks).</summary>
    private sealed class BarProgress(ProgressTask task, string name) : IProgress<EpochReport>
    {
        public void Report(EpochReport value)
        {
            task.MaxValue = value.TotalEpochs;
            task.Value = value.Epoch;
            string validation = value.ValidationMetric is double metric ? string.Create(CultureInfo.InvariantCulture, $" val_{value.MetricName} {metric:F4}") : "";
            task.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{name} loss {value.TrainLoss:F4}{validation}"));
        }
    }

    /// <summary>One indented line per epoch, written on the training thread so lines keep their order.</summary>
    private sealed class LineProgress : IProgress<EpochReport>
    {
        public void Report(EpochReport value) => Console.WriteLine("      " + value);
    }
}
