using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.InteropServices;

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
        var ink = new byte[image.Pixels.Length];
        FromBackground(image.Pixels, background.Pixels.AsSpan(0, ink.Length), ink);
        return new GrayImage(ink, image.Width, image.Height);
    }

    /// <summary><see cref="FromBackground(GrayImage, GrayImage)"/> into <paramref name="ink"/>: the chain's own buffer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void FromBackground(ReadOnlySpan<byte> pixels, ReadOnlySpan<byte> paper, Span<byte> ink)
    {
        var table = DarkInk(pixels, paper) ? DarkTable.Value : BrightTable.Value;
        ref byte levels = ref MemoryMarshal.GetArrayDataReference(table);
        for (int i = 0; i < pixels.Length; i++) ink[i] = Unsafe.Add(ref levels, (paper[i] << 8) | pixels[i]);
    }

    /// <summary>
    /// Whether the picture is dark ink on light paper: the strong departures below the paper outweigh those above it.
    /// The departures (pixel minus paper, -255 to 255) are counted once; their spread is the median of their sizes; each
    /// side's weight, the sum over its pixels beyond three spreads of how far beyond, is in exact terms a count times
    /// the limit taken from a sum of whole levels. The pixel-by-pixel double sums it replaces differ from that by
    /// rounding alone, far below the margin used here; only sides closer than the margin are summed pixel by pixel as
    /// before, which then decides to the bit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool DarkInk(ReadOnlySpan<byte> pixels, ReadOnlySpan<byte> paper)
    {
        // Four interleaved tallies: neighbouring pixels of the same level do not wait on each other's count.
        Span<int> tallies = stackalloc int[4 * 512];
        int i = 0;
        for (; i <= pixels.Length - 4; i += 4)
        {
            tallies[pixels[i] - paper[i] + 255]++;
            tallies[512 + pixels[i + 1] - paper[i + 1] + 255]++;
            tallies[1024 + pixels[i + 2] - paper[i + 2] + 255]++;
            tallies[1536 + pixels[i + 3] - paper[i + 3] + 255]++;
        }
        for (; i < pixels.Length; i++) tallies[pixels[i] - paper[i] + 255]++;
        Span<int> departures = stackalloc int[511];
        for (int d = 0; d < 511; d++) departures[d] = tallies[d] + tallies[512 + d] + tallies[1024 + d] + tallies[1536 + d];
        Span<int> sizes = stackalloc int[256];
        sizes[0] = departures[255];
        for (int d = 1; d < 256; d++) sizes[d] = departures[255 + d] + departures[255 - d];
        double spread = Math.Max(1, 1.4826 * Histogram.Median(sizes, pixels.Length));
        double limit = 3 * spread;
        long darkLevels = 0, brightLevels = 0, darkCount = 0, brightCount = 0;
        for (int r = -255; r <= 255; r++)
        {
            long n = departures[r + 255];
            if (r < -limit) { darkLevels += n * -r; darkCount += n; }
            else if (r > limit) { brightLevels += n * r; brightCount += n; }
        }
        if (darkCount == 0 || brightCount == 0) return brightCount == 0;
        double darker = darkLevels - darkCount * limit, brighter = brightLevels - brightCount * limit;
        double scale = darkLevels + brightLevels + (darkCount + brightCount) * limit;
        double margin = (darkCount + brightCount + 8) * 4.5e-16 * scale;
        if (Math.Abs(darker - brighter) > margin) return darker > brighter;
        return DarkInkSummed(pixels, paper, limit);
    }

    /// <summary>The two sides' weights summed pixel by pixel in doubles, as the rounding of the sums depends on the order.</summary>
    private static bool DarkInkSummed(ReadOnlySpan<byte> pixels, ReadOnlySpan<byte> paper, double limit)
    {
        double darker = 0, brighter = 0;
        for (int i = 0; i < pixels.Length; i++)
        {
            int r = pixels[i] - paper[i];
            if (r < -limit) darker += -r - limit;
            else if (r > limit) brighter += r - limit;
        }
        return darker >= brighter;
    }

    /// <summary>The ink of every pixel level (low byte) over every paper level (high byte), for dark ink and for bright ink.</summary>
    private static readonly Lazy<byte[]> DarkTable = new(() => Table(darkInk: true)), BrightTable = new(() => Table(darkInk: false));

    private static byte[] Table(bool darkInk)
    {
        var table = new byte[256 * 256];
        for (int level = 0; level < 256; level++) FillRow(table.AsSpan(level * 256, 256), level, darkInk);
        return table;
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
    public static double NoiseLevel(GrayImage image, GrayImage background) =>
        NoiseLevel(image.Pixels, image.Width, image.Height, background.Pixels.AsSpan(0, image.Pixels.Length));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double NoiseLevel(ReadOnlySpan<byte> pixels, int width, int height, ReadOnlySpan<byte> paperLevels)
    {
        // Differences -255 to 255 in four interleaved tallies (neighbouring pairs of one difference do not wait on each other's count), folded to sizes.
        Span<int> tallies = stackalloc int[4 * 512];
        ref int tally = ref MemoryMarshal.GetReference(tallies);
        int pairs = 0;
        for (int y = 0; y < height; y++)
        {
            ref byte row = ref Unsafe.Add(ref MemoryMarshal.GetReference(pixels), y * width);
            int x = 1;
            for (; x <= width - 4; x += 4)
            {
                Unsafe.Add(ref tally, Unsafe.Add(ref row, x) - Unsafe.Add(ref row, x - 1) + 255)++;
                Unsafe.Add(ref tally, 512 + Unsafe.Add(ref row, x + 1) - Unsafe.Add(ref row, x) + 255)++;
                Unsafe.Add(ref tally, 1024 + Unsafe.Add(ref row, x + 2) - Unsafe.Add(ref row, x + 1) + 255)++;
                Unsafe.Add(ref tally, 1536 + Unsafe.Add(ref row, x + 3) - Unsafe.Add(ref row, x + 2) + 255)++;
            }
            for (; x < width; x++) Unsafe.Add(ref tally, Unsafe.Add(ref row, x) - Unsafe.Add(ref row, x - 1) + 255)++;
            pairs += Math.Max(0, width - 1);
        }
        Span<int> counts = stackalloc int[256];
        for (int d = -255; d <= 255; d++)
            counts[Math.Abs(d)] += tallies[d + 255] + tallies[512 + d + 255] + tallies[1024 + d + 255] + tallies[1536 + d + 255];
        int seen = 0, median = 0;
        while (median < 255 && (seen += counts[median]) <= pairs / 2) median++;
        double noise = 1.4826 * median / Math.Sqrt(2);
        // The paper is a smooth surface: its levels come in long runs, counted a run at a time.
        counts.Clear();
        for (int i = 0; i < paperLevels.Length;)
        {
            byte level = paperLevels[i];
            int run = paperLevels[i..].IndexOfAnyExcept(level);
            if (run < 0) run = paperLevels.Length - i;
            counts[level] += run;
            i += run;
        }
        int paper = Histogram.Median(counts, paperLevels.Length);
        double room = Math.Max(32, Math.Max(paper, 255 - paper));
        return Math.Max(1, noise * 255 / room);
    }

    /// <summary>
    /// The level a pixel must pass to start a stroke (High) and to continue one (Low): well above the noise (see
    /// <see cref="NoiseLevel"/>), and a
    /// share of the strongest ink (taken over 3x3 means, so one bright speck or noisy pixel does not set it). Null
    /// when nothing stands out from the noise: a blank picture.
    /// </summary>
    public static (byte High, byte Low)? Thresholds(GrayImage ink, double noise) => Thresholds(ink.Pixels, ink.Width, ink.Height, noise);

    /// <summary><see cref="Thresholds(GrayImage, double)"/> of the first <paramref name="width"/> x <paramref name="height"/> bytes of <paramref name="ink"/> (the chain's buffer).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static (byte High, byte Low)? Thresholds(ReadOnlySpan<byte> ink, int width, int height, double noise)
    {
        double peak = PeakOfMeans(ink, width, height);
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double PeakOfMeans(ReadOnlySpan<byte> pixels, int width, int height)
    {
        if (width < 3 || height < 3) return PeakOfMeansAnySize(pixels, width, height);
        // The largest window sum of each size: 9 inside, 6 along the edges, 4 in the corners.
        var rented = ArrayPool<ushort>.Shared.Rent(width);
        try
        {
            var columns = rented.AsSpan(0, width);
            int inside = -1, edge = -1, corner = -1;
            for (int y = 0; y < height; y++)
            {
                int top = Math.Max(0, y - 1), bottom = Math.Min(height - 1, y + 1);
                ColumnSums(pixels, width, top, bottom, columns);
                int middle = MaxWindowSum(columns);
                int ends = Math.Max(columns[0] + columns[1], columns[width - 2] + columns[width - 1]);
                if (bottom - top == 2) { inside = Math.Max(inside, middle); edge = Math.Max(edge, ends); }
                else { edge = Math.Max(edge, middle); corner = Math.Max(corner, ends); }
            }
            return Math.Max(Math.Max((double)corner / 4, (double)edge / 6), (double)inside / 9);
        }
        finally
        {
            ArrayPool<ushort>.Shared.Return(rented);
        }
    }

    /// <summary>Each column's sum over rows <paramref name="top"/> to <paramref name="bottom"/> (two or three rows).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ColumnSums(ReadOnlySpan<byte> pixels, int width, int top, int bottom, Span<ushort> sums)
    {
        ref byte first = ref MemoryMarshal.GetReference(pixels);
        ref ushort into = ref MemoryMarshal.GetReference(sums);
        bool three = bottom - top == 2;
        nuint a = (nuint)(top * width), b = (nuint)((top + 1) * width), c = (nuint)(bottom * width);
        int x = 0;
        for (; x <= width - Vector128<byte>.Count; x += Vector128<byte>.Count)
        {
            var (low, high) = Vector128.Widen(Vector128.LoadUnsafe(ref first, a + (nuint)x));
            var (low1, high1) = Vector128.Widen(Vector128.LoadUnsafe(ref first, b + (nuint)x));
            low += low1; high += high1;
            if (three)
            {
                var (low2, high2) = Vector128.Widen(Vector128.LoadUnsafe(ref first, c + (nuint)x));
                low += low2; high += high2;
            }
            low.StoreUnsafe(ref into, (nuint)x);
            high.StoreUnsafe(ref into, (nuint)x + 8);
        }
        for (; x < width; x++)
            sums[x] = (ushort)(pixels[(int)a + x] + pixels[(int)b + x] + (three ? pixels[(int)c + x] : 0));
    }

    /// <summary>The largest sum of three neighbouring columns, over the windows that lie inside the picture.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int MaxWindowSum(ReadOnlySpan<ushort> columns)
    {
        ref ushort first = ref MemoryMarshal.GetReference(columns);
        var best = Vector128<ushort>.Zero;
        int x = 1;
        for (; x <= columns.Length - 1 - Vector128<ushort>.Count; x += Vector128<ushort>.Count)
            best = Vector128.Max(best, Vector128.LoadUnsafe(ref first, (nuint)(x - 1)) + Vector128.LoadUnsafe(ref first, (nuint)x) + Vector128.LoadUnsafe(ref first, (nuint)(x + 1)));
        int max = 0;
        for (int k = 0; k < Vector128<ushort>.Count; k++) max = Math.Max(max, best.GetElement(k));
        for (; x < columns.Length - 1; x++) max = Math.Max(max, columns[x - 1] + columns[x] + columns[x + 1]);
        return max;
    }

    /// <summary>The peak for pictures under 3 pixels wide or high, window by window.</summary>
    private static double PeakOfMeansAnySize(ReadOnlySpan<byte> pixels, int width, int height)
    {
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
