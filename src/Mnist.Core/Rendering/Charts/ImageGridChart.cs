using SkiaSharp;

namespace Mnist.Core.Rendering.Charts;

/// <summary>
/// Images in a grid with a title above each, like the notebook's matplotlib subplots: samples titled by their
/// label, predictions by "Predicted 7, Class 7" (green when right, red when wrong).
/// </summary>
public static class ImageGridChart
{
    private const float Padding = 10;
    private const float TitleHeight = 26;

    public static (int Width, int Height) Size(int tileCount, int columns, int width)
    {
        int rows = (tileCount + columns - 1) / columns;
        float cellWidth = (float)width / columns;
        return (width, (int)Math.Ceiling(rows * (cellWidth + TitleHeight)));
    }

    public static void Draw(SKCanvas canvas, IReadOnlyList<ImageTile> tiles, int columns, int width)
    {
        float cellWidth = (float)width / columns;
        float side = cellWidth - 2 * Padding;
        using var font = new SKFont(ChartFonts.Typeface, Math.Clamp(cellWidth / 12, 10, 18));
        for (int i = 0; i < tiles.Count; i++)
        {
            float left = i % columns * cellWidth;
            float top = i / columns * (cellWidth + TitleHeight);
            DrawTitle(canvas, tiles[i], font, left + cellWidth / 2, top + TitleHeight - 6);
            DrawPixels(canvas, tiles[i], new SKRect(left + Padding, top + TitleHeight, left + Padding + side, top + TitleHeight + side));
        }
    }

    private static void DrawTitle(SKCanvas canvas, ImageTile tile, SKFont font, float centre, float baseline)
    {
        var colour = tile.IsCorrect switch { true => new SKColor(0, 120, 0), false => new SKColor(200, 0, 0), null => SKColors.Black };
        using var paint = new SKPaint { Color = colour, IsAntialias = true };
        canvas.DrawText(tile.Title, centre, baseline, SKTextAlign.Center, font, paint);
    }

    // One square per inked pixel on a black ground (matplotlib's cmap='gray'): crisp in PNG and in SVG, where an
    // embedded bitmap would be smoothed by the viewer.
    private static void DrawPixels(SKCanvas canvas, ImageTile tile, SKRect area)
    {
        using var paint = new SKPaint { IsAntialias = false };
        paint.Color = SKColors.Black;
        canvas.DrawRect(area, paint);
        float width = area.Width / tile.Columns, height = area.Height / tile.Rows;
        for (int r = 0; r < tile.Rows; r++)
        for (int c = 0; c < tile.Columns; c++)
        {
            byte value = tile[r, c];
            if (value == 0) continue;
            paint.Color = new SKColor(value, value, value);
            canvas.DrawRect(SKRect.Create(area.Left + c * width, area.Top + r * height, width, height), paint);
        }
    }
}
