using Mnist.Core.Evaluation;
using ScottPlot;
using SkiaSharp;

namespace Mnist.Core.Rendering.Charts;

/// <summary>The confusion matrix as a heatmap with the count in each cell: true class down, predicted across.</summary>
public static class ConfusionMatrixChart
{
    public static void Draw(SKCanvas canvas, MnistEvaluation evaluation, int width, int height)
    {
        var matrix = evaluation.ConfusionMatrix;
        int n = matrix.Length;
        int largest = Math.Max(1, matrix.Max(row => row.Max()));
        var colours = new ScottPlot.Colormaps.Blues();
        var plot = new Plot();
        plot.Font.Set(ChartFonts.Typeface.FamilyName);
        float fontSize = Math.Clamp(Math.Min(width, height) / (n * 3.2f), 7, 16);
        for (int r = 0; r < n; r++)
        for (int c = 0; c < n; c++)
        {
            // A log scale, so that the few dozen errors off the diagonal show against thousands on it.
            double shade = Math.Log(1 + matrix[r][c]) / Math.Log(1 + largest);
            var cell = plot.Add.Rectangle(c - 0.5, c + 0.5, r - 0.5, r + 0.5);
            cell.FillColor = colours.GetColor(0.95 - 0.9 * shade); // this colormap runs from dark to light
            cell.LineColor = Colors.White;
            cell.LineWidth = 1;
            var count = plot.Add.Text(matrix[r][c].ToString(), c, r);
            count.LabelAlignment = Alignment.MiddleCenter;
            count.LabelFontSize = fontSize;
            count.LabelFontColor = shade > 0.6 ? Colors.White : Colors.Black;
        }
        var positions = Enumerable.Range(0, n).Select(i => (double)i).ToArray();
        var names = evaluation.ClassNames.Take(n).ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(positions, names);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(positions, names);
        plot.Axes.SetLimits(-0.5, n - 0.5, n - 0.5, -0.5); // top row is class 0, as in the printed matrix
        plot.HideGrid();
        plot.Title($"Confusion matrix: {evaluation.Count:N0} {evaluation.Split} images, accuracy {evaluation.Accuracy:F4}");
        plot.XLabel("Predicted class");
        plot.YLabel("True class");
        PlotPanel.Render(canvas, plot, new SKRect(0, 0, width, height));
    }
}
