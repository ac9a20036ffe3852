using System.Runtime.CompilerServices;

namespace Mnist.Core.Imaging;

/// <summary>
/// Measures how wide a digit's strokes are and brings them near MNIST's, so a marker's or a fine pen's digit looks
/// to a model like the digits it learnt from.
/// </summary>
public static class StrokeWidth
{
    /// <summary>
    /// The median stroke width of MNIST's test digits in their 20-pixel box, by <see cref="Estimate"/> at level 128.
    /// </summary>
    public const double Mnist = 2.6;

    /// <summary>
    /// Thick strokes are thinned to this multiple of the target, in the upper part of MNIST's own range, not to the
    /// target itself: a marker's loops are often filled, and thinning them hard leaves a skeleton with blobs (on the
    /// picture set, thinning to the target read fewer thick digits than not thinning at all).
    /// </summary>
    public const double ThinnedTo = 1.4;

    /// <summary>
    /// The mean stroke width in pixels: twice the area of the pixels above <paramref name="threshold"/> over the
    /// number of them on the edge (a stroke of width w and length l has area w*l and about 2l edge pixels). 0 without ink.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double Estimate(GrayImage image, byte threshold = 128)
    {
        int area = 0, edge = 0;
        var pixels = image.Pixels;
        int width = image.Width, height = image.Height;
        for (int y = 0; y < height; y++)
        {
            int row = y * width;
            for (int x = 0; x < width; x++)
            {
                int i = row + x;
                if (pixels[i] < threshold) continue;
                area++;
                bool inner = x > 0 && y > 0 && x < width - 1 && y < height - 1
                    && pixels[i - 1] >= threshold && pixels[i + 1] >= threshold && pixels[i - width] >= threshold && pixels[i + width] >= threshold;
                if (!inner) edge++;
            }
        }
        return edge == 0 ? 0 : 2.0 * area / edge;
    }

    /// <summary>
    /// Thins (a minimum filter) or thickens (a maximum filter) the strokes of a digit cropped to its ink: thin strokes
    /// to <paramref name="target"/> pixels, thick ones to <see cref="ThinnedTo"/> times it; strokes from 0.6 to 1.8
    /// times the target are left alone (MNIST's own digits range about that much, and a model has learnt them all). The
    /// image is padded first so grown strokes are not cut; the result is cropped to its ink again.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static GrayImage Normalise(GrayImage digit, double target)
    {
        double width = Estimate(digit);
        if (width == 0 || (width <= 1.8 * target && width >= 0.6 * target)) return digit;
        double aim = width > target ? ThinnedTo * target : target;
        int radius = (int)Math.Round(Math.Abs(width - aim) / 2);
        if (radius == 0) return digit;
        bool thicken = width < target;
        var padded = Pad(digit, thicken ? radius : 0);
        var filtered = Filter(Filter(padded, radius, 1, 0, thicken), radius, 0, 1, thicken);
        var bounds = DigitPreprocessor.InkBounds(filtered, 0);
        return bounds is null ? digit : DigitPreprocessor.Crop(filtered, bounds.Value);
    }

    private static GrayImage Pad(GrayImage image, int margin)
    {
        if (margin == 0) return image;
        int width = image.Width + 2 * margin, height = image.Height + 2 * margin;
        var pixels = new byte[width * height];
        for (int y = 0; y < image.Height; y++)
            Array.Copy(image.Pixels, y * image.Width, pixels, (y + margin) * width + margin, image.Width);
        return new GrayImage(pixels, width, height);
    }

    /// <summary>A one-dimensional maximum or minimum filter along (dx, dy); outside the image is paper.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static GrayImage Filter(GrayImage image, int radius, int dx, int dy, bool maximum)
    {
        var result = new byte[image.Pixels.Length];
        for (int y = 0; y < image.Height; y++)
            for (int x = 0; x < image.Width; x++)
            {
                int best = maximum ? 0 : 255;
                for (int d = -radius; d <= radius; d++)
                {
                    int sx = x + d * dx, sy = y + d * dy;
                    int v = sx < 0 || sy < 0 || sx >= image.Width || sy >= image.Height ? 0 : image[sx, sy];
                    best = maximum ? Math.Max(best, v) : Math.Min(best, v);
                }
                result[y * image.Width + x] = (byte)best;
            }
        return new GrayImage(result, image.Width, image.Height);
    }
}
