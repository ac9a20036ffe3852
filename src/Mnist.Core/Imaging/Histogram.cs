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
}
