using System.Buffers;
using System.Runtime.CompilerServices;

namespace Mnist.Core.Imaging;

/// <summary>
/// Prepares a picture of a digit the way MNIST's digits were made: ink bright on black, cropped to the ink, scaled to
/// fit a 20x20 box keeping the aspect ratio, and placed in a 28x28 field with its centre of mass at the centre.
/// Pictures from scanners and phones are first freed of what MNIST's digits never had: uneven paper and light
/// (<see cref="PaperBackground"/>), noise, specks and shadows apart from the digit (<see cref="InkMap"/>,
/// <see cref="InkComponents"/>), and strokes much thicker or thinner than MNIST's (<see cref="StrokeWidth"/>).
/// Each step is a pure function over a <see cref="GrayImage"/>.
/// </summary>
public static class DigitPreprocessor
{
    public const int FieldSize = 28;
    public const int BoxSize = 20;

    /// <summary>
    /// The digit is cropped to pixels above this level: its faint rim stays inside the crop but does not widen it
    /// (on a small picture one pixel of rim on each side shrinks the digit by a tenth).
    /// </summary>
    public const byte CropThreshold = 32;

    /// <summary>The whole chain; null when nothing in the picture stands out from the paper.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static GrayImage? Prepare(GrayImage image)
    {
        var rented = ArrayPool<byte>.Shared.Rent(image.Width * image.Height);
        GrayImage cropped;
        try
        {
            var digit = rented.AsSpan(0, image.Width * image.Height);
            if (IsolateDigit(image, digit) is not { } box) return null;
            var bounds = InkBounds(digit, image.Width, box, CropThreshold) ?? InkBounds(digit, image.Width, box, 0);
            if (bounds is null) return null;
            cropped = Crop(digit, image.Width, bounds.Value);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
        var strokes = StrokeWidth.Normalise(cropped, StrokeWidth.Mnist * Math.Max(cropped.Width, cropped.Height) / BoxSize);
        return PlaceByCenterOfMass(ScaleToFit(strokes));
    }

    /// <summary>
    /// The digit alone as bright ink on black, full size: the ink measured against the estimated paper, the patches
    /// that make the digit kept with their faint edges, everything else black, and the strokes' own level stretched
    /// to 255. Null when nothing stands out from the paper's noise.
    /// </summary>
    public static GrayImage? IsolateDigit(GrayImage image)
    {
        var digit = new byte[image.Width * image.Height];
        return Isolate(image, digit).StandsOut ? new GrayImage(digit, image.Width, image.Height) : null;
    }

    /// <summary>
    /// <see cref="IsolateDigit(GrayImage)"/> into <paramref name="digit"/> (one byte per pixel), written only inside the
    /// returned box (the digit with its rim): every pixel outside it is black. Null when nothing stands out from the
    /// paper's noise or no patch is strong enough to start a stroke (the digit is then all black).
    /// The chain's full-size stages work in pooled buffers: a picture allocates little beyond its result.
    /// </summary>
    internal static PixelRect? IsolateDigit(GrayImage image, Span<byte> digit) => Isolate(image, digit).Box;

    /// <summary>Whether anything stood out (the thresholds exist) and the digit's box.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (bool StandsOut, PixelRect? Box) Isolate(GrayImage image, Span<byte> digit)
    {
        int width = image.Width, height = image.Height, count = width * height;
        var bytes = ArrayPool<byte>.Shared.Rent(3 * count);
        var labelBuffer = ArrayPool<int>.Shared.Rent(count);
        try
        {
            var paper = bytes.AsSpan(0, count);
            var ink = bytes.AsSpan(count, count);
            var grown = bytes.AsSpan(2 * count, count);
            PaperBackground.Estimate(image, paper);
            InkMap.FromBackground(image.Pixels, paper, ink);
            double noise = InkMap.NoiseLevel(image.Pixels, width, height, paper);
            var levels = InkMap.Thresholds(ink, width, height, noise);
            if (levels is null) return (false, null);
            var labels = labelBuffer.AsSpan(0, count);
            labels.Clear();
            var components = InkComponents.Find(ink, width, levels.Value.High, labels);
            var chosenLabels = InkComponents.SelectDigit(components);
            var chosen = components.Where(c => chosenLabels.Contains(c.Label)).ToArray();
            grown.Clear();
            // The paper is not needed any more: its buffer takes the digit's mask with its rim.
            var rim = paper;
            var box = InkComponents.Grow(ink, width, labels, chosen, levels.Value.High, levels.Value.Low, grown, rim);
            byte level = StrokeLevel(ink, width, labels, chosen);
            if (box is null)
            {
                digit.Clear();
                return (true, null);
            }
            Stretch(ink, rim, width, box.Value, level, digit);
            return (true, box);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
            ArrayPool<int>.Shared.Return(labelBuffer);
        }
    }

    /// <summary>The level of the strokes' body: the 90th percentile of the chosen patches' pixels.</summary>
    public static byte StrokeLevel(GrayImage ink, int[] labels, IReadOnlySet<int> chosen) => StrokeLevel(ink, labels.AsSpan(), chosen);

    internal static byte StrokeLevel(GrayImage ink, ReadOnlySpan<int> labels, IReadOnlySet<int> chosen)
    {
        var whole = new PixelRect(0, 0, ink.Width, labels.Length / ink.Width);
        var patches = chosen.Where(label => label > 0).Select(label => new InkComponent(label, 0, 0, whole)).ToArray();
        return StrokeLevel(ink.Pixels.AsSpan(0, labels.Length), ink.Width, labels, patches);
    }

    /// <summary>The 90th percentile of the <paramref name="chosen"/> patches' pixels, each looked for inside its own box.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static byte StrokeLevel(ReadOnlySpan<byte> ink, int width, ReadOnlySpan<int> labels, ReadOnlySpan<InkComponent> chosen)
    {
        Span<int> counts = stackalloc int[256];
        int total = 0;
        foreach (var patch in chosen)
            for (int y = patch.Bounds.Top; y < patch.Bounds.Top + patch.Bounds.Height; y++)
                for (int x = patch.Bounds.Left, i = y * width + x; x < patch.Bounds.Left + patch.Bounds.Width; x++, i++)
                    if (labels[i] == patch.Label) { counts[ink[i]]++; total++; }
        int seen = 0;
        for (int level = 0; level < 256; level++)
        {
            seen += counts[level];
            if (seen >= total * 0.9) return (byte)Math.Max(1, level);
        }
        return 255;
    }

    /// <summary>The pixels inside <paramref name="mask"/> scaled so <paramref name="level"/> becomes 255; the rest black.</summary>
    public static GrayImage Stretch(GrayImage ink, bool[] mask, byte level)
    {
        var table = StretchTable(level);
        var result = new byte[ink.Pixels.Length];
        for (int i = 0; i < result.Length; i++)
            if (mask[i]) result[i] = table[ink.Pixels[i]];
        return new GrayImage(result, ink.Width, ink.Height);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Stretch(ReadOnlySpan<byte> ink, ReadOnlySpan<byte> mask, int width, PixelRect box, byte level, Span<byte> result)
    {
        var table = StretchTable(level);
        for (int y = box.Top; y < box.Top + box.Height; y++)
            for (int x = box.Left, i = y * width + x; x < box.Left + box.Width; x++, i++)
                result[i] = mask[i] != 0 ? table[ink[i]] : (byte)0;
    }

    /// <summary>Each level scaled so <paramref name="level"/> becomes 255, as the pixel-by-pixel double arithmetic rounds it.</summary>
    private static byte[] StretchTable(byte level)
    {
        var table = new byte[256];
        for (int v = 0; v < 256; v++) table[v] = (byte)Math.Min(255, (int)Math.Round(v * 255.0 / level));
        return table;
    }

    /// <summary>The smallest rectangle holding every pixel brighter than the threshold; null if none is.</summary>
    public static PixelRect? InkBounds(GrayImage ink, byte threshold = 0) =>
        InkBounds(ink.Pixels, ink.Width, new PixelRect(0, 0, ink.Width, ink.Height), threshold);

    /// <summary><see cref="InkBounds(GrayImage, byte)"/> looking only inside <paramref name="within"/> (the rest is known to be black).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static PixelRect? InkBounds(ReadOnlySpan<byte> ink, int width, PixelRect within, byte threshold)
    {
        if (threshold == 255) return null;
        int left = int.MaxValue, top = -1, right = -1, bottom = -1;
        for (int y = within.Top; y < within.Top + within.Height; y++)
        {
            var row = ink.Slice(y * width + within.Left, within.Width);
            int first = row.IndexOfAnyInRange((byte)(threshold + 1), (byte)255);
            if (first < 0) continue;
            int last = row.LastIndexOfAnyInRange((byte)(threshold + 1), (byte)255);
            if (top < 0) top = y;
            bottom = y;
            left = Math.Min(left, within.Left + first); right = Math.Max(right, within.Left + last);
        }
        return right < 0 ? null : new PixelRect(left, top, right - left + 1, bottom - top + 1);
    }

    public static GrayImage Crop(GrayImage image, PixelRect rect) => Crop(image.Pixels, image.Width, rect);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static GrayImage Crop(ReadOnlySpan<byte> pixels, int width, PixelRect rect)
    {
        var result = new byte[rect.Width * rect.Height];
        for (int y = 0; y < rect.Height; y++)
            pixels.Slice((rect.Top + y) * width + rect.Left, rect.Width).CopyTo(result.AsSpan(y * rect.Width));
        return new GrayImage(result, rect.Width, rect.Height);
    }

    /// <summary>
    /// Scales so the longer side is <paramref name="box"/> pixels, keeping the aspect ratio. Each target pixel is the
    /// area-weighted mean of the source pixels it covers, which gives the soft grey edges MNIST's anti-aliasing made.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static GrayImage ScaleToFit(GrayImage image, int box = BoxSize)
    {
        double scale = (double)box / Math.Max(image.Width, image.Height);
        int width = Math.Clamp((int)Math.Round(image.Width * scale), 1, box);
        int height = Math.Clamp((int)Math.Round(image.Height * scale), 1, box);
        double sx = (double)image.Width / width, sy = (double)image.Height / height;
        var result = new byte[width * height];
        for (int ty = 0; ty < height; ty++)
            for (int tx = 0; tx < width; tx++)
                result[ty * width + tx] = AreaMean(image, tx * sx, (tx + 1) * sx, ty * sy, (ty + 1) * sy);
        return new GrayImage(result, width, height);
    }

    /// <summary>The intensity-weighted mean position (x, y) in pixel indices; the middle when there is no ink.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (double X, double Y) CenterOfMass(GrayImage image)
    {
        double sum = 0, sx = 0, sy = 0;
        for (int y = 0; y < image.Height; y++)
            for (int x = 0; x < image.Width; x++)
            {
                double v = image[x, y];
                sum += v; sx += v * x; sy += v * y;
            }
        return sum == 0 ? ((image.Width - 1) / 2.0, (image.Height - 1) / 2.0) : (sx / sum, sy / sum);
    }

    /// <summary>
    /// Places the image in a blank square field, shifted by whole pixels so its centre of mass is nearest pixel
    /// (14, 14) of 28x28: where MNIST's own digits have it (their centres of mass lie between 13.5 and 14.5).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static GrayImage PlaceByCenterOfMass(GrayImage image, int size = FieldSize)
    {
        var (cx, cy) = CenterOfMass(image);
        double middle = size / 2.0;
        int dx = (int)Math.Round(middle - cx, MidpointRounding.AwayFromZero);
        int dy = (int)Math.Round(middle - cy, MidpointRounding.AwayFromZero);
        var result = new byte[size * size];
        for (int y = 0; y < image.Height; y++)
            for (int x = 0; x < image.Width; x++)
            {
                int fx = x + dx, fy = y + dy;
                if (fx >= 0 && fx < size && fy >= 0 && fy < size) result[fy * size + fx] = image[x, y];
            }
        return new GrayImage(result, size, size);
    }

    /// <summary>
    /// The area-weighted mean of the source pixels under [x0, x1) x [y0, y1). Each weight and product is the same
    /// expression, summed in the same order, as pixel by pixel through the image's indexer: only the loop bounds are
    /// worked out once and each row read directly.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static byte AreaMean(GrayImage image, double x0, double x1, double y0, double y1)
    {
        double sum = 0, area = 0;
        var pixels = image.Pixels;
        int width = image.Width;
        int firstX = (int)x0, endX = Math.Min(width, (int)Math.Ceiling(x1));
        int endY = Math.Min(image.Height, (int)Math.Ceiling(y1));
        for (int y = (int)y0; y < endY; y++)
        {
            double wy = Math.Min(y1, y + 1) - Math.Max(y0, y);
            if (wy <= 0) continue;
            var row = pixels.AsSpan(y * width, width);
            for (int x = firstX; x < endX; x++)
            {
                double wx = Math.Min(x1, x + 1) - Math.Max(x0, x);
                if (wx <= 0) continue;
                sum += row[x] * wx * wy;
                area += wx * wy;
            }
        }
        return area == 0 ? (byte)0 : (byte)Math.Clamp((int)Math.Round(sum / area), 0, 255);
    }
}

/// <summary>A rectangle of whole pixels.</summary>
public readonly record struct PixelRect(int Left, int Top, int Width, int Height);
