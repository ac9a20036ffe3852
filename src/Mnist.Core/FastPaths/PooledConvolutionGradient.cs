using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

using Mnist.Core.Modeling;
using Mnist.Core.Training;

namespace Mnist.Core.FastPaths;

/// <summary>
/// The weight and bias gradients of a convolution (stride 1, no padding) followed by 2x2 max pooling, computed from
/// the pooled gradient and the pooling's winner codes (<see cref="MaxPool2x2Kernel"/>): only the winning position of
/// each window carries a gradient, so this reads a quarter of the positions (fewer still after ReLU) and never
/// builds the convolution's full-size output gradient. The sums run in a fixed order, so results repeat bitwise.
/// FastCnn's 5x5 filters go two at a time over their listed survivors (<see cref="PooledWinners"/>): a window that
/// ReLU cut would add +0 to every sum, so skipping it leaves the bits as they were.
/// </summary>
internal static class PooledConvolutionGradient
{
    /// <param name="input">[images, channels, rows, columns]</param>
    /// <param name="pooledGradient">[images, filters, outRows / 2, outColumns / 2], with <paramref name="winners"/> alike</param>
    /// <param name="weightGradient">[filters, channels, kernel, kernel], overwritten</param>
    /// <param name="biasGradient">[filters], overwritten</param>
    /// <param name="pairFilters">Whether 5x5 filters go two at a time (the same bits either way; tests compare the two).</param>
    public static void Compute(ReadOnlySpan<float> input, ReadOnlySpan<float> pooledGradient, ReadOnlySpan<byte> winners,
        Span<float> weightGradient, Span<float> biasGradient, int images, int channels, int rows, int columns, int filters, int kernel, int threads = 1,
        bool pairFilters = true)
    {
        int outRows = rows - kernel + 1, outColumns = columns - kernel + 1;
        int pooledRows = outRows / 2, pooledColumns = outColumns / 2, pooledSize = pooledRows * pooledColumns;
        if (kernel < 1 || outRows < 2 || outColumns < 2 || input.Length != images * channels * rows * columns
            || pooledGradient.Length != images * filters * pooledSize || winners.Length != pooledGradient.Length
            || weightGradient.Length != filters * channels * kernel * kernel || biasGradient.Length != filters)
            throw new ArgumentException("The buffers do not fit the convolution's shapes.");

        // One block of images per thread, each with its own sums, added in block order.
        int blocks = ParallelBlocks.Count(images, (long)channels * filters * pooledSize * kernel, threads);
        var weightSums = new float[blocks][];
        var biasSums = new double[blocks][];
        unsafe
        {
            fixed (float* inputAt = input, gradientAt = pooledGradient)
            fixed (byte* winnersAt = winners)
            {
                var (i, g, w) = ((nint)inputAt, (nint)gradientAt, (nint)winnersAt);
                int inputLength = input.Length, gradientLength = pooledGradient.Length, weightLength = weightGradient.Length;
                ParallelBlocks.Run(images, blocks, (block, first, end) =>
                {
                    weightSums[block] = new float[weightLength];
                    biasSums[block] = new double[filters];
                    AddImages(new ReadOnlySpan<float>((float*)i, inputLength), new ReadOnlySpan<float>((float*)g, gradientLength),
                        new ReadOnlySpan<byte>((byte*)w, gradientLength), weightSums[block], biasSums[block],
                        first, end, channels, rows, columns, filters, kernel, pairFilters);
                });
            }
        }
        weightSums[0].CopyTo(weightGradient);
        for (int block = 1; block < blocks; block++)
            for (int k = 0; k < weightGradient.Length; k++) weightGradient[k] += weightSums[block][k];
        for (int filter = 0; filter < filters; filter++)
        {
            double sum = 0;
            for (int block = 0; block < blocks; block++) sum += biasSums[block][filter];
            biasGradient[filter] = (float)sum;
        }
    }

    // Images first to end: each image's planes stay in the L1 cache while every filter reads them.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddImages(ReadOnlySpan<float> input, ReadOnlySpan<float> pooledGradient, ReadOnlySpan<byte> winners,
        Span<float> weightGradient, Span<double> biases, int first, int end, int channels, int rows, int columns, int filters, int kernel,
        bool pairFilters)
    {
        int outRows = rows - kernel + 1, outColumns = columns - kernel + 1;
        int pooledRows = outRows / 2, pooledColumns = outColumns / 2, pooledSize = pooledRows * pooledColumns;
        int tapCount = kernel * kernel;
        var (survivors0, survivors1) = (new PooledWinners(pooledRows, pooledColumns, columns), new PooledWinners(pooledRows, pooledColumns, columns));
        for (int image = first; image < end; image++)
            for (int channel = 0; channel < channels; channel++)
            {
                var plane = input.Slice((image * channels + channel) * rows * columns);
                int filter = 0;
                // FastCnn's 5x5 filters two at a time: two independent chains of sums keep the core busy (the same sums per filter).
                // Every window's eight-wide row reads stay inside the input (all but the input's last image): no calls in the loop, so
                // its sums stay in registers (a call there makes the JIT keep them in memory).
                int lastOrigin = (outRows - 1 - outRows % 2) * columns + outColumns - 1 - outColumns % 2;
                bool inside = lastOrigin <= plane.Length - (kernel - 1) * columns - Vector256<float>.Count;
                if (kernel == 5 && pairFilters && inside && Vector256.IsHardwareAccelerated)
                    for (; filter + 1 < filters; filter += 2)
                    {
                        int at = (image * filters + filter) * pooledSize;
                        survivors0.Collect(pooledGradient.Slice(at, pooledSize), winners.Slice(at, pooledSize));
                        survivors1.Collect(pooledGradient.Slice(at + pooledSize, pooledSize), winners.Slice(at + pooledSize, pooledSize));
                        AddPlanePair5(plane, columns, survivors0, survivors1, weightGradient.Slice((filter * channels + channel) * tapCount, tapCount),
                            weightGradient.Slice(((filter + 1) * channels + channel) * tapCount, tapCount));
                        if (channel == 0)
                        {
                            var (bias0, bias1) = SumPair(survivors0.Masked, survivors1.Masked);
                            biases[filter] += bias0;
                            biases[filter + 1] += bias1;
                        }
                    }
                for (; filter < filters; filter++)
                {
                    int at = (image * filters + filter) * pooledSize;
                    float planeBias = AddPlane(plane, columns, pooledGradient.Slice(at, pooledSize), winners.Slice(at, pooledSize),
                        pooledRows, pooledColumns, kernel, weightGradient.Slice((filter * channels + channel) * tapCount, tapCount));
                    if (channel == 0) biases[filter] += planeBias;
                }
            }
    }

    // Adds one image's contribution for one filter and one input channel to taps (kernel x kernel, row-major); returns
    // the sum of the gradients that reached a winner (the bias's share). `plane` runs on to the end of the input, so
    // eight-wide reads past a plane's last column stay inside the buffer; lanes past the kernel are dropped.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float AddPlane(ReadOnlySpan<float> plane, int columns, ReadOnlySpan<float> gradient, ReadOnlySpan<byte> winners,
        int pooledRows, int pooledColumns, int kernel, Span<float> taps)
    {
        if (!Vector256.IsHardwareAccelerated || kernel > Vector256<float>.Count) return AddPlaneScalar(plane, columns, gradient, winners, pooledRows, pooledColumns, kernel, taps);
        ref float planeRef = ref MemoryMarshal.GetReference(plane);
        ref float gradRef = ref MemoryMarshal.GetReference(gradient);
        ref byte winRef = ref MemoryMarshal.GetReference(winners);
        // Eight rows of taps at most, in registers; rows past the kernel stay unused.
        Vector256<float> t0 = default, t1 = default, t2 = default, t3 = default, t4 = default, t5 = default, t6 = default, t7 = default;
        float biasSum = 0;
        int lastSafeOrigin = plane.Length - (kernel - 1) * columns - Vector256<float>.Count;
        for (int py = 0, p = 0; py < pooledRows; py++)
        {
            for (int px = 0; px < pooledColumns; px++, p++)
            {
                int winner = Unsafe.Add(ref winRef, p);
                // Branch-free: an output without a winner (ReLU cut it) adds zero at its window's first position.
                int valid = (winner - MaxPool2x2Kernel.NoWinner) >> 31;
                float g = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(Unsafe.Add(ref gradRef, p)) & valid);
                int origin = (2 * py + ((winner >> 1) & 1)) * columns + 2 * px + (winner & 1);
                biasSum += g;
                if (origin > lastSafeOrigin)
                {
                    AddScalar(plane, origin, columns, kernel, g, taps);
                    continue;
                }
                var scale = Vector256.Create(g);
                ref float at = ref Unsafe.Add(ref planeRef, origin);
                t0 += scale * Vector256.LoadUnsafe(ref at);
                if (kernel > 1) t1 += scale * Vector256.LoadUnsafe(ref at, (nuint)columns);
                if (kernel > 2) t2 += scale * Vector256.LoadUnsafe(ref at, (nuint)(2 * columns));
                if (kernel > 3) t3 += scale * Vector256.LoadUnsafe(ref at, (nuint)(3 * columns));
                if (kernel > 4) t4 += scale * Vector256.LoadUnsafe(ref at, (nuint)(4 * columns));
                if (kernel > 5) t5 += scale * Vector256.LoadUnsafe(ref at, (nuint)(5 * columns));
                if (kernel > 6) t6 += scale * Vector256.LoadUnsafe(ref at, (nuint)(6 * columns));
                if (kernel > 7) t7 += scale * Vector256.LoadUnsafe(ref at, (nuint)(7 * columns));
            }
        }
        Span<Vector256<float>> rows = [t0, t1, t2, t3, t4, t5, t6, t7];
        for (int i = 0; i < kernel; i++)
            for (int j = 0; j < kernel; j++)
                taps[i * kernel + j] += rows[i][j];
        return biasSum;
    }

    // AddPlane for two filters of 5x5 taps from their listed survivors (windows that ReLU cut add nothing), where every
    // window's eight-wide rows lie inside the plane (the caller checks): two independent chains of sums side by side.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddPlanePair5(ReadOnlySpan<float> plane, int columns, PooledWinners first, PooledWinners second, Span<float> taps0, Span<float> taps1)
    {
        ref float planeRef = ref MemoryMarshal.GetReference(plane);
        ref int origin0 = ref MemoryMarshal.GetArrayDataReference(first.Origins);
        ref int origin1 = ref MemoryMarshal.GetArrayDataReference(second.Origins);
        ref float scale0 = ref MemoryMarshal.GetArrayDataReference(first.Scales);
        ref float scale1 = ref MemoryMarshal.GetArrayDataReference(second.Scales);
        int count0 = first.Count, count1 = second.Count, both = Math.Min(count0, count1), k = 0;
        Vector256<float> t00 = default, t01 = default, t02 = default, t03 = default, t04 = default;
        Vector256<float> t10 = default, t11 = default, t12 = default, t13 = default, t14 = default;
        for (; k < both; k++)
        {
            var scale = Vector256.Create(Unsafe.Add(ref scale0, k));
            ref float at = ref Unsafe.Add(ref planeRef, Unsafe.Add(ref origin0, k));
            t00 += scale * Vector256.LoadUnsafe(ref at);
            t01 += scale * Vector256.LoadUnsafe(ref at, (nuint)columns);
            t02 += scale * Vector256.LoadUnsafe(ref at, (nuint)(2 * columns));
            t03 += scale * Vector256.LoadUnsafe(ref at, (nuint)(3 * columns));
            t04 += scale * Vector256.LoadUnsafe(ref at, (nuint)(4 * columns));
            scale = Vector256.Create(Unsafe.Add(ref scale1, k));
            at = ref Unsafe.Add(ref planeRef, Unsafe.Add(ref origin1, k));
            t10 += scale * Vector256.LoadUnsafe(ref at);
            t11 += scale * Vector256.LoadUnsafe(ref at, (nuint)columns);
            t12 += scale * Vector256.LoadUnsafe(ref at, (nuint)(2 * columns));
            t13 += scale * Vector256.LoadUnsafe(ref at, (nuint)(3 * columns));
            t14 += scale * Vector256.LoadUnsafe(ref at, (nuint)(4 * columns));
        }
        for (int rest = k; rest < count0; rest++)
        {
            var scale = Vector256.Create(Unsafe.Add(ref scale0, rest));
            ref float at = ref Unsafe.Add(ref planeRef, Unsafe.Add(ref origin0, rest));
            t00 += scale * Vector256.LoadUnsafe(ref at);
            t01 += scale * Vector256.LoadUnsafe(ref at, (nuint)columns);
            t02 += scale * Vector256.LoadUnsafe(ref at, (nuint)(2 * columns));
            t03 += scale * Vector256.LoadUnsafe(ref at, (nuint)(3 * columns));
            t04 += scale * Vector256.LoadUnsafe(ref at, (nuint)(4 * columns));
        }
        for (int rest = k; rest < count1; rest++)
        {
            var scale = Vector256.Create(Unsafe.Add(ref scale1, rest));
            ref float at = ref Unsafe.Add(ref planeRef, Unsafe.Add(ref origin1, rest));
            t10 += scale * Vector256.LoadUnsafe(ref at);
            t11 += scale * Vector256.LoadUnsafe(ref at, (nuint)columns);
            t12 += scale * Vector256.LoadUnsafe(ref at, (nuint)(2 * columns));
            t13 += scale * Vector256.LoadUnsafe(ref at, (nuint)(3 * columns));
            t14 += scale * Vector256.LoadUnsafe(ref at, (nuint)(4 * columns));
        }
        AddRows5(taps0, t00, t01, t02, t03, t04);
        AddRows5(taps1, t10, t11, t12, t13, t14);
    }

    // Two planes' bias shares: every window's gradient (+0 where ReLU cut it) in window order, as AddPlane sums them.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (float, float) SumPair(float[] first, float[] second)
    {
        float sum0 = 0, sum1 = 0;
        for (int p = 0; p < first.Length && p < second.Length; p++)
        {
            sum0 += first[p];
            sum1 += second[p];
        }
        return (sum0, sum1);
    }

    private static void AddRows5(Span<float> taps, Vector256<float> r0, Vector256<float> r1, Vector256<float> r2, Vector256<float> r3, Vector256<float> r4)
    {
        Span<Vector256<float>> rows = [r0, r1, r2, r3, r4];
        for (int i = 0; i < 5; i++)
            for (int j = 0; j < 5; j++)
                taps[i * 5 + j] += rows[i][j];
    }

    private static void AddScalar(ReadOnlySpan<float> plane, int origin, int columns, int kernel, float g, Span<float> taps)
    {
        for (int i = 0; i < kernel; i++)
            for (int j = 0; j < kernel; j++)
                taps[i * kernel + j] += g * plane[origin + i * columns + j];
    }

    private static float AddPlaneScalar(ReadOnlySpan<float> plane, int columns, ReadOnlySpan<float> gradient, ReadOnlySpan<byte> winners,
        int pooledRows, int pooledColumns, int kernel, Span<float> taps)
    {
        float biasSum = 0;
        for (int py = 0, p = 0; py < pooledRows; py++)
            for (int px = 0; px < pooledColumns; px++, p++)
            {
                byte winner = winners[p];
                if (winner >= MaxPool2x2Kernel.NoWinner) continue;
                biasSum += gradient[p];
                AddScalar(plane, (2 * py + (winner >> 1)) * columns + 2 * px + (winner & 1), columns, kernel, gradient[p], taps);
            }
        return biasSum;
    }
}
