using Mnist.Core.Training;
using ScottPlot;
using SkiaSharp;

namespace Mnist.Core.Rendering.Charts;

/// <summary>The notebook's history plot: accuracy and loss per epoch, training against validation, side by side.</summary>
public static class HistoryChart
{
    public static void Draw(SKCanvas canvas, IReadOnlyList<EpochRecord> history, int width, int height)
    {
        if (history.Count == 0)
            throw new MnistException("NoHistory", MnistErrorKind.InvalidArgument,
                "The model has no training history to plot; train it first (Invoke-MnistTraining).");
        var epochs = history.Select(r => (double)r.Epoch).ToArray();
        var accuracy = Panel("Model accuracy", "Accuracy", epochs, history.Select(r => r.Accuracy), history.Select(r => r.ValAccuracy), Alignment.LowerRight);
        var loss = Panel("Model loss", "Loss", epochs, history.Select(r => r.Loss), history.Select(r => r.ValLoss), Alignment.UpperRight);
        float half = width / 2f;
        PlotPanel.Render(canvas, accuracy, new SKRect(0, 0, half, height));
        PlotPanel.Render(canvas, loss, new SKRect(half, 0, width, height));
    }

    private static Plot Panel(string title, string quantity, double[] epochs, IEnumerable<double> training, IEnumerable<double?> validation,
        Alignment legendCorner)
    {
        var plot = new Plot();
        plot.Font.Set(ChartFonts.Typeface.FamilyName);
        plot.Title(title);
        plot.XLabel("Epoch");
        plot.YLabel(quantity);
        Line(plot, epochs, training.ToArray(), "training", Colors.C0);
        var validationValues = validation.ToArray();
        if (validationValues.All(v => v is not null))
            Line(plot, epochs, validationValues.Select(v => v!.Value).ToArray(), "validation", Colors.C1);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(epochs, epochs.Select(e => e.ToString("0")).ToArray());
        if (epochs.Length == 1) plot.Axes.SetLimitsX(epochs[0] - 1, epochs[0] + 1);
        plot.ShowLegend(legendCorner);
        return plot;
    }

    private static void Line(Plot plot, double[] xs, double[] ys, string legend, Color colour)
    {
        var line = plot.Add.Scatter(xs, ys, colour);
        line.LegendText = legend;
        line.LineWidth = 2;
        line.MarkerSize = 7;
    }
}
