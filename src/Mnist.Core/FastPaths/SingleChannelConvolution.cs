using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Mnist.Core.FastPaths;

/// <summary>
/// A convolution over one input channel (stride 1, no padding), then 2x2 max pooling and ReLU, for FastCnn's first
/// layer (28x28 images, 24 filters of 5x5): libtorch's oneDNN treats it as a general convolution with a 25-long
/// reduction and spends ~11 ms of one core on a batch of 256; this computes each output in the same order libtorch
/// does (the bias, then one fused multiply-add per tap, rows then columns), so the values are the same bits, with
/// eight output columns per vector and three filters sharing each input load. Each image's full-size maps go to a
/// scratch buffer that <see cref="MaxPool2x2Kernel"/> pools (the same kernel as before: the same outputs and
/// winners). Images are split into one block per thread; no sums cross images, so every thread count gives the same bits.
/// </summary>
internal static class SingleChannelConvolution
{
    private const int FilterGroup = 3; // 3 filters x 3 column vectors: 9 sums, 3 inputs and a weight fill 13 of the 16 vector registers
    private const int ColumnVectors = 3;

    /// <summary>Whether this CPU runs the kernel (256-bit vectors with fused multiply-add).</summary>
    public static bool IsSupported => Fma.IsSupported && Avx2.IsSupported;

    /// <param name="input">[images, 1, rows, columns]</param>
    /// <param name="weight">[filters, 1, kernel, kernel]</param>
    /// <param name="bias">[filters]</param>
    /// <param name="pooled">[images, filters, outRows / 2, outColumns / 2], overwritten with ReLU(max pool(convolution))</param>
    /// <param name="winners">as <paramref name="pooled"/>: each output's winner code (<see cref="MaxPool2x2Kernel"/>)</param>
    public static void ConvolveAndPool(ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        Span<float> pooled, Span<byte> winners, int images, int rows, int columns, int filters, int kernel, int threads)
    {
        int outRows = rows - kernel + 1, outColumns = columns - kernel + 1;
        long pooledLength = (long)images * filters * (outRows / 2) * (outColumns / 2);
        if (!IsSupported) throw new PlatformNotSupportedException("The single-channel convolution needs AVX2 and FMA.");
        if (kernel < 1 || outRows < 2 || outColumns < 2 || input.Length != (long)images * rows * columns
            || weight.Length != filters * kernel * kernel || bias.Length != filters || pooled.Length != pooledLength || winners.Length != pooledLength)
            throw new ArgumentException("The buffers do not fit the convolution's shapes.");
        int imageSize = rows * columns, mapsSize = filters * outRows * outColumns, pooledSize = filters * (outRows / 2) * (outColumns / 2);
        int blocks = ParallelBlocks.Count(images, (long)mapsSize * kernel, threads);
        unsafe
        {
            fixed (float* inputAt = input, weightAt = weight, biasAt = bias, pooledAt = pooled)
            fixed (byte* winnersAt = winners)
            {
                var (i, w, b, p, c) = ((nint)inputAt, (nint)weightAt, (nint)biasAt, (nint)pooledAt, (nint)winnersAt);
                int weightLength = weight.Length;
                ParallelBlocks.Run(images, blocks, (_, first, end) =>
                {
                    var maps = new float[mapsSize];
                    var weights = new ReadOnlySpan<float>((float*)w, weightLength);
                    var biases = new ReadOnlySpan<float>((float*)b, filters);
                    for (int n = first; n < end; n++)
                    {
                        Convolve(new ReadOnlySpan<float>((float*)i + (long)n * imageSize, imageSize), weights, biases, maps, rows, columns, filters, kernel);
                        MaxPool2x2Kernel.Forward(maps, new Span<float>((float*)p + (long)n * pooledSize, pooledSize),
                            new Span<byte>((byte*)c + (long)n * pooledSize, pooledSize), filters, outRows, outColumns, relu: true);
                    }
                });
            }
        }
    }

    /// <summary>One image's full-size maps, [filters][outRows][outColumns]: bias + sum of taps, each a fused multiply-add in row-major tap order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Convolve(ReadOnlySpan<float> image, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, Span<float> maps,
        int rows, int columns, int filters, int kernel)
    {
        int outRows = rows - kernel + 1, outColumns = columns - kernel + 1, taps = kernel * kernel, mapSize = outRows * outColumns;
        ref float imageRef = ref MemoryMarshal.GetReference(image);
        ref float weightRef = ref MemoryMarshal.GetReference(weight);
        ref float mapsRef = ref MemoryMarshal.GetReference(maps);
        int filter = 0;
        for (; filter + FilterGroup <= filters; filter += FilterGroup)
        {
            ref float w0 = ref Unsafe.Add(ref weightRef, filter * taps);
            ref float w1 = ref Unsafe.Add(ref w0, taps);
            ref float w2 = ref Unsafe.Add(ref w1, taps);
            var (b0, b1, b2) = (Vector256.Create(bias[filter]), Vector256.Create(bias[filter + 1]), Vector256.Create(bias[filter + 2]));
            for (int y = 0; y < outRows; y++)
            {
                int x = 0;
                for (; x + ColumnVectors * 8 <= outColumns; x += ColumnVectors * 8)
                {
                    Vector256<float> a00 = b0, a01 = b0, a02 = b0, a10 = b1, a11 = b1, a12 = b1;
                    Vector256<float> a20 = b2, a21 = b2, a22 = b2;
                    for (int i = 0; i < kernel; i++)
                    {
                        ref float row = ref Unsafe.Add(ref imageRef, (y + i) * columns + x);
                        for (int j = 0; j < kernel; j++)
                        {
                            var v0 = Vector256.LoadUnsafe(ref row, (nuint)j);
                            var v1 = Vector256.LoadUnsafe(ref row, (nuint)(j + 8));
                            var v2 = Vector256.LoadUnsafe(ref row, (nuint)(j + 16));
                            int t = i * kernel + j;
                            var s = Vector256.Create(Unsafe.Add(ref w0, t));
                            a00 = Fma.MultiplyAdd(v0, s, a00); a01 = Fma.MultiplyAdd(v1, s, a01); a02 = Fma.MultiplyAdd(v2, s, a02);
                            s = Vector256.Create(Unsafe.Add(ref w1, t));
                            a10 = Fma.MultiplyAdd(v0, s, a10); a11 = Fma.MultiplyAdd(v1, s, a11); a12 = Fma.MultiplyAdd(v2, s, a12);
                            s = Vector256.Create(Unsafe.Add(ref w2, t));
                            a20 = Fma.MultiplyAdd(v0, s, a20); a21 = Fma.MultiplyAdd(v1, s, a21); a22 = Fma.MultiplyAdd(v2, s, a22);
                        }
                    }
                    ref float out0 = ref Unsafe.Add(ref mapsRef, filter * mapSize + y * outColumns + x);
                    Store3(ref out0, a00, a01, a02);
                    Store3(ref Unsafe.Add(ref out0, mapSize), a10, a11, a12);
                    Store3(ref Unsafe.Add(ref out0, 2 * mapSize), a20, a21, a22);
                }
                for (int f = filter; f < filter + FilterGroup; f++) ConvolveRowRest(ref imageRef, ref weightRef, bias[f], ref mapsRef, f, y, x, columns, outColumns, kernel, mapSize);
            }
        }
        for (; filter < filters; filter++)
            for (int y = 0; y < outRows; y++) ConvolveRowRest(ref imageRef, ref weightRef, bias[filter], ref mapsRef, filter, y, 0, columns, outColumns, kernel, mapSize);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store3(ref float at, Vector256<float> a, Vector256<float> b, Vector256<float> c)
    {
        a.StoreUnsafe(ref at);
        b.StoreUnsafe(ref at, 8);
        c.StoreUnsafe(ref at, 16);
    }

    // One filter's output row from column `x` on: eight columns per vector, then one at a time (the same order).
    private static void ConvolveRowRest(ref float imageRef, ref float weightRef, float bias, ref float mapsRef, int filter, int y, int x,
        int columns, int outColumns, int kernel, int mapSize)
    {
        ref float w = ref Unsafe.Add(ref weightRef, filter * kernel * kernel);
        ref float output = ref Unsafe.Add(ref mapsRef, filter * mapSize + y * outColumns);
        for (; x + 8 <= outColumns; x += 8)
        {
            var sum = Vector256.Create(bias);
            for (int i = 0; i < kernel; i++)
            {
                ref float row = ref Unsafe.Add(ref imageRef, (y + i) * columns + x);
                for (int j = 0; j < kernel; j++)
                    sum = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref row, (nuint)j), Vector256.Create(Unsafe.Add(ref w, i * kernel + j)), sum);
            }
            sum.StoreUnsafe(ref output, (nuint)x);
        }
        for (; x < outColumns; x++)
        {
            float sum = bias;
            for (int i = 0; i < kernel; i++)
                for (int j = 0; j < kernel; j++)
                    sum = MathF.FusedMultiplyAdd(Unsafe.Add(ref imageRef, (y + i) * columns + x + j), Unsafe.Add(ref w, i * kernel + j), sum);
            Unsafe.Add(ref output, x) = sum;
        }
    }
}
