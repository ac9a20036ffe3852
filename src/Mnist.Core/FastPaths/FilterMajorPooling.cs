using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Mnist.Core.FastPaths;

/// <summary>
/// 2x2 max pooling and ReLU of one image's maps laid out [pixel][filter] (as <see cref="ChannelBlockConvolution"/>
/// computes them), eight filters per vector, into [filter][pooled pixel] with each output's winner code: the same
/// values and winners as <see cref="MaxPool2x2Kernel"/> gives on the maps turned [filter][pixel] (the same
/// comparisons, lane by lane), without turning the full-size maps around first.
/// </summary>
internal static class FilterMajorPooling
{
    /// <param name="pixels">[outRows][outColumns][filters], filters a multiple of 8</param>
    /// <param name="pooled">[filters][outRows / 2][outColumns / 2], overwritten</param>
    /// <param name="winners">as <paramref name="pooled"/>: 0-3 row-major within the window, or <see cref="MaxPool2x2Kernel.NoWinner"/></param>
    /// <param name="scratch">at least <c>2 x pooled.Length</c> floats</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PoolWithRelu(ReadOnlySpan<float> pixels, Span<float> pooled, Span<byte> winners, Span<float> scratch, int outRows, int outColumns, int filters)
    {
        int pooledRows = outRows / 2, pooledColumns = outColumns / 2, pooledSize = pooledRows * pooledColumns, count = pooledSize * filters;
        if (!Avx.IsSupported || filters % 8 != 0) throw new PlatformNotSupportedException("Pooling over filters needs AVX and filters in eights.");
        if (pixels.Length < outRows * outColumns * filters || pooled.Length != count || winners.Length != count || scratch.Length < 2 * count)
            throw new ArgumentException("The buffers do not fit the pooling's shapes.");
        // First as [pooled pixel][filter], values then codes (as floats' bits), then turned around.
        ref float valuesRef = ref MemoryMarshal.GetReference(scratch);
        ref int codesRef = ref Unsafe.As<float, int>(ref Unsafe.Add(ref valuesRef, count));
        ref float pixelsRef = ref MemoryMarshal.GetReference(pixels);
        var (one, two, none) = (Vector256.Create(1), Vector256.Create(2), Vector256.Create((int)MaxPool2x2Kernel.NoWinner));
        int rowStride = outColumns * filters;
        for (int py = 0, q = 0; py < pooledRows; py++)
            for (int px = 0; px < pooledColumns; px++, q++)
            {
                ref float top = ref Unsafe.Add(ref pixelsRef, 2 * py * rowStride + 2 * px * filters);
                for (int f = 0; f < filters; f += 8)
                {
                    var a = Vector256.LoadUnsafe(ref top, (nuint)f);
                    var b = Vector256.LoadUnsafe(ref top, (nuint)(f + filters));
                    var c = Vector256.LoadUnsafe(ref top, (nuint)(f + rowStride));
                    var d = Vector256.LoadUnsafe(ref top, (nuint)(f + rowStride + filters));
                    var right = Avx.CompareGreaterThan(b, a) | Avx.CompareUnordered(b, b);
                    var bottomRight = Avx.CompareGreaterThan(d, c) | Avx.CompareUnordered(d, d);
                    var upper = Avx.BlendVariable(a, b, right);
                    var lower = Avx.BlendVariable(c, d, bottomRight);
                    var fromBottom = Avx.CompareGreaterThan(lower, upper) | Avx.CompareUnordered(lower, lower);
                    var value = Avx.BlendVariable(upper, lower, fromBottom);
                    var winner = Vector256.ConditionalSelect(fromBottom.AsInt32(), (bottomRight.AsInt32() & one) + two, right.AsInt32() & one);
                    var kept = Avx.CompareGreaterThan(value, Vector256<float>.Zero) | Avx.CompareUnordered(value, value);
                    (value & kept).StoreUnsafe(ref valuesRef, (nuint)(q * filters + f));
                    Vector256.ConditionalSelect(kept.AsInt32(), winner, none).StoreUnsafe(ref codesRef, (nuint)(q * filters + f));
                }
            }
        ref float pooledRef = ref MemoryMarshal.GetReference(pooled);
        ref byte winnersRef = ref MemoryMarshal.GetReference(winners);
        for (int f = 0; f < filters; f++)
            for (int q = 0; q < pooledSize; q++)
            {
                Unsafe.Add(ref pooledRef, f * pooledSize + q) = Unsafe.Add(ref valuesRef, q * filters + f);
                Unsafe.Add(ref winnersRef, f * pooledSize + q) = (byte)Unsafe.Add(ref codesRef, q * filters + f);
            }
    }
}
