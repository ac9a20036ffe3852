using Mnist.Core.Imaging;
using Xunit;

namespace Mnist.Core.Tests;

/// <summary>
/// The patches found as runs (<see cref="InkRuns"/>) are the flood fill's: the same labels pixel by pixel, numbered by
/// their first pixel, with the same ink, area and box; and the digit grown from chosen patches through the low level is
/// the one the fill from their pixels grows. Random blotches of ink on random sizes meet diagonal joins, U shapes that
/// join two runs late, patches touching the picture's edges and single pixels.
/// </summary>
public class InkRunsTests
{
    [Theory]
    [InlineData(1, 37, 23)]
    [InlineData(2, 64, 64)]
    [InlineData(3, 1, 50)]
    [InlineData(4, 50, 1)]
    [InlineData(5, 200, 120)]
    public void Find_gives_the_flood_fills_labels_and_patches(int seed, int width, int height)
    {
        var ink = Blotches(seed, width, height);
        foreach (byte threshold in new byte[] { 0, 40, 128, 200, 254 })
        {
            var labels = new int[ink.Length];
            var components = InkComponents.Find(ink, width, threshold, labels);
            var (expectedLabels, expected) = FloodFill(ink, width, threshold);
            Assert.Equal(expectedLabels, labels);
            Assert.Equal(expected, components);
        }
    }

    [Theory]
    [InlineData(6, 90, 70)]
    [InlineData(7, 200, 200)]
    [InlineData(8, 33, 80)]
    public void Grow_through_the_runs_gives_the_fills_digit(int seed, int width, int height)
    {
        var ink = Blotches(seed, width, height);
        foreach (var (high, low) in new (byte, byte)[] { (150, 60), (100, 100), (200, 20), (60, 59) })
        {
            var labels = new int[ink.Length];
            var components = InkComponents.Find(ink, width, high, labels);
            var chosen = components.Where(c => c.Label % 3 != 2).ToArray();   // some patches, not all
            var (grownByFill, rimByFill) = (new byte[ink.Length], new byte[ink.Length]);
            var (grownByRuns, rimByRuns) = (new byte[ink.Length], new byte[ink.Length]);
            var boxByFill = InkComponents.Grow(ink, width, labels, chosen, low, grownByFill, rimByFill);
            var boxByRuns = InkComponents.Grow(ink, width, labels, chosen, high, low, grownByRuns, rimByRuns);
            Assert.Equal(boxByFill, boxByRuns);
            Assert.Equal(grownByFill, grownByRuns);
            Assert.Equal(rimByFill, rimByRuns);
        }
    }

    /// <summary>Ink levels 0-255 in blotches of several sizes over faint noise.</summary>
    private static byte[] Blotches(int seed, int width, int height)
    {
        var random = new Random(seed);
        var ink = new byte[width * height];
        for (int i = 0; i < ink.Length; i++) ink[i] = (byte)random.Next(0, 50);
        for (int blotch = 0; blotch < width * height / 40 + 3; blotch++)
        {
            int cx = random.Next(width), cy = random.Next(height), r = random.Next(0, 4);
            for (int y = Math.Max(0, cy - r); y <= Math.Min(height - 1, cy + r); y++)
                for (int x = Math.Max(0, cx - r); x <= Math.Min(width - 1, cx + r); x++)
                    if (random.Next(4) > 0) ink[y * width + x] = (byte)random.Next(60, 256);
        }
        return ink;
    }

    /// <summary>The specification: a scan in reading order that fills each new patch through its 8 neighbours.</summary>
    private static (int[] Labels, List<InkComponent> Components) FloodFill(byte[] ink, int width, byte threshold)
    {
        int height = ink.Length / width;
        var labels = new int[ink.Length];
        var components = new List<InkComponent>();
        for (int start = 0; start < ink.Length; start++)
        {
            if (ink[start] <= threshold || labels[start] != 0) continue;
            int label = components.Count + 1;
            long mass = 0; int area = 0, left = width, top = height, right = -1, bottom = -1;
            var stack = new Stack<int>([start]);
            labels[start] = label;
            while (stack.Count > 0)
            {
                int i = stack.Pop(), x = i % width, y = i / width;
                mass += ink[i]; area++;
                (left, right, top, bottom) = (Math.Min(left, x), Math.Max(right, x), Math.Min(top, y), Math.Max(bottom, y));
                for (int ny = y - 1; ny <= y + 1; ny++)
                    for (int nx = x - 1; nx <= x + 1; nx++)
                    {
                        if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
                        int n = ny * width + nx;
                        if (ink[n] <= threshold || labels[n] != 0) continue;
                        labels[n] = label;
                        stack.Push(n);
                    }
            }
            components.Add(new InkComponent(label, mass, area, new PixelRect(left, top, right - left + 1, bottom - top + 1)));
        }
        return (labels, components);
    }
}
