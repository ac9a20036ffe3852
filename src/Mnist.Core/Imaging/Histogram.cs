using System.Runtime.CompilerServices;

namespace Mnist.Core.Imaging;

/// <summary>Order statistics of byte levels from their counts, as sorting the levels and indexing would give.</summary>
internal static class Histogram
{
    /// <summary>The level at index <c>total / 2</c> of the sorted levels (the upper median of an even count).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static byte Median(ReadOnlySpan<int> counts, int total)
    {
        int seen = 0, half = total / 2;
        for (int level = 0; level < counts.Length; level++)
        {
            seen += counts[level];
            if (seen > half) return (byte)level;
        }
        return 255;
    }

    /// <summary>
    /// The count of each level 0-255 in <paramref name="levels"/>, into the first 256 of <paramref name="tallies"/> (at
    /// least 1,024 long): four interleaved tallies, so neighbouring pixels of one level do not wait on each other's count.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Span<int> Count(ReadOnlySpan<byte> levels, Span<int> tallies)
    {
        tallies = tallies[..1024];
        tallies.Clear();
        int i = 0;
        for (; i <= levels.Length - 4; i += 4)
        {
            tallies[levels[i]]++;
            tallies[256 + levels[i + 1]]++;
            tallies[512 + levels[i + 2]]++;
            tallies[768 + levels[i + 3]]++;
        }
        for (; i < levels.Length; i++) tallies[levels[i]]++;
        for (int level = 0; level < 256; level++) tallies[level] += tallies[256 + level] + tallies[512 + level] + tallies[768 + level];
        return tallies[..256];
    }
}
