namespace Mnist.Core.Imaging.Pictures;

/// <summary>A picture made of an MNIST digit: RGB bytes and how it is to be encoded.</summary>
public sealed record RenderedPicture(byte[] Rgb, int Width, int Height, bool Jpeg, int Quality);

/// <summary>
/// Draws a 28x28 MNIST digit (ink bright on black) as a picture of it on paper: dark or coloured ink on a paper-like
/// background, scanned or photographed, with the distortion its <see cref="PictureKind"/> names. Everything random
/// comes from the caller's generator, so a seed gives the same picture every time.
/// </summary>
public static class DigitPhotographer
{
    /// <summary>The digit is supersampled by this factor before its strokes are thickened or thinned and drawn.</summary>
    private const int Supersample = 4;

    public static RenderedPicture Render(ReadOnlySpan<byte> digit, PictureKind kind, Random random)
    {
        if (digit.Length != 28 * 28) throw new ArgumentException("An MNIST digit has 784 pixels.", nameof(digit));
        var r = new Draw(random);
        var recipe = Recipe.For(kind, r, InkBox(digit));
        var strokes = Strokes(digit, recipe.StrokeRadius);
        var coverage = Coverage(strokes, recipe);
        if (recipe.Specks > 0) AddSpecks(coverage, recipe, r);
        var rgb = Compose(coverage, recipe, r);
        for (int pass = 0; pass < recipe.BlurPasses; pass++) BoxBlur(rgb, recipe.Width, recipe.Height);
        var bytes = new byte[rgb.Length];
        for (int i = 0; i < rgb.Length; i++) bytes[i] = (byte)Math.Clamp((int)Math.Round(rgb[i] * 255), 0, 255);
        return new RenderedPicture(bytes, recipe.Width, recipe.Height, recipe.Jpeg, recipe.Quality);
    }

    /// <summary>The ink's bounding box in the 28x28 digit (pixels above a quarter of full ink).</summary>
    internal static (double Left, double Top, double Right, double Bottom) InkBox(ReadOnlySpan<byte> digit)
    {
        int left = 28, top = 28, right = -1, bottom = -1;
        for (int y = 0; y < 28; y++)
            for (int x = 0; x < 28; x++)
                if (digit[y * 28 + x] > 64)
                {
                    left = Math.Min(left, x); right = Math.Max(right, x);
                    top = Math.Min(top, y); bottom = Math.Max(bottom, y);
                }
        return right < 0 ? (4, 4, 24, 24) : (left, top, right + 1, bottom + 1);
    }

    /// <summary>
    /// The digit supersampled (bilinear), its strokes grown (radius &gt; 0) or shrunk (radius &lt; 0) by a square max or
    /// min filter of that many supersampled pixels.
    /// </summary>
    private static float[] Strokes(ReadOnlySpan<byte> digit, int radius)
    {
        const int side = 28 * Supersample;
        var source = new float[28 * 28];
        for (int i = 0; i < source.Length; i++) source[i] = digit[i] / 255f;
        var grid = new float[side * side];
        for (int y = 0; y < side; y++)
            for (int x = 0; x < side; x++)
                grid[y * side + x] = Bilinear(source, 28, (x + 0.5) / Supersample - 0.5, (y + 0.5) / Supersample - 0.5);
        if (radius == 0) return grid;
        bool grow = radius > 0;
        int k = Math.Abs(radius);
        var row = new float[side * side];
        for (int y = 0; y < side; y++)
            for (int x = 0; x < side; x++)
                row[y * side + x] = Extreme(grid, side, x, y, k, 1, 0, grow);
        for (int y = 0; y < side; y++)
            for (int x = 0; x < side; x++)
                grid[y * side + x] = Extreme(row, side, x, y, k, 0, 1, grow);
        return grid;
    }

    private static float Extreme(float[] grid, int side, int x, int y, int k, int dx, int dy, bool max)
    {
        float best = max ? 0f : 1f;
        for (int d = -k; d <= k; d++)
        {
            int sx = x + d * dx, sy = y + d * dy;
            float v = sx < 0 || sy < 0 || sx >= side || sy >= side ? 0f : grid[sy * side + sx];
            best = max ? Math.Max(best, v) : Math.Min(best, v);
        }
        return best;
    }

    private static float Bilinear(float[] grid, int side, double x, double y)
    {
        int x0 = (int)Math.Floor(x), y0 = (int)Math.Floor(y);
        float fx = (float)(x - x0), fy = (float)(y - y0);
        float At(int px, int py) => px < 0 || py < 0 || px >= side || py >= side ? 0f : grid[py * side + px];
        return (At(x0, y0) * (1 - fx) + At(x0 + 1, y0) * fx) * (1 - fy) + (At(x0, y0 + 1) * (1 - fx) + At(x0 + 1, y0 + 1) * fx) * fy;
    }

    /// <summary>How much ink covers each canvas pixel (0-1): the strokes turned, scaled and placed, with pen-like edges.</summary>
    private static float[] Coverage(float[] strokes, Recipe recipe)
    {
        const int side = 28 * Supersample;
        var coverage = new float[recipe.Width * recipe.Height];
        double cos = Math.Cos(recipe.Angle), sin = Math.Sin(recipe.Angle);
        for (int y = 0; y < recipe.Height; y++)
            for (int x = 0; x < recipe.Width; x++)
            {
                // Canvas -> digit: undo the placement, the turn and the scale.
                double px = x + 0.5 - recipe.CenterX, py = y + 0.5 - recipe.CenterY;
                double u = (cos * px + sin * py) / recipe.Scale + recipe.InkCenterX;
                double v = (-sin * px + cos * py) / recipe.Scale + recipe.InkCenterY;
                float value = Bilinear(strokes, side, u * Supersample - 0.5, v * Supersample - 0.5);
                coverage[y * recipe.Width + x] = SmoothStep(0.3f, 0.7f, value);
            }
        return coverage;
    }

    private static float SmoothStep(float from, float to, float value)
    {
        float t = Math.Clamp((value - from) / (to - from), 0f, 1f);
        return t * t * (3 - 2 * t);
    }

    /// <summary>Dust specks anywhere, and a hair kept away from the digit.</summary>
    private static void AddSpecks(float[] coverage, Recipe recipe, Draw r)
    {
        int w = recipe.Width, h = recipe.Height;
        for (int s = 0; s < recipe.Specks; s++)
        {
            double cx = r.Between(0, w), cy = r.Between(0, h), radius = r.Between(0.6, 2.2), strength = r.Between(0.3, 0.9);
            Stamp(coverage, w, h, cx, cy, radius, (float)strength);
        }
        if (!recipe.Hair) return;
        for (int attempt = 0; attempt < 20; attempt++)
        {
            double length = Math.Min(w, h) * r.Between(0.15, 0.3);
            double x0 = r.Between(0, w), y0 = r.Between(0, h), angle = r.Between(0, 2 * Math.PI), bend = r.Between(-0.5, 0.5);
            double x2 = x0 + length * Math.Cos(angle), y2 = y0 + length * Math.Sin(angle);
            double x1 = (x0 + x2) / 2 - bend * (y2 - y0), y1 = (y0 + y2) / 2 + bend * (x2 - x0);
            var points = Enumerable.Range(0, 200).Select(i => i / 199.0)
                .Select(t => ((1 - t) * (1 - t) * x0 + 2 * (1 - t) * t * x1 + t * t * x2, (1 - t) * (1 - t) * y0 + 2 * (1 - t) * t * y1 + t * t * y2))
                .ToArray();
            double margin = recipe.Scale * 3;
            if (points.Any(p => Math.Abs(p.Item1 - recipe.CenterX) < recipe.HalfWidth + margin && Math.Abs(p.Item2 - recipe.CenterY) < recipe.HalfHeight + margin))
                continue;
            foreach (var (x, y) in points) Stamp(coverage, w, h, x, y, 0.6, 0.6f);
            return;
        }
    }

    private static void Stamp(float[] coverage, int w, int h, double cx, double cy, double radius, float strength)
    {
        for (int y = (int)Math.Floor(cy - radius - 1); y <= (int)Math.Ceiling(cy + radius + 1); y++)
            for (int x = (int)Math.Floor(cx - radius - 1); x <= (int)Math.Ceiling(cx + radius + 1); x++)
            {
                if (x < 0 || y < 0 || x >= w || y >= h) continue;
                double distance = Math.Sqrt((x + 0.5 - cx) * (x + 0.5 - cx) + (y + 0.5 - cy) * (y + 0.5 - cy));
                float value = strength * (float)Math.Clamp(radius + 0.5 - distance, 0, 1);
                coverage[y * w + x] = Math.Max(coverage[y * w + x], value);
            }
    }

    /// <summary>Paper, ink, light and sensor noise, as RGB in 0-1.</summary>
    private static float[] Compose(float[] coverage, Recipe recipe, Draw r)
    {
        int w = recipe.Width, h = recipe.Height;
        var texture = PaperTexture(w, h, r);
        var rgb = new float[w * h * 3];
        double dirX = Math.Cos(recipe.LightDirection), dirY = Math.Sin(recipe.LightDirection);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int i = y * w + x;
                double nx = 2.0 * (x + 0.5) / w - 1, ny = 2.0 * (y + 0.5) / h - 1;
                double gradient = (dirX * nx + dirY * ny) / Math.Sqrt(2);
                double light = (1 - recipe.Gradient * (1 + gradient) / 2) * (1 - recipe.Vignette * (nx * nx + ny * ny) / 2);
                double ink = coverage[i] * recipe.InkOpacity;
                double grain = r.Gaussian() * recipe.Noise;
                for (int c = 0; c < 3; c++)
                {
                    double paper = recipe.Paper[c] * (1 + texture[i]);
                    double value = (paper * (1 - ink) + recipe.Ink[c] * ink) * light;
                    rgb[i * 3 + c] = (float)(value + grain + r.Gaussian() * recipe.Noise * 0.3);
                }
            }
        return rgb;
    }

    /// <summary>Smooth, faint unevenness of the paper (about 2%), from a coarse random grid interpolated.</summary>
    private static float[] PaperTexture(int w, int h, Draw r)
    {
        const int cell = 16;
        int gw = w / cell + 2, gh = h / cell + 2;
        var grid = new float[gw * gh];
        for (int i = 0; i < grid.Length; i++) grid[i] = (float)r.Between(-0.02, 0.02);
        var texture = new float[w * h];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                texture[y * w + x] = Sample(grid, gw, (double)x / cell, (double)y / cell);
        return texture;
    }

    private static float Sample(float[] grid, int gw, double x, double y)
    {
        int x0 = (int)x, y0 = (int)y;
        float fx = (float)(x - x0), fy = (float)(y - y0);
        float At(int px, int py) => grid[py * gw + px];
        return (At(x0, y0) * (1 - fx) + At(x0 + 1, y0) * fx) * (1 - fy) + (At(x0, y0 + 1) * (1 - fx) + At(x0 + 1, y0 + 1) * fx) * fy;
    }

    /// <summary>A 3x3 box blur of each channel (a camera slightly out of focus).</summary>
    private static void BoxBlur(float[] rgb, int w, int h)
    {
        var source = (float[])rgb.Clone();
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int c = 0; c < 3; c++)
                {
                    float sum = 0; int n = 0;
                    for (int dy = -1; dy <= 1; dy++)
                        for (int dx = -1; dx <= 1; dx++)
                        {
                            int sx = x + dx, sy = y + dy;
                            if (sx < 0 || sy < 0 || sx >= w || sy >= h) continue;
                            sum += source[(sy * w + sx) * 3 + c]; n++;
                        }
                    rgb[(y * w + x) * 3 + c] = sum / n;
                }
    }
}
