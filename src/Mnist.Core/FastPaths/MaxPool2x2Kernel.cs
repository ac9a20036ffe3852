using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

using Mnist.Core.Modeling;
using Mnist.Core.Training;

namespace Mnist.Core.FastPaths;

/// <summary>
/// 2x2 max pooling with stride 2 over contiguous planes (N*C planes of height x width, odd edges dropped as
/// PyTorch's floor mode does), optionally followed by ReLU, in one pass that also records each output's winner
/// for the backward pass. libtorch's CPU kernel spends ~20 ms on a FastCnn batch's first map (256x24x24x24) in
/// generic index arithmetic; this one streams each pair of rows with 128-bit vectors, four outputs at a time.
/// The winner is the one libtorch picks: the first maximum in row-major order, a NaN over any number.
/// </summary>
internal static class MaxPool2x2Kernel
{
    /// <summary>The winner code of an output that ReLU set to zero: no input gets its gradient.</summary>
    public const byte NoWinner = 4;

    /// <summary>Pools <paramref name="planes"/> planes; <paramref name="winners"/> gets one code (0-3 row-major, or NoWinner) per output.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(ReadOnlySpan<float> input, Span<float> output, Span<byte> winners, int planes, int height, int width, bool relu)
    {
        int outHeight = height / 2, outWidth = width / 2;
        CheckLengths(input.Length, output.Length, winners.Length, planes, height, width);
        ref float inRef = ref MemoryMarshal.GetReference(input);
        ref float outRef = ref MemoryMarshal.GetReference(output);
        ref byte winRef = ref MemoryMarshal.GetReference(winners);
        for (int row = 0, rows = planes * outHeight; row < rows; row++)
        {
            ref float top = ref Unsafe.Add(ref inRef, TopInputRow(row, outHeight, height, width));
            PoolRow(ref top, ref Unsafe.Add(ref top, width), ref Unsafe.Add(ref outRef, row * outWidth),
                ref Unsafe.Add(ref winRef, row * outWidth), outWidth, relu);
        }
    }

    /// <summary>Sends each output's gradient to its winner; every other input (and any odd edge) gets zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward(ReadOnlySpan<float> outputGradient, ReadOnlySpan<byte> winners, Span<float> inputGradient,
        int planes, int height, int width)
    {
        int outHeight = height / 2, outWidth = width / 2;
        CheckLengths(inputGradient.Length, outputGradient.Length, winners.Length, planes, height, width);
        if (height % 2 != 0 || width % 2 != 0) inputGradient.Clear();
        ref float gradRef = ref MemoryMarshal.GetReference(outputGradient);
        ref byte winRef = ref MemoryMarshal.GetReference(winners);
        ref float inRef = ref MemoryMarshal.GetReference(inputGradient);
        for (int row = 0, rows = planes * outHeight; row < rows; row++)
        {
            ref float top = ref Unsafe.Add(ref inRef, TopInputRow(row, outHeight, height, width));
            UnpoolRow(ref Unsafe.Add(ref gradRef, row * outWidth), ref Unsafe.Add(ref winRef, row * outWidth),
                ref top, ref Unsafe.Add(ref top, width), outWidth);
        }
    }

    // Where the first of the two input rows behind output row `row` (counted over all planes) starts.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int TopInputRow(int row, int outHeight, int height, int width)
    {
        int plane = row / outHeight, oy = row - plane * outHeight;
        return (plane * height + 2 * oy) * width;
    }

    private static void CheckLengths(int inputLength, int outputLength, int winnersLength, int planes, int height, int width)
    {
        long outputs = (long)planes * (height / 2) * (width / 2);
        if (height < 2 || width < 2 || inputLength != (long)planes * height * width || outputLength != outputs || winnersLength != outputs)
            throw new ArgumentException($"Buffers of {inputLength}, {outputLength} and {winnersLength} elements do not fit {planes} planes of {height}x{width}.");
    }

    // n outputs from 2n columns of the two rows (bounds checked by the callers' CheckLengths).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PoolRow(ref float top, ref float bottom, ref float outRef, ref byte winRef, int n, bool relu)
    {
        int ox = 0;
        if (Sse41.IsSupported)
        {
            var one = Vector128.Create(1);
            var two = Vector128.Create(2);
            var none = Vector128.Create((int)NoWinner);
            for (; ox <= n - 4; ox += 4)
            {
                nuint x = (nuint)(2 * ox);
                var top0 = Vector128.LoadUnsafe(ref top, x);
                var top1 = Vector128.LoadUnsafe(ref top, x + 4);
                var bottom0 = Vector128.LoadUnsafe(ref bottom, x);
                var bottom1 = Vector128.LoadUnsafe(ref bottom, x + 4);
                // Even and odd columns: a b on the top row, c d below.
                var a = Sse.Shuffle(top0, top1, 0b10_00_10_00);
                var b = Sse.Shuffle(top0, top1, 0b11_01_11_01);
                var c = Sse.Shuffle(bottom0, bottom1, 0b10_00_10_00);
                var d = Sse.Shuffle(bottom0, bottom1, 0b11_01_11_01);
                var right = Sse.CompareGreaterThan(b, a) | Sse.CompareUnordered(b, b);
                var bottomRight = Sse.CompareGreaterThan(d, c) | Sse.CompareUnordered(d, d);
                var upper = Sse41.BlendVariable(a, b, right);
                var lower = Sse41.BlendVariable(c, d, bottomRight);
                var fromBottom = Sse.CompareGreaterThan(lower, upper) | Sse.CompareUnordered(lower, lower);
                var value = Sse41.BlendVariable(upper, lower, fromBottom);
                var winner = Sse41.BlendVariable(right.AsInt32() & one, (bottomRight.AsInt32() & one) + two, fromBottom.AsInt32());
                if (relu)
                {
                    var kept = Sse.CompareGreaterThan(value, Vector128<float>.Zero) | Sse.CompareUnordered(value, value);
                    value &= kept;
                    winner = Sse41.BlendVariable(none, winner, kept.AsInt32());
                }
                value.StoreUnsafe(ref outRef, (nuint)ox);
                var shorts = Sse2.PackSignedSaturate(winner, winner);
                Unsafe.WriteUnaligned(ref Unsafe.Add(ref winRef, ox), Sse2.PackUnsignedSaturate(shorts, shorts).AsUInt32().ToScalar());
            }
        }
        for (; ox < n; ox++)
        {
            int x = 2 * ox;
            float a = Unsafe.Add(ref top, x), b = Unsafe.Add(ref top, x + 1), c = Unsafe.Add(ref bottom, x), d = Unsafe.Add(ref bottom, x + 1);
            bool right = b > a || float.IsNaN(b), bottomRight = d > c || float.IsNaN(d);
            float upper = right ? b : a, lower = bottomRight ? d : c;
            bool fromBottom = lower > upper || float.IsNaN(lower);
            float value = fromBottom ? lower : upper;
            byte winner = fromBottom ? (byte)(2 + (bottomRight ? 1 : 0)) : (byte)(right ? 1 : 0);
            if (relu && !(value > 0 || float.IsNaN(value))) (value, winner) = (0f, NoWinner);
            Unsafe.Add(ref outRef, ox) = value;
            Unsafe.Add(ref winRef, ox) = winner;
        }
    }

    // n output gradients onto 2n columns of the two input rows.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void UnpoolRow(ref float gradRef, ref byte winRef, ref float top, ref float bottom, int n)
    {
        int ox = 0;
        if (Sse41.IsSupported)
        {
            for (; ox <= n - 4; ox += 4)
            {
                var g = Vector128.LoadUnsafe(ref gradRef, (nuint)ox);
                var winner = Sse41.ConvertToVector128Int32(Vector128.CreateScalar(Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref winRef, ox))).AsByte());
                var at0 = g & Sse2.CompareEqual(winner, Vector128<int>.Zero).AsSingle();
                var at1 = g & Sse2.CompareEqual(winner, Vector128.Create(1)).AsSingle();
                var at2 = g & Sse2.CompareEqual(winner, Vector128.Create(2)).AsSingle();
                var at3 = g & Sse2.CompareEqual(winner, Vector128.Create(3)).AsSingle();
                int x = 2 * ox;
                Sse.UnpackLow(at0, at1).StoreUnsafe(ref top, (nuint)x);
                Sse.UnpackHigh(at0, at1).StoreUnsafe(ref top, (nuint)(x + 4));
                Sse.UnpackLow(at2, at3).StoreUnsafe(ref bottom, (nuint)x);
                Sse.UnpackHigh(at2, at3).StoreUnsafe(ref bottom, (nuint)(x + 4));
            }
        }
        for (; ox < n; ox++)
        {
            float g = Unsafe.Add(ref gradRef, ox);
            byte winner = Unsafe.Add(ref winRef, ox);
            int x = 2 * ox;
            Unsafe.Add(ref top, x) = winner == 0 ? g : 0f;
            Unsafe.Add(ref top, x + 1) = winner == 1 ? g : 0f;
            Unsafe.Add(ref bottom, x) = winner == 2 ? g : 0f;
            Unsafe.Add(ref bottom, x + 1) = winner == 3 ? g : 0f;
        }
    }
}
