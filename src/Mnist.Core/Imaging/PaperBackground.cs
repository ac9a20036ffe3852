using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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

    /// <summary>The terms padded to whole vectors of four doubles (the padding stays zero).</summary>
    private const int Padded = 12;

    /// <summary>At most <see cref="CellsPerSide"/> cells along either side (the cell is at least the longer side over it).</summary>
    private const int MaxCells = CellsPerSide * CellsPerSide;

    /// <summary>The paper's level at every pixel.</summary>
    public static GrayImage Estimate(GrayImage image)
    {
        var paper = new byte[image.Width * image.Height];
        Estimate(image, paper);
        return new GrayImage(paper, image.Width, image.Height);
    }

    /// <summary><see cref="Estimate(GrayImage)"/> into <paramref name="paper"/> (one byte per pixel): the chain's own buffer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Estimate(GrayImage image, Span<byte> paper)
    {
        // Each cell's powers of its centre (the terms of the cubic), its median level and whether it lies on the edge.
        var powers = ArrayPool<double>.Shared.Rent(MaxCells * Padded);
        try
        {
            Span<double> levels = stackalloc double[MaxCells];
            Span<bool> onEdge = stackalloc bool[MaxCells];
            Span<double> xs = stackalloc double[MaxCells], ys = stackalloc double[MaxCells];
            int count = CellMedians(image, levels, onEdge, xs, ys);
            var cellPowers = powers.AsSpan(0, count * Padded);
            cellPowers.Clear();
            for (int i = 0; i < count; i++) Powers(xs[i], ys[i], cellPowers.Slice(i * Padded, Terms));

            Span<bool> included = stackalloc bool[count], next = stackalloc bool[count];
            onEdge[..count].CopyTo(included);
            Span<double> coefficients = stackalloc double[Terms];
            Fit(cellPowers, levels[..count], included, coefficients);
            Span<double> residuals = stackalloc double[count], spreads = stackalloc double[count];
            for (int round = 0; round < 4; round++)
            {
                int kept = 0;
                for (int i = 0; i < count; i++)
                {
                    residuals[i] = levels[i] - Evaluate(coefficients, xs[i], ys[i]);
                    if (included[i]) spreads[kept++] = Math.Abs(residuals[i]);
                }
                double spread = 1.4826 * Median(spreads[..kept]);
                double limit = Math.Max(3 * spread, 4);
                int near = 0;
                for (int i = 0; i < count; i++)
                    if (next[i] = Math.Abs(residuals[i]) <= limit) near++;
                if (near < Terms * 2) break;
                // The cells just fitted again: the fit would give the same coefficients, and every later round the same.
                if (next.SequenceEqual(included)) break;
                next.CopyTo(included);
                Fit(cellPowers, levels[..count], included, coefficients);
            }
            Surface(coefficients, image.Width, image.Height, paper);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(powers);
        }
    }

    /// <summary>
    /// The fitted surface at every pixel, rounded: <see cref="Evaluate"/>'s sum term by term in its order, with the
    /// factors that depend on x alone or y alone computed once per column and row (each product rounded as there).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Surface(ReadOnlySpan<double> c, int width, int height, Span<byte> result)
    {
        var rented = ArrayPool<double>.Shared.Rent(6 * width);
        try
        {
            var columns = rented.AsSpan(0, 6 * width);
            Span<double> c1x = columns[..width], c3xx = columns.Slice(width, width), c4x = columns.Slice(2 * width, width);
            Span<double> c6xxx = columns.Slice(3 * width, width), c7xx = columns.Slice(4 * width, width), c8x = columns.Slice(5 * width, width);
            for (int x = 0; x < width; x++)
            {
                double nx = Normalised(x + 0.5, 0.5, width, height).X;
                // The sum's first addition depends on x alone: c[0] + c[1] x is made once per column.
                c1x[x] = c[0] + c[1] * nx; c3xx[x] = c[3] * nx * nx; c4x[x] = c[4] * nx;
                c6xxx[x] = c[6] * nx * nx * nx; c7xx[x] = c[7] * nx * nx; c8x[x] = c[8] * nx;
            }
            bool vectors = Avx.IsSupported && AllFinite(c);
            for (int y = 0; y < height; y++)
            {
                double ny = Normalised(0.5, y + 0.5, width, height).Y;
                double c2y = c[2] * ny, c5yy = c[5] * ny * ny, c9yyy = c[9] * ny * ny * ny;
                var row = result.Slice(y * width, width);
                int x = 0;
                if (vectors)
                {
                    // The same sum lane by lane: IEEE additions, products and round-to-even give the scalar loop's bits.
                    var t = new RowTerms(Vector256.Create(c2y), Vector256.Create(c5yy), Vector256.Create(c9yyy), Vector256.Create(ny));
                    ref double first = ref MemoryMarshal.GetReference((ReadOnlySpan<double>)columns);
                    for (; x <= width - 16; x += 16)
                    {
                        var low = Sse2.PackSignedSaturate(Levels(ref first, width, x, t), Levels(ref first, width, x + 4, t));
                        var high = Sse2.PackSignedSaturate(Levels(ref first, width, x + 8, t), Levels(ref first, width, x + 12, t));
                        Sse2.PackUnsignedSaturate(low, high).CopyTo(row.Slice(x, 16));
                    }
                }
                for (; x < row.Length; x++)
                {
                    double sum = c1x[x] + c2y + c3xx[x] + c4x[x] * ny + c5yy + c6xxx[x] + c7xx[x] * ny + c8x[x] * ny * ny + c9yyy;
                    row[x] = (byte)Math.Clamp((int)Math.Round(sum), 0, 255);
                }
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(rented);
        }
    }

    private readonly record struct RowTerms(Vector256<double> C2Y, Vector256<double> C5YY, Vector256<double> C9YYY, Vector256<double> Y);

    /// <summary>Four pixels' levels from column <paramref name="at"/>, as ints 0-255.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Vector128<int> Levels(ref double columns, int width, int at, in RowTerms t)
    {
        Vector256<double> Column(ref double columns, int term) => Vector256.LoadUnsafe(ref columns, (nuint)(term * width + at));
        var sum = Column(ref columns, 0) + t.C2Y + Column(ref columns, 1) + Column(ref columns, 2) * t.Y + t.C5YY
            + Column(ref columns, 3) + Column(ref columns, 4) * t.Y + Column(ref columns, 5) * t.Y * t.Y + t.C9YYY;
        return Avx.ConvertToVector128Int32(Avx.Min(Avx.Max(Avx.RoundToNearestInteger(sum), Vector256<double>.Zero), Vector256.Create(255.0)));
    }

    private static bool AllFinite(ReadOnlySpan<double> values)
    {
        foreach (var v in values) if (!double.IsFinite(v)) return false;
        return true;
    }

    /// <summary>
    /// Each cell's median level, centre and whether it touches the picture's edge, row by row; returns how many cells.
    /// A band of cells at a time: each cell's pixels gathered into a run of their own (padded with 255 to whole vectors),
    /// then each cell's median found bit by bit, counting in vectors how many of its pixels lie below each candidate.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int CellMedians(GrayImage image, Span<double> levels, Span<bool> onEdge, Span<double> xs, Span<double> ys)
    {
        int width = image.Width, height = image.Height;
        int size = Math.Max(2, (int)Math.Ceiling(Math.Max(width, height) / (double)CellsPerSide));
        int across = (width + size - 1) / size;
        int run = (size * size + MedianRun - 1) / MedianRun * MedianRun;
        var gathered = ArrayPool<byte>.Shared.Rent(across * run);
        try
        {
            int cell = 0;
            for (int top = 0; top < height; top += size)
            {
                int bottom = Math.Min(height, top + size);
                for (int y = top; y < bottom; y++)
                {
                    var row = image.Pixels.AsSpan(y * width, width);
                    for (int c = 0, left = 0; left < width; c++, left += size)
                    {
                        int right = Math.Min(width, left + size);
                        row[left..right].CopyTo(gathered.AsSpan(c * run + (y - top) * (right - left)));
                    }
                }
                for (int c = 0, left = 0; left < width; c++, left += size)
                {
                    int right = Math.Min(width, left + size);
                    int count = (bottom - top) * (right - left);
                    var pixels = gathered.AsSpan(c * run, (count + MedianRun - 1) / MedianRun * MedianRun);
                    pixels[count..].Fill(255);
                    levels[cell] = MedianOf(pixels, count);
                    (xs[cell], ys[cell]) = Normalised((left + right) / 2.0, (top + bottom) / 2.0, width, height);
                    onEdge[cell] = left == 0 || top == 0 || right == width || bottom == height;
                    cell++;
                }
            }
            return cell;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(gathered);
        }
    }

    /// <summary>A cell's pixels are gathered into whole runs of this many bytes (padded with 255) for <see cref="MedianOf"/>.</summary>
    private const int MedianRun = 32;

    /// <summary>
    /// The level at index <c>count / 2</c> of the first <paramref name="count"/> levels sorted (as
    /// <see cref="Histogram.Median"/> of their counts): the largest level with at most <c>count / 2</c> of them below it,
    /// built from the highest bit down. The padding (255) is never below a level. The levels are flipped in place to
    /// signed bytes first (x ^ 0x80 keeps their order), so each candidate costs one signed compare per vector.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static byte MedianOf(Span<byte> padded, int count)
    {
        ref byte first = ref MemoryMarshal.GetReference(padded);
        int half = count / 2, median = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var flip = Vector256.Create((byte)0x80);
            for (int i = 0; i < padded.Length; i += Vector256<byte>.Count)
                (Vector256.LoadUnsafe(ref first, (nuint)i) ^ flip).StoreUnsafe(ref first, (nuint)i);
            for (int bit = 128; bit > 0; bit >>= 1)
            {
                int candidate = median | bit;
                var limit = Vector256.Create(unchecked((sbyte)(candidate ^ 0x80)));
                int below = 0;
                for (int i = 0; i < padded.Length; i += Vector256<byte>.Count)
                    below += BitOperations.PopCount(Vector256.LessThan(Vector256.LoadUnsafe(ref first, (nuint)i).AsSByte(), limit).ExtractMostSignificantBits());
                if (below <= half) median = candidate;
            }
            return (byte)median;
        }
        for (int bit = 128; bit > 0; bit >>= 1)
        {
            int candidate = median | bit;
            var limit = Vector128.Create((byte)candidate);
            int below = 0;
            for (int i = 0; i < padded.Length; i += Vector128<byte>.Count)
                below += BitOperations.PopCount(Vector128.LessThan(Vector128.LoadUnsafe(ref first, (nuint)i), limit).ExtractMostSignificantBits());
            if (below <= half) median = candidate;
        }
        return (byte)median;
    }

    private static (double X, double Y) Normalised(double x, double y, int width, int height) =>
        (2 * x / width - 1, 2 * y / height - 1);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Powers(double x, double y, Span<double> p)
    {
        p[0] = 1; p[1] = x; p[2] = y; p[3] = x * x; p[4] = x * y; p[5] = y * y;
        p[6] = x * x * x; p[7] = x * x * y; p[8] = x * y * y; p[9] = y * y * y;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double Evaluate(ReadOnlySpan<double> c, double x, double y) =>
        c[0] + c[1] * x + c[2] * y + c[3] * x * x + c[4] * x * y + c[5] * y * y
        + c[6] * x * x * x + c[7] * x * x * y + c[8] * x * y * y + c[9] * y * y * y;

    /// <summary>
    /// Least squares over the included cells (normal equations, with a little ridge so few cells still solve). Every
    /// entry of the normal matrix is its own sum over the cells in their order, so summing a whole row at a time in
    /// vectors (the lower triangle too: p[r] * p[c] is p[c] * p[r] to the bit) gives each entry's bits as summing one
    /// entry at a time does; no multiply-add is fused.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Fit(ReadOnlySpan<double> powers, ReadOnlySpan<double> levels, ReadOnlySpan<bool> included, Span<double> coefficients)
    {
        Span<int> cells = stackalloc int[included.Length];
        int count = 0;
        for (int i = 0; i < included.Length; i++) if (included[i]) cells[count++] = i;
        cells = cells[..count];
        ref double p = ref MemoryMarshal.GetReference(powers);
        var a = new double[Terms, Terms];
        var b = new double[Terms];
        Span<double> sums = stackalloc double[2 * Padded];
        // Two rows of the normal matrix at a time, over the cells in their order, three vectors of four entries each;
        // row Terms is the right-hand side (each power times the cell's level), row Terms + 1 a spare of zeros.
        for (int r = 0; r <= Terms; r += 2)
        {
            var (s0, s1, s2) = (Vector256<double>.Zero, Vector256<double>.Zero, Vector256<double>.Zero);
            var (t0, t1, t2) = (Vector256<double>.Zero, Vector256<double>.Zero, Vector256<double>.Zero);
            foreach (int i in cells)
            {
                nuint at = (nuint)(i * Padded);
                var (p0, p1, p2) = (Vector256.LoadUnsafe(ref p, at), Vector256.LoadUnsafe(ref p, at + 4), Vector256.LoadUnsafe(ref p, at + 8));
                var first = Vector256.Create(r < Terms ? Unsafe.Add(ref p, at + (nuint)r) : levels[i]);
                var second = Vector256.Create(r + 1 < Terms ? Unsafe.Add(ref p, at + (nuint)r + 1) : 0);
                s0 += p0 * first; s1 += p1 * first; s2 += p2 * first;
                t0 += p0 * second; t1 += p1 * second; t2 += p2 * second;
            }
            s0.CopyTo(sums); s1.CopyTo(sums[4..]); s2.CopyTo(sums[8..]);
            t0.CopyTo(sums[Padded..]); t1.CopyTo(sums[(Padded + 4)..]); t2.CopyTo(sums[(Padded + 8)..]);
            for (int c = 0; c < Terms; c++)
            {
                if (r < Terms) a[r, c] = sums[c]; else b[c] = sums[c];
                if (r + 1 < Terms) a[r + 1, c] = sums[Padded + c];
            }
        }
        for (int r = 0; r < Terms; r++) a[r, r] += 1e-6 + (r == 0 ? 0 : 1e-3);
        Solve(a, b).CopyTo(coefficients);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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

    /// <summary>The element at index <c>Length / 2</c> of the values sorted (0 for none), found by selection; the values are reordered.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double Median(Span<double> values)
    {
        if (values.Length == 0) return 0;
        foreach (var v in values)
            if (double.IsNaN(v)) { values.Sort(); return values[values.Length / 2]; }
        int k = values.Length / 2, low = 0, high = values.Length - 1;
        while (low < high)
        {
            double pivot = values[(low + high) >>> 1];
            int i = low, j = high;
            while (i <= j)
            {
                while (values[i] < pivot) i++;
                while (values[j] > pivot) j--;
                if (i <= j) { (values[i], values[j]) = (values[j], values[i]); i++; j--; }
            }
            if (k <= j) high = j;
            else if (k >= i) low = i;
            else break;
        }
        return values[k];
    }
}
