using SkiaSharp;

namespace Mnist.Core.Rendering.Charts;

/// <summary>Gives a drawing a canvas of the asked size and writes what was drawn as PNG or SVG.</summary>
public static class ChartCanvas
{
    public static void Write(Stream stream, ChartFormat format, int width, int height, Action<SKCanvas> draw)
    {
        ChartFonts.EnsureAvailable();
        if (format == ChartFormat.Svg)
        {
            // The SVG canvas writes its document when it is disposed.
            using var canvas = SKSvgCanvas.Create(SKRect.Create(width, height), stream);
            canvas.Clear(SKColors.White);
            draw(canvas);
            return;
        }
        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul))
            ?? throw new MnistException("ChartTooLarge", MnistErrorKind.LimitsExceeded, $"Cannot make a {width}x{height} image.", width);
        surface.Canvas.Clear(SKColors.White);
        draw(surface.Canvas);
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        data.SaveTo(stream);
    }
}
