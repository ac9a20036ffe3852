using Mnist.Core.Sweeps;
using ScottPlot;
using SkiaSharp;

namespace Mnist.Core.Rendering.Charts;

/// <summary>A sweep's trials: the monitored figure at each trial's best epoch, one bar per trial labelled by its settings, best on top.</summary>
public static class SweepChart
{
    public static void Draw(SKCanvas canvas, IReadOnlyList<SweepTrial> trials, int width, int height)
    {
        var scored = trials.Where(t => t.Score is not null).OrderBy(t => t.Rank).ToArray();
        if (scored.Length == 0)
            throw new MnistException("NoSweepResult", MnistErrorKind.InvalidArgument, "No trial of these rows has a result to draw; wait for trials to succeed.");
        var monitor = scored[0].Monitor;
        var plot = new Plot();
        plot.Font.Set(ChartFonts.Typeface.FamilyName);
        int unscored = trials.Count - scored.Length;
        plot.Title($"Sweep: {monitor} at each trial's best epoch" + (unscored > 0 ? $" ({unscored} trial(s) without a result not shown)" : ""));
        plot.XLabel(monitor);
        // Best on top: the best trial gets the highest position.
        var positions = scored.Select((_, i) => (double)(scored.Length - i)).ToArray();
        var bars = scored.Select((t, i) => new Bar { Position = positions[i], Value = t.Score!.Value, FillColor = Colors.C0 }).ToArray();
        var series = plot.Add.Bars(bars);
        series.Horizontal = true;
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(positions,
            scored.Select(t => SafeText.Of($"#{t.Trial} {t.Description}")).Select(Shorten).ToArray());
        double low = scored.Min(t => t.Score!.Value), high = scored.Max(t => t.Score!.Value);
        double margin = Math.Max((high - low) * 0.15, Math.Abs(high) * 0.01 + 1e-6);
        plot.Axes.SetLimitsX(Math.Max(0, low - margin), high + margin);
        plot.Axes.SetLimitsY(0.4, scored.Length + 0.6);
        PlotPanel.Render(canvas, plot, new SKRect(0, 0, width, height));
    }

    private static string Shorten(string label) => label.Length <= 60 ? label : label[..57] + "...";
}
