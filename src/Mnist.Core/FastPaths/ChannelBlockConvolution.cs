using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Mnist.Core.FastPaths;

/// <summary>
/// A convolution over several input channels (stride 1, no padding; channels and filters multiples of 8), then 2x2 max
/// pooling and ReLU, for FastCnn's second layer (24 channels of 12x12, 32 filters of 3x3). Each output is summed in the
/// order libtorch's oneDNN sums it on this path (the bias, then channel blocks of eight: within a block every tap in
/// row-major order, and each of the block's channels at that tap, one fused multiply-add each), so the values are the
/// same bits, while the work is laid out for the shape: sixteen filters in two vectors (the weights turned
/// [channel][row][column][filter] once per call), five output pixels sharing each weight load. Each image's full-size
/// maps go to a scratch buffer as [pixel][filter], pooled there by <see cref="FilterMajorPooling"/> (the values and
/// winners <see cref="MaxPool2x2Kernel"/> gives). Images are split
/// into one block per thread; no sums cross images, so every thread count gives the same bits.
/// </summary>
internal static class ChannelBlockConvolution
{
    /// <summary>The channels summed together at each tap: libtorch's block on this path.</summary>
    public const int ChannelBlock = 8;
    private const int PixelGroup = 5;
    private const int FilterVectors = 2; // 5 pixels x 2 vectors of filters: 10 sums, 2 weights and an input fill 13 of the 16 vector registers

    /// <summary>Whether this CPU runs the kernel and the shape is one it sums in libtorch's order.</summary>
    public static bool Covers(long channels, long filters) =>
        Fma.IsSupported && Avx2.IsSupported && channels % ChannelBlock == 0 && filters % 8 == 0 && channels > 0 && filters > 0;

    /// <param name="input">[images, channels, rows, columns]</param>
    /// <param name="weight">[filters, channels, kernel, kernel]</param>
    /// <param name="bias">[filters]</param>
    /// <param name="pooled">[images, filters, outRows / 2, outColumns / 2], overwritten with ReLU(max pool(convolution))</param>
    /// <param name="winners">as <paramref name="pooled"/>: each output's winner code (<see cref="MaxPool2x2Kernel"/>)</param>
    public static void ConvolveAndPool(ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias,
        Span<float> pooled, Span<byte> winners, int images, int channels, int rows, int columns, int filters, int kernel, int threads)
    {
        int outRows = rows - kernel + 1, outColumns = columns - kernel + 1;
        long pooledLength = (long)images * filters * (outRows / 2) * (outColumns / 2);
        if (!Covers(channels, filters)) throw new PlatformNotSupportedException("The channel-block convolution needs AVX2, FMA and channels and filters in eights.");
        if (kernel < 1 || outRows < 2 || outColumns < 2 || input.Length != (long)images * channels * rows * columns
            || weight.Length != filters * channels * kernel * kernel || bias.Length != filters || pooled.Length != pooledLength || winners.Length != pooledLength)
            throw new ArgumentException("The buffers do not fit the convolution's shapes.");
        // [channel][i][j][filter]: one tap's filters are consecutive.
        var tapWeights = new float[weight.Length];
        for (int f = 0; f < filters; f++)
            for (int t = 0; t < channels * kernel * kernel; t++) tapWeights[t * filters + f] = weight[f * channels * kernel * kernel + t];
        int imageSize = channels * rows * columns, mapSize = outRows * outColumns, pooledSize = filters * (outRows / 2) * (outColumns / 2);
        int blocks = ParallelBlocks.Count(images, (long)filters * mapSize * channels * kernel * kernel / 8, threads);
        unsafe
        {
            fixed (float* inputAt = input, biasAt = bias, pooledAt = pooled)
            fixed (byte* winnersAt = winners)
            {
                var (i, b, p, c) = ((nint)inputAt, (nint)biasAt, (nint)pooledAt, (nint)winnersAt);
                ParallelBlocks.Run(images, blocks, (_, first, end) =>
                {
                    var pixels = new float[mapSize * filters];
                    var scratch = new float[2 * pooledSize];
                    var biases = new ReadOnlySpan<float>((float*)b, filters);
                    for (int n = first; n < end; n++)
                    {
                        Convolve(new ReadOnlySpan<float>((float*)i + (long)n * imageSize, imageSize), tapWeights, biases, pixels, channels, rows, columns, filters, kernel);
                        FilterMajorPooling.PoolWithRelu(pixels, new Span<float>((float*)p + (long)n * pooledSize, pooledSize),
                            new Span<byte>((byte*)c + (long)n * pooledSize, pooledSize), scratch, outRows, outColumns, filters);
                    }
                });
            }
        }
    }

    /// <summary>One image's full-size outputs as [pixel][filter].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Convolve(ReadOnlySpan<float> image, ReadOnlySpan<float> tapWeights, ReadOnlySpan<float> bias, Span<float> pixels,
        int channels, int rows, int columns, int filters, int kernel)
    {
        int outRows = rows - kernel + 1, outColumns = columns - kernel + 1, plane = rows * columns, channelWeights = kernel * kernel * filters;
        ref float imageRef = ref MemoryMarshal.GetReference(image);
        ref float weightRef = ref MemoryMarshal.GetReference(tapWeights);
        ref float biasRef = ref MemoryMarshal.GetReference(bias);
        ref float pixelsRef = ref MemoryMarshal.GetReference(pixels);
        int filter = 0;
        for (; filter + FilterVectors * 8 <= filters; filter += FilterVectors * 8)
        {
            var (b0, b1) = (Vector256.LoadUnsafe(ref biasRef, (nuint)filter), Vector256.LoadUnsafe(ref biasRef, (nuint)(filter + 8)));
            for (int y = 0; y < outRows; y++)
            {
                int x = 0;
                for (; x + PixelGroup <= outColumns; x += PixelGroup)
                {
                    Vector256<float> a00 = b0, a01 = b1, a10 = b0, a11 = b1, a20 = b0, a21 = b1, a30 = b0, a31 = b1, a40 = b0, a41 = b1;
                    for (int block = 0; block < channels; block += ChannelBlock)
                        for (int i = 0; i < kernel; i++)
                            for (int j = 0; j < kernel; j++)
                            {
                                ref float w = ref Unsafe.Add(ref weightRef, ((block * kernel + i) * kernel + j) * filters + filter);
                                ref float at = ref Unsafe.Add(ref imageRef, block * plane + (y + i) * columns + x + j);
                                for (int c = 0; c < ChannelBlock; c++, w = ref Unsafe.Add(ref w, channelWeights), at = ref Unsafe.Add(ref at, plane))
                                {
                                    var w0 = Vector256.LoadUnsafe(ref w);
                                    var w1 = Vector256.LoadUnsafe(ref w, 8);
                                    var v = Vector256.Create(at);
                                    a00 = Fma.MultiplyAdd(v, w0, a00); a01 = Fma.MultiplyAdd(v, w1, a01);
                                    v = Vector256.Create(Unsafe.Add(ref at, 1));
                                    a10 = Fma.MultiplyAdd(v, w0, a10); a11 = Fma.MultiplyAdd(v, w1, a11);
                                    v = Vector256.Create(Unsafe.Add(ref at, 2));
                                    a20 = Fma.MultiplyAdd(v, w0, a20); a21 = Fma.MultiplyAdd(v, w1, a21);
                                    v = Vector256.Create(Unsafe.Add(ref at, 3));
                                    a30 = Fma.MultiplyAdd(v, w0, a30); a31 = Fma.MultiplyAdd(v, w1, a31);
                                    v = Vector256.Create(Unsafe.Add(ref at, 4));
                                    a40 = Fma.MultiplyAdd(v, w0, a40); a41 = Fma.MultiplyAdd(v, w1, a41);
                                }
                            }
                    ref float out0 = ref Unsafe.Add(ref pixelsRef, (y * outColumns + x) * filters + filter);
                    Store2(ref out0, a00, a01);
                    Store2(ref Unsafe.Add(ref out0, filters), a10, a11);
                    Store2(ref Unsafe.Add(ref out0, 2 * filters), a20, a21);
                    Store2(ref Unsafe.Add(ref out0, 3 * filters), a30, a31);
                    Store2(ref Unsafe.Add(ref out0, 4 * filters), a40, a41);
                }
                for (; x < outColumns; x++)
                    for (int f = filter; f < filter + FilterVectors * 8; f += 8)
                        ConvolveOne(ref imageRef, ref weightRef, ref biasRef, ref pixelsRef, f, y, x, channels, columns, plane, outColumns, filters, kernel);
            }
        }
        for (; filter < filters; filter += 8)
            for (int y = 0; y < outRows; y++)
                for (int x = 0; x < outColumns; x++)
                    ConvolveOne(ref imageRef, ref weightRef, ref biasRef, ref pixelsRef, filter, y, x, channels, columns, plane, outColumns, filters, kernel);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store2(ref float at, Vector256<float> a, Vector256<float> b)
    {
        a.StoreUnsafe(ref at);
        b.StoreUnsafe(ref at, 8);
    }

    // Eight filters of one output pixel, in the same order.
    private static void ConvolveOne(ref float imageRef, ref float weightRef, ref float biasRef, ref float pixelsRef, int filter, int y, int x,
        int channels, int columns, int plane, int outColumns, int filters, int kernel)
    {
        var sum = Vector256.LoadUnsafe(ref biasRef, (nuint)filter);
        for (int block = 0; block < channels; block += ChannelBlock)
            for (int i = 0; i < kernel; i++)
                for (int j = 0; j < kernel; j++)
                    for (int ch = block; ch < block + ChannelBlock; ch++)
                        sum = Fma.MultiplyAdd(Vector256.Create(Unsafe.Add(ref imageRef, ch * plane + (y + i) * columns + x + j)),
                            Vector256.LoadUnsafe(ref weightRef, (nuint)(((ch * kernel + i) * kernel + j) * filters + filter)), sum);
        sum.StoreUnsafe(ref pixelsRef, (nuint)((y * outColumns + x) * filters + filter));
    }
}
