using System.Numerics;

namespace Mnist.Core.Imaging;

/// <summary>
/// Estimates the paper under a digit as a smooth surface, so a gradient of light, dark corners or a grey page can be
/// taken away before the ink is looked for. The picture is cut into cells; each cell's median is the paper there
/// unless ink covers most of it; a cubic surface in x and y is fitted first to the cells along the picture's edge
/// (mostly paper, even where a digit fills the middle), then to every cell near the fit, leaving out the cells far
/// from it (the ink). A cubic follows a lamp's gradient and a lens's vignetting; it cannot follow a sharp shadow.
/// </summary>
public static class PaperBackground
{
    /// <summary>Cells along the longer side of the picture.</summary>
    public const int CellsPerSide = 24;

    private const int Terms = 10;

    /// <summary>The paper's level at every pixel.</summary>
    public static GrayImage Estimate(GrayImage image)
    {
        var cells = CellMedians(image);
        var included = cells.Select(c => c.OnEdge).ToArray();
        double[] coefficients = Fit(cells, included);
        for (int round = 0; round < 4; round++)
        {
            var residuals = cells.Select(c => c.Level - Evaluate(coefficients, c.X, c.Y)).ToArray();
            double spread = 1.4826 * Median(residuals.Where((_, i) => included[i]).Select(Math.Abs).ToArray());
            double limit = Math.Max(3 * spread, 4);
            var next = residuals.Select(r => Math.Abs(r) <= limit).ToArray();
            if (next.Count(x => x) < Terms * 2) break;
            included = next;
            coefficients = Fit(cells, included);
        }
        return new GrayImage(Surface(coefficients, image.Width, image.Height), image.Width, image.Height);
    }

    /// <summary>
    /// The fitted surface at every pixel, rounded: <see cref="Evaluate"/>'s sum term by term in its order, with the
    /// factors that depend on x alone or y alone computed once per column and row (each product rounded as there).
    /// </summary>
    private static byte[] Surface(double[] c, int width, int height)
    {
        var c1x = new double[width]; var c3xx = new double[width]; var c4x = new double[width];
        var c6xxx = new double[width]; var c7xx = new double[width]; var c8x = new double[width];
        for (int x = 0; x < width; x++)
        {
            double nx = Normalised(x + 0.5, 0.5, width, height).X;
            c1x[x] = c[1] * nx; c3xx[x] = c[3] * nx * nx; c4x[x] = c[4] * nx;
            c6xxx[x] = c[6] * nx * nx * nx; c7xx[x] = c[7] * nx * nx; c8x[x] = c[8] * nx;
        }
        var result = new byte[width * height];
        bool vectors = Vector.IsHardwareAccelerated && c.All(double.IsFinite);
        Span<long> lanes = stackalloc long[Vector<double>.Count];
        for (int y = 0; y < height; y++)
        {
            double ny = Normalised(0.5, y + 0.5, width, height).Y;
            double c2y = c[2] * ny, c5yy = c[5] * ny * ny, c9yyy = c[9] * ny * ny * ny;
            var row = result.AsSpan(y * width, width);
            int x = 0;
            if (vectors)
            {
                // The same sum lane by lane: IEEE additions, products and round-to-even give the scalar loop's bits.
                var (v0, v2, v5, v9, vy) = (new Vector<double>(c[0]), new Vector<double>(c2y), new Vector<double>(c5yy), new Vector<double>(c9yyy), new Vector<double>(ny));
                var (zero, top) = (Vector<double>.Zero, new Vector<double>(255));
                for (; x <= width - Vector<double>.Count; x += Vector<double>.Count)
                {
                    var sum = v0 + new Vector<double>(c1x, x) + v2 + new Vector<double>(c3xx, x) + new Vector<double>(c4x, x) * vy + v5
                        + new Vector<double>(c6xxx, x) + new Vector<double>(c7xx, x) * vy + new Vector<double>(c8x, x) * vy * vy + v9;
                    Vector.ConvertToInt64(Vector.Min(Vector.Max(Vector.Round(sum), zero), top)).CopyTo(lanes);
                    for (int k = 0; k < lanes.Length; k++) row[x + k] = (byte)lanes[k];
                }
            }
            for (; x < row.Length; x++)
            {
                double sum = c[0] + c1x[x] + c2y + c3xx[x] + c4x[x] * ny + c5yy + c6xxx[x] + c7xx[x] * ny + c8x[x] * ny * ny + c9yyy;
                row[x] = (byte)Math.Clamp((int)Math.Round(sum), 0, 255);
            }
        }
        return result;
    }

    private readonly record struct Cell(double X, double Y, double Level, bool OnEdge);

    private static List<Cell> CellMedians(GrayImage image)
    {
        int size = Math.Max(2, (int)Math.Ceiling(Math.Max(image.Width, image.Height) / (double)CellsPerSide));
        var cells = new List<Cell>();
        Span<int> counts = stackalloc int[256];
        for (int top = 0; top < image.Height; top += size)
            for (int left = 0; left < image.Width; left += size)
            {
                int bottom = Math.Min(image.Height, top + size), right = Math.Min(image.Width, left + size);
                int lowest = 255, highest = 0;
                for (int y = top; y < bottom; y++)
                    foreach (var level in image.Pixels.AsSpan(y * image.Width + left, right - left))
                    {
                        counts[level]++;
                        lowest = Math.Min(lowest, level); highest = Math.Max(highest, level);
                    }
                var levels = counts[lowest..(highest + 1)];
                byte median = (byte)(lowest + Histogram.Median(levels, (bottom - top) * (right - left)));
                levels.Clear();
                var (nx, ny) = Normalised((left + right) / 2.0, (top + bottom) / 2.0, image.Width, image.Height);
                cells.Add(new Cell(nx, ny, median, left == 0 || top == 0 || right == image.Width || bottom == image.Height));
            }
        return cells;
    }

    private static (double X, double Y) Normalised(double x, double y, int width, int height) =>
        (2 * x / width - 1, 2 * y / height - 1);

    private static void Powers(double x, double y, Span<double> p)
    {
        p[0] = 1; p[1] = x; p[2] = y; p[3] = x * x; p[4] = x * y; p[5] = y * y;
        p[6] = x * x * x; p[7] = x * x * y; p[8] = x * y * y; p[9] = y * y * y;
    }

    private static double Evaluate(double[] c, double x, double y) =>
        c[0] + c[1] * x + c[2] * y + c[3] * x * x + c[4] * x * y + c[5] * y * y
        + c[6] * x * x * x + c[7] * x * x * y + c[8] * x * y * y + c[9] * y * y * y;

    /// <summary>Least squares over the included cells (normal equations, with a little ridge so few cells still solve).</summary>
    private static double[] Fit(List<Cell> cells, bool[] included)
    {
        var b = new double[Terms];
        Span<double> p = stackalloc double[Terms];
        Span<double> sums = stackalloc double[Terms * Terms];
        sums.Clear();
        for (int i = 0; i < cells.Count; i++)
        {
            if (!included[i]) continue;
            Powers(cells[i].X, cells[i].Y, p);
            for (int r = 0; r < Terms; r++)
            {
                b[r] += p[r] * cells[i].Level;
                // p[r] * p[c] is p[c] * p[r] to the bit: the lower triangle is the upper's mirror.
                var row = sums.Slice(r * Terms, Terms);
                for (int c = r; c < Terms; c++) row[c] += p[r] * p[c];
            }
        }
        var a = new double[Terms, Terms];
        for (int r = 0; r < Terms; r++)
            for (int c = 0; c < Terms; c++) a[r, c] = r <= c ? sums[r * Terms + c] : sums[c * Terms + r];
        for (int r = 0; r < Terms; r++) a[r, r] += 1e-6 + (r == 0 ? 0 : 1e-3);
        return Solve(a, b);
    }

    private static double[] Solve(double[,] a, double[] b)
    {
        int n = b.Length;
        for (int col = 0; col < n; col++)
        {
            int pivot = col;
            for (int r = col + 1; r < n; r++) if (Math.Abs(a[r, col]) > Math.Abs(a[pivot, col])) pivot = r;
            for (int c = 0; c < n; c++) (a[col, c], a[pivot, c]) = (a[pivot, c], a[col, c]);
            (b[col], b[pivot]) = (b[pivot], b[col]);
            for (int r = 0; r < n; r++)
            {
                if (r == col || a[col, col] == 0) continue;
                double factor = a[r, col] / a[col, col];
                for (int c = col; c < n; c++) a[r, c] -= factor * a[col, c];
                b[r] -= factor * b[col];
            }
        }
        var x = new double[n];
        for (int i = 0; i < n; i++) x[i] = a[i, i] == 0 ? 0 : b[i] / a[i, i];
        return x;
    }

    private static double Median(double[] values)
    {
        if (values.Length == 0) return 0;
        Array.Sort(values);
        return values[values.Length / 2];
    }
}
