using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Mnist.Core.FastPaths;

/// <summary>
/// Scaled sums of windows for <see cref="PooledConvolutionBackward"/>: every element's sum takes its terms in the order
/// given (a product, then an addition, as <c>sum += g * x</c> does), so the vector width never changes a result's bits.
/// </summary>
internal static class WindowSums
{
    private const int Width = 8;
    private const int Tile = 9 * Width; // nine sums, the scale and one load: 11 of the 16 vector registers

    /// <summary>
    /// For windows first, first + step, ... below count: sums[i * run + e] += scales[k] * image[origins[k] + i * rowStride + e],
    /// for kernel rows i and elements e below run. Each tile of sums stays in registers across the windows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddEvery(ref float sums, ref float image, ReadOnlySpan<int> origins, ReadOnlySpan<float> scales,
        int first, int step, int count, int kernel, int run, int rowStride)
    {
        ref int originRef = ref MemoryMarshal.GetReference(origins);
        ref float scaleRef = ref MemoryMarshal.GetReference(scales);
        for (int i = 0; i < kernel; i++)
        {
            ref float rowSums = ref Unsafe.Add(ref sums, i * run);
            int offset = i * rowStride, e = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                for (; e + Tile <= run; e += Tile)
                {
                    ref float tile = ref Unsafe.Add(ref rowSums, e);
                    var s0 = Vector256.LoadUnsafe(ref tile);
                    var s1 = Vector256.LoadUnsafe(ref tile, Width);
                    var s2 = Vector256.LoadUnsafe(ref tile, 2 * Width);
                    var s3 = Vector256.LoadUnsafe(ref tile, 3 * Width);
                    var s4 = Vector256.LoadUnsafe(ref tile, 4 * Width);
                    var s5 = Vector256.LoadUnsafe(ref tile, 5 * Width);
                    var s6 = Vector256.LoadUnsafe(ref tile, 6 * Width);
                    var s7 = Vector256.LoadUnsafe(ref tile, 7 * Width);
                    var s8 = Vector256.LoadUnsafe(ref tile, 8 * Width);
                    for (int k = first; k < count; k += step)
                    {
                        var g = Vector256.Create(Unsafe.Add(ref scaleRef, k));
                        ref float window = ref Unsafe.Add(ref image, Unsafe.Add(ref originRef, k) + offset + e);
                        s0 += g * Vector256.LoadUnsafe(ref window);
                        s1 += g * Vector256.LoadUnsafe(ref window, Width);
                        s2 += g * Vector256.LoadUnsafe(ref window, 2 * Width);
                        s3 += g * Vector256.LoadUnsafe(ref window, 3 * Width);
                        s4 += g * Vector256.LoadUnsafe(ref window, 4 * Width);
                        s5 += g * Vector256.LoadUnsafe(ref window, 5 * Width);
                        s6 += g * Vector256.LoadUnsafe(ref window, 6 * Width);
                        s7 += g * Vector256.LoadUnsafe(ref window, 7 * Width);
                        s8 += g * Vector256.LoadUnsafe(ref window, 8 * Width);
                    }
                    s0.StoreUnsafe(ref tile);
                    s1.StoreUnsafe(ref tile, Width);
                    s2.StoreUnsafe(ref tile, 2 * Width);
                    s3.StoreUnsafe(ref tile, 3 * Width);
                    s4.StoreUnsafe(ref tile, 4 * Width);
                    s5.StoreUnsafe(ref tile, 5 * Width);
                    s6.StoreUnsafe(ref tile, 6 * Width);
                    s7.StoreUnsafe(ref tile, 7 * Width);
                    s8.StoreUnsafe(ref tile, 8 * Width);
                }
                for (; e + Width <= run; e += Width)
                {
                    var sum = Vector256.LoadUnsafe(ref rowSums, (nuint)e);
                    for (int k = first; k < count; k += step)
                        sum += Vector256.Create(Unsafe.Add(ref scaleRef, k)) * Vector256.LoadUnsafe(ref image, (nuint)(Unsafe.Add(ref originRef, k) + offset + e));
                    sum.StoreUnsafe(ref rowSums, (nuint)e);
                }
            }
            for (; e < run; e++)
            {
                float sum = Unsafe.Add(ref rowSums, e);
                for (int k = first; k < count; k += step)
                    sum += Unsafe.Add(ref scaleRef, k) * Unsafe.Add(ref image, Unsafe.Add(ref originRef, k) + offset + e);
                Unsafe.Add(ref rowSums, e) = sum;
            }
        }
    }

    /// <summary>
    /// For each of <paramref name="rows"/> rows of <paramref name="run"/> floats: target row (rows
    /// <paramref name="targetStride"/> apart) += g * source row (consecutive).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddScaledRows(ref float target, int targetStride, ref float source, float g, int rows, int run)
    {
        var factor = Vector256.Create(g);
        for (int i = 0; i < rows; i++)
        {
            ref float to = ref Unsafe.Add(ref target, i * targetStride);
            ref float from = ref Unsafe.Add(ref source, i * run);
            int e = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                for (; e + Tile <= run; e += Tile)
                {
                    ref float at = ref Unsafe.Add(ref to, e);
                    ref float by = ref Unsafe.Add(ref from, e);
                    (Vector256.LoadUnsafe(ref at) + factor * Vector256.LoadUnsafe(ref by)).StoreUnsafe(ref at);
                    (Vector256.LoadUnsafe(ref at, Width) + factor * Vector256.LoadUnsafe(ref by, Width)).StoreUnsafe(ref at, Width);
                    (Vector256.LoadUnsafe(ref at, 2 * Width) + factor * Vector256.LoadUnsafe(ref by, 2 * Width)).StoreUnsafe(ref at, 2 * Width);
                    (Vector256.LoadUnsafe(ref at, 3 * Width) + factor * Vector256.LoadUnsafe(ref by, 3 * Width)).StoreUnsafe(ref at, 3 * Width);
                    (Vector256.LoadUnsafe(ref at, 4 * Width) + factor * Vector256.LoadUnsafe(ref by, 4 * Width)).StoreUnsafe(ref at, 4 * Width);
                    (Vector256.LoadUnsafe(ref at, 5 * Width) + factor * Vector256.LoadUnsafe(ref by, 5 * Width)).StoreUnsafe(ref at, 5 * Width);
                    (Vector256.LoadUnsafe(ref at, 6 * Width) + factor * Vector256.LoadUnsafe(ref by, 6 * Width)).StoreUnsafe(ref at, 6 * Width);
                    (Vector256.LoadUnsafe(ref at, 7 * Width) + factor * Vector256.LoadUnsafe(ref by, 7 * Width)).StoreUnsafe(ref at, 7 * Width);
                    (Vector256.LoadUnsafe(ref at, 8 * Width) + factor * Vector256.LoadUnsafe(ref by, 8 * Width)).StoreUnsafe(ref at, 8 * Width);
                }
                for (; e + Width <= run; e += Width)
                    (Vector256.LoadUnsafe(ref to, (nuint)e) + factor * Vector256.LoadUnsafe(ref from, (nuint)e)).StoreUnsafe(ref to, (nuint)e);
            }
            for (; e < run; e++) Unsafe.Add(ref to, e) += g * Unsafe.Add(ref from, e);
        }
    }
}
