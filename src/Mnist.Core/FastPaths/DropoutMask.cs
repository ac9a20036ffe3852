using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

using Mnist.Core.Modeling;
using Mnist.Core.Training;

namespace Mnist.Core.FastPaths;

/// <summary>
/// Dropout's mask, drawn by a counter-based generator: element i keeps its value (scaled by 1 / (1 - rate)) when a
/// hash of (key, i) lands at or above the rate. Each element is independent of the others, so the mask is filled
/// with SIMD in one pass, and a mask is fixed by its key alone: the caller draws the key from the model's own
/// generator, which keeps masks reproducible per seed and untouched by other models training in parallel.
/// </summary>
internal static class DropoutMask
{
    private const int Bits = 24;

    /// <summary>The hash's threshold for a rate: an element is kept when its 24-bit draw is at least this.</summary>
    public static uint Threshold(double rate) => (uint)Math.Round(rate * (1 << Bits));

    /// <summary>The chance an element is kept: exactly 1 - Threshold / 2^24.</summary>
    public static double KeepProbability(double rate) => 1 - Threshold(rate) / (double)(1 << Bits);

    /// <summary>Fills <paramref name="mask"/> with 0 or 1 / (1 - rate), keyed by <paramref name="key"/>.</summary>
    public static void Fill(Span<float> mask, ulong key, double rate) => Fill(mask, ReadOnlySpan<float>.Empty, key, rate);

    /// <summary>
    /// The mask of dropout after ReLU, taken on ReLU's input: x * mask is then dropout(relu(x)), and its gradient
    /// (the mask) is ReLU's and dropout's together, so neither ReLU pass (forward nor backward) is made.
    /// </summary>
    public static void FillAfterRelu(Span<float> mask, ReadOnlySpan<float> input, ulong key, double rate)
    {
        if (input.Length != mask.Length) throw new ArgumentException("The input and the mask differ in size.", nameof(input));
        Fill(mask, input, key, rate);
    }

    /// <summary>
    /// Dropout after ReLU applied in place: each value becomes value * mask, the mask <see cref="FillAfterRelu"/>
    /// draws for the same key and values, bit for bit, without a mask tensor. A value is then positive exactly where
    /// the mask kept it, so the gradient needs only the result (see <see cref="DenseNetworkKernels"/>).
    /// </summary>
    public static void ApplyAfterRelu(Span<float> values, ulong key, double rate) => Fill(values, values, key, rate, multiply: true);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Fill(Span<float> mask, ReadOnlySpan<float> input, ulong key, double rate, bool multiply = false)
    {
        uint k0 = (uint)key, k1 = (uint)(key >> 32), threshold = Threshold(rate);
        float scale = (float)(1.0 / (1.0 - rate));
        bool relu = !input.IsEmpty;
        ref float m = ref MemoryMarshal.GetReference(mask);
        ref float x = ref MemoryMarshal.GetReference(input);
        int n = mask.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var (vk0, vk1, vt, vs) = (Vector512.Create(k0), Vector512.Create(k1), Vector512.Create(threshold), Vector512.Create(scale));
            for (; i <= n - Vector512<uint>.Count; i += Vector512<uint>.Count)
            {
                var h = Mix(Mix(Vector512<uint>.Indices + Vector512.Create((uint)i) + vk0) ^ vk1);
                var keep = Vector512.GreaterThanOrEqual(Vector512.ShiftRightLogical(h, 32 - Bits), vt).AsSingle();
                if (!relu) { (keep & vs).StoreUnsafe(ref m, (nuint)i); continue; }
                var value = Vector512.LoadUnsafe(ref x, (nuint)i);
                keep &= Vector512.GreaterThan(value, Vector512<float>.Zero);
                (keep & (multiply ? value * vs : vs)).StoreUnsafe(ref m, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var (vk0, vk1, vt, vs) = (Vector256.Create(k0), Vector256.Create(k1), Vector256.Create(threshold), Vector256.Create(scale));
            for (; i <= n - Vector256<uint>.Count; i += Vector256<uint>.Count)
            {
                var h = Mix(Mix(Vector256<uint>.Indices + Vector256.Create((uint)i) + vk0) ^ vk1);
                var keep = Vector256.GreaterThanOrEqual(Vector256.ShiftRightLogical(h, 32 - Bits), vt).AsSingle();
                if (!relu) { (keep & vs).StoreUnsafe(ref m, (nuint)i); continue; }
                var value = Vector256.LoadUnsafe(ref x, (nuint)i);
                keep &= Vector256.GreaterThan(value, Vector256<float>.Zero);
                (keep & (multiply ? value * vs : vs)).StoreUnsafe(ref m, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            bool kept = Mix(Mix((uint)i + k0) ^ k1) >> (32 - Bits) >= threshold && (!relu || input[i] > 0);
            mask[i] = kept ? (multiply ? input[i] * scale : scale) : 0f;
        }
    }

    // A 32-bit integer hash with low bias (Wellons' "lowbias32"); two rounds around the key's halves.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Mix(uint x)
    {
        x ^= x >> 16; x *= 0x7feb352d; x ^= x >> 15; x *= 0x846ca68b; x ^= x >> 16;
        return x;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> Mix(Vector512<uint> x)
    {
        x ^= Vector512.ShiftRightLogical(x, 16); x *= 0x7feb352d;
        x ^= Vector512.ShiftRightLogical(x, 15); x *= 0x846ca68b;
        return x ^ Vector512.ShiftRightLogical(x, 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Mix(Vector256<uint> x)
    {
        x ^= Vector256.ShiftRightLogical(x, 16); x *= 0x7feb352d;
        x ^= Vector256.ShiftRightLogical(x, 15); x *= 0x846ca68b;
        return x ^ Vector256.ShiftRightLogical(x, 16);
    }
}
