using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Mnist.Core.FastPaths;

/// <summary>
/// One image between [channel][pixel] and [pixel][channel], in 8x8 blocks of vectors where the channels and pixels
/// come in eights (FastCnn's 24 channels of 144 pixels), one float at a time otherwise. Moves only: no value changes.
/// </summary>
internal static class ChannelsLast
{
    /// <summary>[channel][pixel] to [pixel][channel].</summary>
    public static void FromPlanes(ReadOnlySpan<float> planes, Span<float> pixels, int channels, int size) =>
        Transpose(planes, pixels, rows: channels, columns: size);

    /// <summary>[pixel][channel] to [channel][pixel].</summary>
    public static void ToPlanes(ReadOnlySpan<float> pixels, Span<float> planes, int channels, int size) =>
        Transpose(pixels, planes, rows: size, columns: channels);

    /// <summary>A [row][column] matrix to [column][row].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Transpose(ReadOnlySpan<float> from, Span<float> to, int rows, int columns)
    {
        if (from.Length < rows * columns || to.Length < rows * columns) throw new ArgumentException("The buffers are shorter than the image.");
        if (!Avx.IsSupported || rows % 8 != 0 || columns % 8 != 0)
        {
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < columns; c++) to[c * rows + r] = from[r * columns + c];
            return;
        }
        ref float source = ref MemoryMarshal.GetReference(from);
        ref float target = ref MemoryMarshal.GetReference(to);
        for (int r = 0; r < rows; r += 8)
            for (int c = 0; c < columns; c += 8)
                Transpose8(ref Unsafe.Add(ref source, r * columns + c), columns, ref Unsafe.Add(ref target, c * rows + r), rows);
    }

    // Eight rows of eight floats (rows `fromStride` apart) to eight columns (rows `toStride` apart).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8(ref float from, int fromStride, ref float to, int toStride)
    {
        var r0 = Vector256.LoadUnsafe(ref from);
        var r1 = Vector256.LoadUnsafe(ref from, (nuint)fromStride);
        var r2 = Vector256.LoadUnsafe(ref from, (nuint)(2 * fromStride));
        var r3 = Vector256.LoadUnsafe(ref from, (nuint)(3 * fromStride));
        var r4 = Vector256.LoadUnsafe(ref from, (nuint)(4 * fromStride));
        var r5 = Vector256.LoadUnsafe(ref from, (nuint)(5 * fromStride));
        var r6 = Vector256.LoadUnsafe(ref from, (nuint)(6 * fromStride));
        var r7 = Vector256.LoadUnsafe(ref from, (nuint)(7 * fromStride));
        var t0 = Avx.UnpackLow(r0, r1);
        var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5);
        var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7);
        var t7 = Avx.UnpackHigh(r6, r7);
        var u0 = Avx.Shuffle(t0, t2, 0b01_00_01_00);
        var u1 = Avx.Shuffle(t0, t2, 0b11_10_11_10);
        var u2 = Avx.Shuffle(t1, t3, 0b01_00_01_00);
        var u3 = Avx.Shuffle(t1, t3, 0b11_10_11_10);
        var u4 = Avx.Shuffle(t4, t6, 0b01_00_01_00);
        var u5 = Avx.Shuffle(t4, t6, 0b11_10_11_10);
        var u6 = Avx.Shuffle(t5, t7, 0b01_00_01_00);
        var u7 = Avx.Shuffle(t5, t7, 0b11_10_11_10);
        Avx.Permute2x128(u0, u4, 0x20).StoreUnsafe(ref to);
        Avx.Permute2x128(u1, u5, 0x20).StoreUnsafe(ref to, (nuint)toStride);
        Avx.Permute2x128(u2, u6, 0x20).StoreUnsafe(ref to, (nuint)(2 * toStride));
        Avx.Permute2x128(u3, u7, 0x20).StoreUnsafe(ref to, (nuint)(3 * toStride));
        Avx.Permute2x128(u0, u4, 0x31).StoreUnsafe(ref to, (nuint)(4 * toStride));
        Avx.Permute2x128(u1, u5, 0x31).StoreUnsafe(ref to, (nuint)(5 * toStride));
        Avx.Permute2x128(u2, u6, 0x31).StoreUnsafe(ref to, (nuint)(6 * toStride));
        Avx.Permute2x128(u3, u7, 0x31).StoreUnsafe(ref to, (nuint)(7 * toStride));
    }
}
