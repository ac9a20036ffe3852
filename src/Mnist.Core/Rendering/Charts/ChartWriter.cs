using Mnist.Core.Evaluation;
using Mnist.Core.Persistence;
using Mnist.Core.Training;

namespace Mnist.Core.Rendering.Charts;

/// <summary>Writes each kind of chart to a PNG or SVG file (by its extension), atomically.</summary>
public static class ChartWriter
{
    public static void ImageGrid(string path, IReadOnlyList<ImageTile> tiles, int columns, int width, bool overwrite)
    {
        if (tiles.Count == 0)
            throw new MnistException("NoImages", MnistErrorKind.InvalidArgument, "There are no images to draw in the grid.", path);
        columns = Math.Min(columns, tiles.Count);
        ChartFonts.EnsureAvailable();   // the layout measures the titles
        var (w, h) = ImageGridChart.Size(tiles, columns, width);
        Write(path, w, h, overwrite, canvas => ImageGridChart.Draw(canvas, tiles, columns, width));
    }

    public static void History(string path, IReadOnlyList<EpochRecord> history, int width, int height, bool overwrite) =>
        Write(path, width, height, overwrite, canvas => HistoryChart.Draw(canvas, history, width, height));

    public static void ConfusionMatrix(string path, MnistEvaluation evaluation, int width, int height, bool overwrite) =>
        Write(path, width, height, overwrite, canvas => ConfusionMatrixChart.Draw(canvas, evaluation, width, height));

    public static void Sweep(string path, IReadOnlyList<Sweeps.SweepTrial> trials, int width, int height, bool overwrite) =>
        Write(path, width, height, overwrite, canvas => SweepChart.Draw(canvas, trials, width, height));

    private static void Write(string path, int width, int height, bool overwrite, Action<SkiaSharp.SKCanvas> draw)
    {
        var format = ChartFormats.FromPath(path);
        AtomicFile.Write(path, stream => ChartCanvas.Write(stream, format, width, height, draw), overwrite);
    }
}
