using SkiaSharp;

namespace Mnist.Core.Tests;

/// <summary>Reads back what a chart PNG shows: black image cells, coloured lines, dark shades.</summary>
internal static class ChartImages
{
    private static bool IsBlack(SKColor c) => c.Red < 8 && c.Green < 8 && c.Blue < 8;

    /// <summary>
    /// For each horizontal band of black squares (an image row of a grid), how many squares it has: counted as
    /// long runs of black along the band's first scanline (MNIST images have black borders).
    /// </summary>
    public static int[] BlackSquaresPerBand(SKBitmap bitmap)
    {
        var bands = new List<int>();
        bool inBand = false;
        for (int y = 0; y < bitmap.Height; y++)
        {
            int runs = BlackRuns(bitmap, y, minimum: 20);
            if (runs > 0 && !inBand) bands.Add(runs);
            inBand = runs > 0;
        }
        return bands.ToArray();
    }

    private static int BlackRuns(SKBitmap bitmap, int y, int minimum)
    {
        int runs = 0, length = 0;
        for (int x = 0; x <= bitmap.Width; x++)
        {
            if (x < bitmap.Width && IsBlack(bitmap.GetPixel(x, y))) { length++; continue; }
            if (length >= minimum) runs++;
            length = 0;
        }
        return runs;
    }

    /// <summary>Pixels between two columns that are clearly coloured (not grey, black or white).</summary>
    public static int CountColoured(SKBitmap bitmap, int fromX, int toX)
    {
        int count = 0;
        for (int y = 0; y < bitmap.Height; y++)
        for (int x = fromX; x < toX; x++)
        {
            var c = bitmap.GetPixel(x, y);
            if (Math.Max(c.Red, Math.Max(c.Green, c.Blue)) - Math.Min(c.Red, Math.Min(c.Green, c.Blue)) > 60) count++;
        }
        return count;
    }

    /// <summary>Pixels of a dark blue (the heatmap's busiest cells).</summary>
    public static int CountDarkBlue(SKBitmap bitmap)
    {
        int count = 0;
        for (int y = 0; y < bitmap.Height; y++)
        for (int x = 0; x < bitmap.Width; x++)
        {
            var c = bitmap.GetPixel(x, y);
            if (c.Blue - c.Red > 40 && c.Blue < 140) count++;
        }
        return count;
    }
}
