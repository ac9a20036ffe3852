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
    internal static IReadOnlyList<InkComponent> Find(GrayImage ink, byte threshold, Span<int> labels)
    {
        var components = new List<InkComponent>();
        var stack = new Stack<int>();
        for (int start = 0; start < labels.Length; start++)
        {
            if (labels[start] != 0 || ink.Pixels[start] <= threshold) continue;
            int label = components.Count + 1;
            long mass = 0; int area = 0;
            int left = ink.Width, top = ink.Height, right = -1, bottom = -1;
            labels[start] = label;
            stack.Push(start);
            while (stack.Count > 0)
            {
                int i = stack.Pop();
                int x = i % ink.Width, y = i / ink.Width;
                mass += ink.Pixels[i]; area++;
                left = Math.Min(left, x); right = Math.Max(right, x); top = Math.Min(top, y); bottom = Math.Max(bottom, y);
                for (int dy = -1; dy <= 1; dy++)
                    for (int dx = -1; dx <= 1; dx++)
                    {
                        int nx = x + dx, ny = y + dy;
                        if (nx < 0 || ny < 0 || nx >= ink.Width || ny >= ink.Height) continue;
                        int n = ny * ink.Width + nx;
                        if (labels[n] != 0 || ink.Pixels[n] <= threshold) continue;
                        labels[n] = label;
                        stack.Push(n);
                    }
            }
            components.Add(new InkComponent(label, mass, area, new PixelRect(left, top, right - left + 1, bottom - top + 1)));
        }
        return components;
    }

    /// <summary>
    /// The labels that make up the digit: the heaviest patch, then, until nothing changes, every patch near the digit
    /// so far: touching its box (within 5% of its size) if it has at least 1% of the heaviest patch's ink, or within
    /// 30% of its size if it has at least 8%.
    /// </summary>
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
        var mask = new bool[labels.Length];
        var stack = new Stack<int>();
        for (int i = 0; i < labels.Length; i++)
            if (labels[i] != 0 && chosen.Contains(labels[i])) { mask[i] = true; stack.Push(i); }
        while (stack.Count > 0)
        {
            int i = stack.Pop();
            int x = i % ink.Width, y = i / ink.Width;
            for (int ny = Math.Max(0, y - 1); ny <= Math.Min(ink.Height - 1, y + 1); ny++)
                for (int nx = Math.Max(0, x - 1); nx <= Math.Min(ink.Width - 1, x + 1); nx++)
                {
                    int n = ny * ink.Width + nx;
                    if (mask[n] || ink.Pixels[n] <= low) continue;
                    mask[n] = true;
                    stack.Push(n);
                }
        }
        var rim = (bool[])mask.Clone();
        for (int y = 0; y < ink.Height; y++)
            for (int x = 0; x < ink.Width; x++)
            {
                if (!mask[y * ink.Width + x]) continue;
                for (int ny = Math.Max(0, y - 1); ny <= Math.Min(ink.Height - 1, y + 1); ny++)
                    for (int nx = Math.Max(0, x - 1); nx <= Math.Min(ink.Width - 1, x + 1); nx++) rim[ny * ink.Width + nx] = true;
            }
        return rim;
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
