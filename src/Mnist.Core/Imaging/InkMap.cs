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
        ReadOnlySpan<byte> pixels = image.Pixels, paper = background.Pixels.AsSpan(0, pixels.Length);
        Span<int> counts = stackalloc int[256];
        for (int i = 0; i < pixels.Length; i++) counts[Math.Abs(pixels[i] - paper[i])]++;
        double spread = Math.Max(1, 1.4826 * Histogram.Median(counts, pixels.Length));
        // In the order of the pixels, as the sums' rounding depends on it; 3 * spread is the same double each time.
        double limit = 3 * spread, darker = 0, brighter = 0;
        for (int i = 0; i < pixels.Length; i++)
        {
            int r = pixels[i] - paper[i];
            if (r < -limit) darker += -r - limit;
            else if (r > limit) brighter += r - limit;
        }
        bool darkInk = darker >= brighter;
        // The ink of every pixel level over each paper level that occurs (a smooth paper has a few dozen), made when first needed.
        var table = new byte[256 * 256];
        Span<bool> made = stackalloc bool[256];
        var ink = new byte[pixels.Length];
        for (int i = 0; i < ink.Length; i++)
        {
            int level = paper[i];
            if (!made[level])
            {
                FillRow(table.AsSpan(level * 256, 256), level, darkInk);
                made[level] = true;
            }
            ink[i] = table[level * 256 + pixels[i]];
        }
        return new GrayImage(ink, image.Width, image.Height);
    }

    /// <summary>The ink of each pixel level 0-255 over paper of <paramref name="level"/>.</summary>
    private static void FillRow(Span<byte> row, int level, bool darkInk)
    {
        int room = darkInk ? level : 255 - level;
        if (room < 1) return;
        for (int pixel = 0; pixel < 256; pixel++)
        {
            int depth = darkInk ? level - pixel : pixel - level;
            if (depth > 0) row[pixel] = Depth(depth, room);
        }
    }

    /// <summary>
    /// floor(2^32 / room) + 1: for n below 2^16, (n * it) >> 32 is n / room exactly (the excess, under room / 2^32 per
    /// unit of n, never carries the quotient past its fraction).
    /// </summary>
    private static readonly ulong[] Reciprocals = Enumerable.Range(0, 256).Select(d => d == 0 ? 0 : (1UL << 32) / (ulong)d + 1).ToArray();

    /// <summary>
    /// round(depth / room * 255) clamped to 255, for depth and room 1-255, as the double arithmetic rounds it: in
    /// integers, since depth * 255 / room lies at least 1 / (2 room) from a half unless it is exactly one, far beyond the
    /// doubles' error; exact halves (where that error decides) take the double path itself.
    /// </summary>
    private static byte Depth(int depth, int room)
    {
        int scaled = depth * 255;
        int whole = (int)((ulong)scaled * Reciprocals[room] >> 32), twice = 2 * (scaled - whole * room);
        int rounded = twice < room ? whole : twice > room ? whole + 1 : (int)Math.Round((double)depth / room * 255);
        return (byte)Math.Min(255, rounded);
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
        {
            var row = image.Pixels.AsSpan(y * image.Width, image.Width);
            for (int x = 1; x < row.Length; x++) counts[Math.Abs(row[x] - row[x - 1])]++;
            pairs += Math.Max(0, row.Length - 1);
        }
        int seen = 0, median = 0;
        while (median < 255 && (seen += counts[median]) <= pairs / 2) median++;
        double noise = 1.4826 * median / Math.Sqrt(2);
        var levels = new int[256];
        foreach (var level in background.Pixels) levels[level]++;
        int paper = Histogram.Median(levels, background.Pixels.Length);
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

    /// <summary>
    /// The largest mean over each pixel's 3x3 neighbourhood (clipped at the border). A mean is its sum over its count (4 in
    /// a corner, 6 along an edge, 9 inside); division by the same count keeps the order of sums, so the largest mean is
    /// the largest of the three counts' largest sums over their count: the same double as taking every mean.
    /// </summary>
    private static double PeakOfMeans(GrayImage ink)
    {
        int width = ink.Width, height = ink.Height;
        var pixels = ink.Pixels;
        // Column sums over three rows (two at the top and bottom rows), then sums of three neighbouring columns.
        var columns = new int[width];
        int[] best = [-1, -1, -1, -1, -1, -1, -1, -1, -1, -1];
        for (int y = 0; y < height; y++)
        {
            int top = Math.Max(0, y - 1), bottom = Math.Min(height - 1, y + 1);
            for (int x = 0; x < width; x++)
            {
                int sum = 0;
                for (int r = top; r <= bottom; r++) sum += pixels[r * width + x];
                columns[x] = sum;
            }
            int rows = bottom - top + 1;
            for (int x = 0; x < width; x++)
            {
                int left = Math.Max(0, x - 1), right = Math.Min(width - 1, x + 1);
                int sum = columns[left] + (right > left ? columns[right] : 0) + (x > left && x < right ? columns[x] : 0);
                int n = rows * (right - left + 1);
                if (sum > best[n]) best[n] = sum;
            }
        }
        double peak = 0;
        for (int n = 1; n < best.Length; n++)
            if (best[n] >= 0) peak = Math.Max(peak, (double)best[n] / n);
        return peak;
    }
}
