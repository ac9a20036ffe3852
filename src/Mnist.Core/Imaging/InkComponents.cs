using System.Buffers;
using System.Runtime.Intrinsics;
using System.Runtime.CompilerServices;

namespace Mnist.Core.Imaging;

/// <summary>A connected patch of ink: its label in the label map, its ink (sum of levels), pixels and bounds.</summary>
public sealed record InkComponent(int Label, long Mass, int Area, PixelRect Bounds);

/// <summary>
/// Finds the digit among the ink: specks, dust, a hair or the shadow of the page's edge are patches of their own,
/// apart from the digit; the digit is the heaviest patch together with the patches close to it (a 5 whose bar is
/// not joined, a stroke broken by a thin pen or a JPEG).
/// </summary>
public static class InkComponents
{
    /// <summary>Labels 8-connected patches of pixels above <paramref name="threshold"/> (label 0 is paper).</summary>
    public static (int[] Labels, IReadOnlyList<InkComponent> Components) Find(GrayImage ink, byte threshold)
    {
        var labels = new int[ink.Pixels.Length];
        return (labels, Find(ink, threshold, labels));
    }

    /// <summary><see cref="Find(GrayImage, byte)"/> into <paramref name="labels"/> (zeros, one per pixel): the chain's own buffer, not a new large array per picture.</summary>
    internal static List<InkComponent> Find(GrayImage ink, byte threshold, Span<int> labels) =>
        Find(ink.Pixels.AsSpan(0, labels.Length), ink.Width, threshold, labels);

    /// <summary>
    /// Patches numbered in the order of their first pixel row by row, as a scan that starts a patch at each unlabelled
    /// pixel above the threshold numbers them: found as runs joined into patches (<see cref="InkRuns"/>), each run's
    /// pixels labelled, weighed and counted at once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static List<InkComponent> Find(ReadOnlySpan<byte> ink, int width, byte threshold, Span<int> labels)
    {
        var components = new List<InkComponent>();
        if (threshold == 255) return components;
        using var runs = InkRuns.Find(ink, width, threshold);
        var labelOf = ArrayPool<int>.Shared.Rent(runs.Count);
        try
        {
            var patches = new List<(long Mass, int Area, int Left, int Top, int Right, int Bottom)>();
            for (int run = 0; run < runs.Count; run++)
            {
                int root = runs.Root(run);
                int label = root == run ? patches.Count + 1 : labelOf[root];
                labelOf[run] = label;
                int y = runs.Row(run), start = runs.Start(run), end = runs.End(run);
                labels.Slice(y * width + start, end - start).Fill(label);
                long mass = 0;
                foreach (byte level in ink.Slice(y * width + start, end - start)) mass += level;
                if (label > patches.Count) patches.Add((mass, end - start, start, y, end - 1, y));
                else
                {
                    var p = patches[label - 1];
                    patches[label - 1] = (p.Mass + mass, p.Area + end - start, Math.Min(p.Left, start), p.Top, Math.Max(p.Right, end - 1), y);
                }
            }
            for (int i = 0; i < patches.Count; i++)
            {
                var p = patches[i];
                components.Add(new InkComponent(i + 1, p.Mass, p.Area, new PixelRect(p.Left, p.Top, p.Right - p.Left + 1, p.Bottom - p.Top + 1)));
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(labelOf);
        }
        return components;
    }

    /// <summary>
    /// The labels that make up the digit: the heaviest patch, then, until nothing changes, every patch near the digit
    /// so far: touching its box (within 5% of its size) if it has at least 1% of the heaviest patch's ink, or within
    /// 30% of its size if it has at least 8%.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static IReadOnlySet<int> SelectDigit(IReadOnlyList<InkComponent> components)
    {
        var chosen = new HashSet<int>();
        if (components.Count == 0) return chosen;
        var heaviest = components.MaxBy(c => c.Mass)!;
        chosen.Add(heaviest.Label);
        var box = heaviest.Bounds;
        bool grew = true;
        while (grew)
        {
            grew = false;
            double size = Math.Max(box.Width, box.Height);
            foreach (var c in components)
            {
                if (chosen.Contains(c.Label)) continue;
                double gap = Gap(box, c.Bounds);
                bool keep = (gap <= 0.05 * size && c.Mass >= 0.01 * heaviest.Mass) || (gap <= 0.3 * size && c.Mass >= 0.08 * heaviest.Mass);
                if (!keep) continue;
                chosen.Add(c.Label);
                box = Union(box, c.Bounds);
                grew = true;
            }
        }
        return chosen;
    }

    /// <summary>
    /// The digit's pixels: the chosen patches, grown through neighbouring pixels above <paramref name="low"/> (the faint
    /// edges of strokes), then by one pixel all round for the anti-aliased rim.
    /// </summary>
    public static bool[] Grow(GrayImage ink, int[] labels, IReadOnlySet<int> chosen, byte low) => Grow(ink, labels.AsSpan(), chosen, low);

    internal static bool[] Grow(GrayImage ink, ReadOnlySpan<int> labels, IReadOnlySet<int> chosen, byte low)
    {
        int count = labels.Length;
        var grown = ArrayPool<byte>.Shared.Rent(count);
        var rim = new byte[count];
        try
        {
            grown.AsSpan(0, count).Clear();
            // Without the patches' boxes, each chosen label is looked for over the whole picture.
            var whole = new PixelRect(0, 0, ink.Width, count / ink.Width);
            var seeds = chosen.Where(label => label > 0).Select(label => new InkComponent(label, 0, 0, whole)).ToArray();
            Grow(ink.Pixels.AsSpan(0, count), ink.Width, labels, seeds, low, grown.AsSpan(0, count), rim);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(grown);
        }
        return Array.ConvertAll(rim, m => m != 0);
    }

    /// <summary>
    /// <see cref="Grow(ReadOnlySpan{byte}, int, ReadOnlySpan{int}, ReadOnlySpan{InkComponent}, byte, Span{byte}, Span{byte})"/>
    /// for patches found above <paramref name="patchLevel"/>, at least <paramref name="low"/> (the chain's high and low
    /// levels): every seed is then above <paramref name="low"/> itself, so the grown digit is exactly the patches of
    /// pixels above <paramref name="low"/> (<see cref="InkRuns"/>) that hold a chosen patch, each found from one of its
    /// pixels. Otherwise the fill from the seeds.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static PixelRect? Grow(ReadOnlySpan<byte> ink, int width, ReadOnlySpan<int> labels, ReadOnlySpan<InkComponent> chosen,
        byte patchLevel, byte low, Span<byte> grown, Span<byte> rim)
    {
        if (patchLevel < low || low == 255) return Grow(ink, width, labels, chosen, low, grown, rim);
        int height = ink.Length / width;
        using var runs = InkRuns.Find(ink, width, low);
        var roots = new HashSet<int>();
        foreach (var patch in chosen)
        {
            // The patch's first pixel: in its top row, which holds at least one of its pixels.
            int top = patch.Bounds.Top;
            int x = labels.Slice(top * width + patch.Bounds.Left, patch.Bounds.Width).IndexOf(patch.Label);
            if (x < 0) continue;
            int run = runs.At(patch.Bounds.Left + x, top);
            if (run >= 0) roots.Add(runs.Root(run));
        }
        int left = width, upper = height, right = -1, bottom = -1;
        if (roots.Count > 0)
            for (int run = 0; run < runs.Count; run++)
            {
                if (!roots.Contains(runs.Root(run))) continue;
                int y = runs.Row(run), start = runs.Start(run), end = runs.End(run);
                grown.Slice(y * width + start, end - start).Fill(1);
                left = Math.Min(left, start); right = Math.Max(right, end - 1); upper = Math.Min(upper, y); bottom = Math.Max(bottom, y);
            }
        return WithRim(grown, width, height, left, upper, right, bottom, rim);
    }

    /// <summary>
    /// <see cref="Grow(GrayImage, int[], IReadOnlySet{int}, byte)"/> into the chain's buffers: the seeds are the pixels
    /// of the <paramref name="chosen"/> patches, looked for inside their boxes; <paramref name="grown"/> (zeros on entry)
    /// gets the grown patches, <paramref name="rim"/> those with their rim (1 = digit) inside the returned box; outside it
    /// <paramref name="rim"/> is left as it was. Null when there is no seed.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static PixelRect? Grow(ReadOnlySpan<byte> ink, int width, ReadOnlySpan<int> labels, ReadOnlySpan<InkComponent> chosen,
        byte low, Span<byte> grown, Span<byte> rim)
    {
        int height = ink.Length / width;
        var stack = new PointStack();
        int left = width, top = height, right = -1, bottom = -1;
        try
        {
            foreach (var patch in chosen)
                for (int y = patch.Bounds.Top; y < patch.Bounds.Top + patch.Bounds.Height; y++)
                    for (int x = patch.Bounds.Left, i = y * width + x; x < patch.Bounds.Left + patch.Bounds.Width; x++, i++)
                    {
                        if (labels[i] != patch.Label) continue;
                        grown[i] = 1;
                        stack.Push(x, y);
                    }
            while (!stack.IsEmpty)
            {
                var (x, y) = stack.Pop();
                left = Math.Min(left, x); right = Math.Max(right, x); top = Math.Min(top, y); bottom = Math.Max(bottom, y);
                int x0 = Math.Max(0, x - 1), x1 = Math.Min(width - 1, x + 1);
                for (int ny = Math.Max(0, y - 1); ny <= Math.Min(height - 1, y + 1); ny++)
                {
                    int row = ny * width;
                    for (int nx = x0; nx <= x1; nx++)
                    {
                        int n = row + nx;
                        if (grown[n] != 0 || ink[n] <= low) continue;
                        grown[n] = 1;
                        stack.Push(nx, ny);
                    }
                }
            }
        }
        finally
        {
            stack.Dispose();
        }
        return WithRim(grown, width, height, left, top, right, bottom, rim);
    }

    /// <summary>
    /// The box of the grown pixels (<paramref name="left"/> to <paramref name="bottom"/>, inclusive) widened by one pixel
    /// for the rim, with the rim drawn into it; null when nothing grew (<paramref name="right"/> below zero).
    /// </summary>
    private static PixelRect? WithRim(ReadOnlySpan<byte> grown, int width, int height, int left, int top, int right, int bottom, Span<byte> rim)
    {
        if (right < 0) return null;
        var box = new PixelRect(Math.Max(0, left - 1), Math.Max(0, top - 1), 0, 0);
        box = box with { Width = Math.Min(width - 1, right + 1) - box.Left + 1, Height = Math.Min(height - 1, bottom + 1) - box.Top + 1 };
        Dilate(grown, width, height, box, rim);
        return box;
    }

    /// <summary>Each pixel of <paramref name="box"/> in <paramref name="rim"/>: whether any of its 3x3 neighbours (inside the picture) is set in <paramref name="mask"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Dilate(ReadOnlySpan<byte> mask, int width, int height, PixelRect box, Span<byte> rim)
    {
        // Rows first (over the box widened by a pixel each side where the picture has one), then along each row.
        int from = Math.Max(0, box.Left - 1), to = Math.Min(width, box.Left + box.Width + 1);
        Span<byte> rows = width <= 4096 ? stackalloc byte[to - from] : new byte[to - from];
        for (int y = box.Top; y < box.Top + box.Height; y++)
        {
            var middle = mask.Slice(y * width + from, to - from);
            middle.CopyTo(rows);
            if (y > 0) Or(rows, mask.Slice((y - 1) * width + from, to - from));
            if (y < height - 1) Or(rows, mask.Slice((y + 1) * width + from, to - from));
            var target = rim.Slice(y * width + box.Left, box.Width);
            for (int x = 0; x < target.Length; x++)
            {
                int at = box.Left + x - from;
                target[x] = (byte)(rows[at] | (at > 0 ? rows[at - 1] : 0) | (at + 1 < rows.Length ? rows[at + 1] : 0));
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Or(Span<byte> into, ReadOnlySpan<byte> with)
    {
        int x = 0;
        for (; x <= into.Length - Vector128<byte>.Count; x += Vector128<byte>.Count)
            (Vector128.Create<byte>(into[x..]) | Vector128.Create<byte>(with[x..])).CopyTo(into[x..]);
        for (; x < into.Length; x++) into[x] |= with[x];
    }

    /// <summary>The distance between two boxes (0 when they touch or overlap).</summary>
    private static double Gap(PixelRect a, PixelRect b)
    {
        int dx = Math.Max(0, Math.Max(a.Left - (b.Left + b.Width), b.Left - (a.Left + a.Width)));
        int dy = Math.Max(0, Math.Max(a.Top - (b.Top + b.Height), b.Top - (a.Top + a.Height)));
        return Math.Sqrt(dx * dx + dy * dy);
    }

    private static PixelRect Union(PixelRect a, PixelRect b)
    {
        int left = Math.Min(a.Left, b.Left), top = Math.Min(a.Top, b.Top);
        int right = Math.Max(a.Left + a.Width, b.Left + b.Width), bottom = Math.Max(a.Top + a.Height, b.Top + b.Height);
        return new PixelRect(left, top, right - left, bottom - top);
    }
}
