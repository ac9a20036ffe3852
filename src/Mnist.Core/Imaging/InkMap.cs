namespace Mnist.Core.Imaging;

/// <summary>
/// Turns a picture into an ink map (0 = paper, 255 = ink as strong as it gets) against its estimated paper, and finds
/// the levels that tell ink from the paper's noise.
/// </summary>
public static class InkMap
{
    /// <summary>Ink darker (or brighter) than this, relative to the paper, is ignored as too faint to be a digit.</summary>
    public const byte MinimumContrast = 16;

    /// <summary>
    /// How far each pixel is from the paper towards the ink, as a fraction of how far it could go: dark ink on light
    /// paper is measured relative to the paper's level (so it reads the same in the shade as in the light), bright
    /// ink on dark paper relative to the room left above the paper. Which of the two the picture holds is decided by
    /// which side of the paper has more strong departures from it.
    /// </summary>
    public static GrayImage FromBackground(GrayImage image, GrayImage background)
    {
        var residuals = new int[image.Pixels.Length];
        for (int i = 0; i < residuals.Length; i++) residuals[i] = image.Pixels[i] - background.Pixels[i];
        double spread = Math.Max(1, 1.4826 * MedianAbsolute(residuals));
        double darker = 0, brighter = 0;
        foreach (var r in residuals)
        {
            if (r < -3 * spread) darker += -r - 3 * spread;
            else if (r > 3 * spread) brighter += r - 3 * spread;
        }
        bool darkInk = darker >= brighter;
        var ink = new byte[residuals.Length];
        for (int i = 0; i < ink.Length; i++)
        {
            int paper = background.Pixels[i];
            double room = darkInk ? paper : 255 - paper;
            double depth = darkInk ? -residuals[i] : residuals[i];
            ink[i] = room < 1 ? (byte)0 : (byte)Math.Clamp((int)Math.Round(depth / room * 255), 0, 255);
        }
        return new GrayImage(ink, image.Width, image.Height);
    }

    /// <summary>
    /// The standard deviation of the picture's noise, in ink-map units: from the median difference between
    /// horizontally neighbouring pixels (paper and the inside of strokes are flat, so most neighbours differ by noise
    /// alone, however much of the picture the ink covers), scaled by the room the paper leaves for ink.
    /// </summary>
    public static double NoiseLevel(GrayImage image, GrayImage background)
    {
        var counts = new int[256];
        int pairs = 0;
        for (int y = 0; y < image.Height; y++)
            for (int x = 1; x < image.Width; x++) { counts[Math.Abs(image[x, y] - image[x - 1, y])]++; pairs++; }
        int seen = 0, median = 0;
        while (median < 255 && (seen += counts[median]) <= pairs / 2) median++;
        double noise = 1.4826 * median / Math.Sqrt(2);
        var levels = (byte[])background.Pixels.Clone();
        Array.Sort(levels);
        int paper = levels[levels.Length / 2];
        double room = Math.Max(32, Math.Max(paper, 255 - paper));
        return Math.Max(1, noise * 255 / room);
    }

    /// <summary>
    /// The level a pixel must pass to start a stroke (High) and to continue one (Low): well above the noise (see
    /// <see cref="NoiseLevel"/>), and a
    /// share of the strongest ink (taken over 3x3 means, so one bright speck or noisy pixel does not set it). Null
    /// when nothing stands out from the noise: a blank picture.
    /// </summary>
    public static (byte High, byte Low)? Thresholds(GrayImage ink, double noise)
    {
        double peak = PeakOfMeans(ink);
        if (peak < Math.Max(MinimumContrast, 3 * noise)) return null;
        double high = Math.Max(Math.Max(4 * noise, 0.35 * peak), MinimumContrast);
        double low = Math.Max(Math.Max(2.5 * noise, 0.15 * peak), MinimumContrast / 2.0);
        return ((byte)Math.Min(254, Math.Round(high)), (byte)Math.Min(high, Math.Round(low)));
    }

    private static double PeakOfMeans(GrayImage ink)
    {
        double peak = 0;
        for (int y = 0; y < ink.Height; y++)
            for (int x = 0; x < ink.Width; x++)
            {
                int sum = 0, n = 0;
                for (int dy = -1; dy <= 1; dy++)
                    for (int dx = -1; dx <= 1; dx++)
                    {
                        int sx = x + dx, sy = y + dy;
                        if (sx < 0 || sy < 0 || sx >= ink.Width || sy >= ink.Height) continue;
                        sum += ink[sx, sy]; n++;
                    }
                peak = Math.Max(peak, (double)sum / n);
            }
        return peak;
    }

    private static double MedianAbsolute(int[] values)
    {
        var counts = new int[256];
        foreach (var v in values) counts[Math.Min(255, Math.Abs(v))]++;
        int half = values.Length / 2, seen = 0;
        for (int level = 0; level < 256; level++)
        {
            seen += counts[level];
            if (seen > half) return level;
        }
        return 255;
    }
}
