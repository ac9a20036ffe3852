using ScottPlot;
using SkiaSharp;

namespace Mnist.Core.Rendering.Charts;

/// <summary>Draws a ScottPlot plot into one rectangle of a shared canvas, once.</summary>
internal static class PlotPanel
{
    public static void Render(SKCanvas canvas, Plot plot, SKRect area)
    {
        var rect = new PixelRect(area.Left, area.Right, area.Bottom, area.Top);
        // ScottPlot draws a plot twice when its first render settles the axis limits; on an SVG canvas both
        // passes would end up in the file. A first pass on a canvas that draws nothing settles them.
        using (var settle = new SKNoDrawCanvas((int)Math.Ceiling(area.Right), (int)Math.Ceiling(area.Bottom)))
            plot.Render(settle, rect);
        // ScottPlot clears the canvas before it draws; the clip keeps it from wiping the other panels.
        canvas.Save();
        canvas.ClipRect(area);
        plot.Render(canvas, rect);
        canvas.Restore();
    }
}
