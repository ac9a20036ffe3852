using System.Buffers;

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
    public static GrayImage? Prepare(GrayImage image)
    {
        var digit = IsolateDigit(image);
        if (digit is null) return null;
        var bounds = InkBounds(digit, CropThreshold) ?? InkBounds(digit, 0);
        if (bounds is null) return null;
        var cropped = Crop(digit, bounds.Value);
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
        var background = PaperBackground.Estimate(image);
        var ink = InkMap.FromBackground(image, background);
        var levels = InkMap.Thresholds(ink, InkMap.NoiseLevel(image, background));
        if (levels is null) return null;
        // The label map is as large as the picture (four bytes a pixel): a pooled one keeps it off the large-object heap.
        var rented = ArrayPool<int>.Shared.Rent(ink.Pixels.Length);
        try
        {
            var labels = rented.AsSpan(0, ink.Pixels.Length);
            labels.Clear();
            var components = InkComponents.Find(ink, levels.Value.High, labels);
            var chosen = InkComponents.SelectDigit(components);
            var mask = InkComponents.Grow(ink, labels, chosen, levels.Value.Low);
            return Stretch(ink, mask, StrokeLevel(ink, labels, chosen));
        }
        finally
        {
            ArrayPool<int>.Shared.Return(rented);
        }
    }

    /// <summary>The level of the strokes' body: the 90th percentile of the chosen patches' pixels.</summary>
    public static byte StrokeLevel(GrayImage ink, int[] labels, IReadOnlySet<int> chosen) => StrokeLevel(ink, labels.AsSpan(), chosen);

    internal static byte StrokeLevel(GrayImage ink, ReadOnlySpan<int> labels, IReadOnlySet<int> chosen)
    {
        var counts = new int[256];
        int total = 0;
        for (int i = 0; i < labels.Length; i++)
            if (labels[i] != 0 && chosen.Contains(labels[i])) { counts[ink.Pixels[i]]++; total++; }
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
        var result = new byte[ink.Pixels.Length];
        for (int i = 0; i < result.Length; i++)
            if (mask[i]) result[i] = (byte)Math.Min(255, (int)Math.Round(ink.Pixels[i] * 255.0 / level));
        return new GrayImage(result, ink.Width, ink.Height);
    }

    /// <summary>The smallest rectangle holding every pixel brighter than the threshold; null if none is.</summary>
    public static PixelRect? InkBounds(GrayImage ink, byte threshold = 0)
    {
        int left = ink.Width, top = ink.Height, right = -1, bottom = -1;
        for (int y = 0; y < ink.Height; y++)
            for (int x = 0; x < ink.Width; x++)
            {
                if (ink[x, y] <= threshold) continue;
                left = Math.Min(left, x); right = Math.Max(right, x);
                top = Math.Min(top, y); bottom = Math.Max(bottom, y);
            }
        return right < 0 ? null : new PixelRect(left, top, right - left + 1, bottom - top + 1);
    }

    public static GrayImage Crop(GrayImage image, PixelRect rect)
    {
        var result = new byte[rect.Width * rect.Height];
        for (int y = 0; y < rect.Height; y++)
            Array.Copy(image.Pixels, (rect.Top + y) * image.Width + rect.Left, result, y * rect.Width, rect.Width);
        return new GrayImage(result, rect.Width, rect.Height);
    }

    /// <summary>
    /// Scales so the longer side is <paramref name="box"/> pixels, keeping the aspect ratio. Each target pixel is the
    /// area-weighted mean of the source pixels it covers, which gives the soft grey edges MNIST's anti-aliasing made.
    /// </summary>
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

    private static byte AreaMean(GrayImage image, double x0, double x1, double y0, double y1)
    {
        double sum = 0, area = 0;
        for (int y = (int)y0; y < Math.Min(image.Height, (int)Math.Ceiling(y1)); y++)
        {
            double wy = Math.Min(y1, y + 1) - Math.Max(y0, y);
            if (wy <= 0) continue;
            for (int x = (int)x0; x < Math.Min(image.Width, (int)Math.Ceiling(x1)); x++)
            {
                double wx = Math.Min(x1, x + 1) - Math.Max(x0, x);
                if (wx <= 0) continue;
                sum += image[x, y] * wx * wy;
                area += wx * wy;
            }
        }
        return area == 0 ? (byte)0 : (byte)Math.Clamp((int)Math.Round(sum / area), 0, 255);
    }
}

/// <summary>A rectangle of whole pixels.</summary>
public readonly record struct PixelRect(int Left, int Top, int Width, int Height);
