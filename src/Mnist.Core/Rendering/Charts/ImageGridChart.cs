using SkiaSharp;

namespace Mnist.Core.Rendering.Charts;

/// <summary>
/// Images in a grid with a title above each, like the notebook's matplotlib subplots: samples titled by their
/// label, predictions by "Predicted 7, Class 7" (green when right, red when wrong).
/// </summary>
public static class ImageGridChart
{
    private const float Padding = 10;
    private const float TitleMargin = 8;
    private const float MinimumTitleBand = 26;

    /// <summary>The image's size: rows of tiles, each under a title band as tall as the longest title needs.</summary>
    public static (int Width, int Height) Size(IReadOnlyList<ImageTile> tiles, int columns, int width)
    {
        int rows = (tiles.Count + columns - 1) / columns;
        float cellWidth = (float)width / columns;
        using var font = TitleFont(cellWidth);
        return (width, (int)Math.Ceiling(rows * (cellWidth + TitleBand(tiles, font, cellWidth))));
    }

    /// <summary>Each tile's title as drawn: its lines, and the widest line's width against the tile's.</summary>
    public static IReadOnlyList<(IReadOnlyList<string> Lines, float Width, float TileWidth)> Titles(
        IReadOnlyList<ImageTile> tiles, int columns, int width)
    {
        float cellWidth = (float)width / columns;
        using var font = TitleFont(cellWidth);
        return tiles.Select(tile => TitleLinesOf(tile, font, cellWidth))
            .Select(lines => (lines, lines.Max(line => font.MeasureText(line)), cellWidth)).ToArray();
    }

    public static void Draw(SKCanvas canvas, IReadOnlyList<ImageTile> tiles, int columns, int width)
    {
        float cellWidth = (float)width / columns;
        float side = cellWidth - 2 * Padding;
        using var font = TitleFont(cellWidth);
        float band = TitleBand(tiles, font, cellWidth);
        for (int i = 0; i < tiles.Count; i++)
        {
            float left = i % columns * cellWidth;
            float top = i / columns * (cellWidth + band);
            var lines = TitleLinesOf(tiles[i], font, cellWidth);
            // The lines sit at the bottom of the band, right above their image.
            float baseline = top + band - TitleMargin / 2 - font.Metrics.Descent - (lines.Count - 1) * font.Spacing;
            foreach (var line in lines)
            {
                DrawTitle(canvas, tiles[i], line, font, left + cellWidth / 2, baseline);
                baseline += font.Spacing;
            }
            DrawPixels(canvas, tiles[i], new SKRect(left + Padding, top + band, left + Padding + side, top + band + side));
        }
    }

    private static SKFont TitleFont(float cellWidth) => new(ChartFonts.Typeface, Math.Clamp(cellWidth / 12, 10, 18));

    private static IReadOnlyList<string> TitleLinesOf(ImageTile tile, SKFont font, float cellWidth) =>
        TitleLines.Wrap(tile.Title, cellWidth - 4, text => font.MeasureText(text));

    private static float TitleBand(IReadOnlyList<ImageTile> tiles, SKFont font, float cellWidth) =>
        Math.Max(MinimumTitleBand, tiles.Max(tile => TitleLinesOf(tile, font, cellWidth).Count) * font.Spacing + TitleMargin);

    private static void DrawTitle(SKCanvas canvas, ImageTile tile, string line, SKFont font, float centre, float baseline)
    {
        var colour = tile.IsCorrect switch { true => new SKColor(0, 120, 0), false => new SKColor(200, 0, 0), null => SKColors.Black };
        using var paint = new SKPaint { Color = colour, IsAntialias = true };
        canvas.DrawText(line, centre, baseline, SKTextAlign.Center, font, paint);
    }

    // One square per inked pixel on a black ground (matplotlib's cmap='gray'): crisp in PNG and in SVG, where an
    // embedded bitmap would be smoothed by the viewer. A square reaches a little into an inked neighbour to its right
    // and below, which is drawn after it: viewers smooth each square's edges on their own, and squares that only
    // touched showed the black ground through as hairline seams.
    private static void DrawPixels(SKCanvas canvas, ImageTile tile, SKRect area)
    {
        using var paint = new SKPaint { IsAntialias = false };
        paint.Color = SKColors.Black;
        canvas.DrawRect(area, paint);
        float width = area.Width / tile.Columns, height = area.Height / tile.Rows;
        float overlap = Math.Min(0.5f, Math.Min(width, height) / 4);
        for (int r = 0; r < tile.Rows; r++)
        for (int c = 0; c < tile.Columns; c++)
        {
            byte value = tile[r, c];
            if (value == 0) continue;
            bool rightInked = c + 1 < tile.Columns && tile[r, c + 1] != 0;
            bool belowInked = r + 1 < tile.Rows && tile[r + 1, c] != 0;
            paint.Color = new SKColor(value, value, value);
            canvas.DrawRect(SKRect.Create(area.Left + c * width, area.Top + r * height,
                width + (rightInked ? overlap : 0), height + (belowInked ? overlap : 0)), paint);
        }
    }
}
