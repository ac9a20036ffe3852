using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Mnist.Core.FastPaths;

/// <summary>
/// The input, weight and bias gradients of a convolution (stride 1, no padding) followed by 2x2 max pooling and ReLU,
/// from the pooled gradient and the pooling's winner codes (<see cref="MaxPool2x2Kernel"/>). Only a window's winner
/// carries a gradient (a quarter of the convolution's outputs, about half of those after ReLU), so this visits those
/// alone, where libtorch's convolution backward multiplies the full-size output gradient, three quarters zeros,
/// through two dense products. Each image is turned channels-last first, so the window under one output is
/// <c>kernel</c> runs of <c>kernel x channels</c> consecutive floats, and each winner costs two vector AXPYs per
/// kernel row: the weight gradient gains gradient x window, the input gradient gains gradient x weights. Images are
/// split into one fixed block per thread, each with its own weight and bias sums, added in block order: the result
/// depends on the thread count, never on scheduling.
/// </summary>
internal static class PooledConvolutionBackward
{
    /// <param name="input">[images, channels, rows, columns]</param>
    /// <param name="weight">[filters, channels, kernel, kernel]</param>
    /// <param name="pooledGradient">[images, filters, outRows / 2, outColumns / 2], with <paramref name="winners"/> alike</param>
    /// <param name="inputGradient">as <paramref name="input"/>, overwritten</param>
    /// <param name="weightGradient">as <paramref name="weight"/>, overwritten</param>
    /// <param name="biasGradient">[filters], overwritten</param>
    public static void Compute(ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> pooledGradient, ReadOnlySpan<byte> winners,
        Span<float> inputGradient, Span<float> weightGradient, Span<float> biasGradient,
        int images, int channels, int rows, int columns, int filters, int kernel, int threads)
    {
        var shape = new Shape(images, channels, rows, columns, filters, kernel);
        if (kernel < 1 || shape.OutRows < 2 || shape.OutColumns < 2 || input.Length != shape.InputLength || inputGradient.Length != input.Length
            || weight.Length != shape.WeightLength || weightGradient.Length != weight.Length || biasGradient.Length != filters
            || pooledGradient.Length != (long)images * filters * shape.PooledSize || winners.Length != pooledGradient.Length)
            throw new ArgumentException("The buffers do not fit the convolution's shapes.");

        // The weights as [filter][kernel row][kernel column][channel], so each kernel row is one run, as the window's.
        var weightRows = new float[shape.WeightLength];
        ToKernelRows(weight, weightRows, shape);
        int blocks = Math.Clamp(threads, 1, images);
        var weightSums = new float[blocks][];
        var biasSums = new double[blocks][];
        unsafe
        {
            fixed (float* inputAt = input, pooledAt = pooledGradient, inputGradientAt = inputGradient)
            fixed (byte* winnersAt = winners)
            {
                var (inputPointer, pooledPointer, winnersPointer, inputGradientPointer) = ((nint)inputAt, (nint)pooledAt, (nint)winnersAt, (nint)inputGradientAt);
                int inputLength = input.Length, pooledLength = pooledGradient.Length;
                void Block(int block)
                {
                    int first = (int)((long)images * block / blocks), end = (int)((long)images * (block + 1) / blocks);
                    weightSums[block] = new float[shape.WeightLength];
                    biasSums[block] = new double[filters];
                    var source = new ReadOnlySpan<float>((float*)inputPointer, inputLength);
                    var gradient = new ReadOnlySpan<float>((float*)pooledPointer, pooledLength);
                    var codes = new ReadOnlySpan<byte>((byte*)winnersPointer, pooledLength);
                    var target = new Span<float>((float*)inputGradientPointer, inputLength);
                    RunImages(source, weightRows, gradient, codes, target, weightSums[block], biasSums[block], shape, first, end);
                }
                if (blocks == 1) Block(0);
                else Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = blocks }, Block);
            }
        }
        var total = weightSums[0];
        for (int block = 1; block < blocks; block++) Add(total, weightSums[block]);
        FromKernelRows(total, weightGradient, shape);
        for (int filter = 0; filter < filters; filter++)
        {
            double sum = 0;
            for (int block = 0; block < blocks; block++) sum += biasSums[block][filter];
            biasGradient[filter] = (float)sum;
        }
    }

    private readonly record struct Shape(int Images, int Channels, int Rows, int Columns, int Filters, int Kernel)
    {
        public int OutRows => Rows - Kernel + 1;
        public int OutColumns => Columns - Kernel + 1;
        public int PooledRows => OutRows / 2;
        public int PooledColumns => OutColumns / 2;
        public int PooledSize => PooledRows * PooledColumns;
        public int ImageSize => Channels * Rows * Columns;
        public int Run => Kernel * Channels;
        public int FilterSize => Kernel * Run;
        public long InputLength => (long)Images * ImageSize;
        public int WeightLength => Filters * FilterSize;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunImages(ReadOnlySpan<float> input, ReadOnlySpan<float> weightRows, ReadOnlySpan<float> pooledGradient, ReadOnlySpan<byte> winners,
        Span<float> inputGradient, Span<float> weightSums, Span<double> biasSums, in Shape s, int first, int end)
    {
        int imageSize = s.ImageSize, run = s.Run, rowStride = s.Columns * s.Channels, filterSize = s.FilterSize;
        var pool = ArrayPool<float>.Shared;
        float[] imageRows = pool.Rent(imageSize), gradientRows = pool.Rent(imageSize);
        try
        {
            var image = imageRows.AsSpan(0, imageSize);
            var imageGradient = gradientRows.AsSpan(0, imageSize);
            for (int n = first; n < end; n++)
            {
                ToChannelsLast(input.Slice(n * imageSize, imageSize), image, s.Channels, s.Rows * s.Columns);
                imageGradient.Clear();
                for (int filter = 0; filter < s.Filters; filter++)
                {
                    int at = (n * s.Filters + filter) * s.PooledSize;
                    var filterWeights = weightRows.Slice(filter * filterSize, filterSize);
                    var filterSums = weightSums.Slice(filter * filterSize, filterSize);
                    double bias = 0;
                    for (int py = 0, p = 0; py < s.PooledRows; py++)
                        for (int px = 0; px < s.PooledColumns; px++, p++)
                        {
                            byte winner = winners[at + p];
                            float g = pooledGradient[at + p];
                            if (winner >= MaxPool2x2Kernel.NoWinner || g == 0) continue;
                            bias += g;
                            int origin = (2 * py + (winner >> 1)) * rowStride + (2 * px + (winner & 1)) * s.Channels;
                            for (int i = 0; i < s.Kernel; i++)
                            {
                                int window = origin + i * rowStride;
                                AddScaled(filterSums.Slice(i * run, run), g, image.Slice(window, run));
                                AddScaled(imageGradient.Slice(window, run), g, filterWeights.Slice(i * run, run));
                            }
                        }
                    biasSums[filter] += bias;
                }
                FromChannelsLast(imageGradient, inputGradient.Slice(n * imageSize, imageSize), s.Channels, s.Rows * s.Columns);
            }
        }
        finally
        {
            pool.Return(imageRows);
            pool.Return(gradientRows);
        }
    }

    /// <summary>target += scale * source, elementwise.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddScaled(Span<float> target, float scale, ReadOnlySpan<float> source)
    {
        int n = target.Length, i = 0;
        ref float t = ref MemoryMarshal.GetReference(target);
        ref float s = ref MemoryMarshal.GetReference(source);
        if (Vector512.IsHardwareAccelerated)
        {
            var factor = Vector512.Create(scale);
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
                (Vector512.LoadUnsafe(ref t, (nuint)i) + factor * Vector512.LoadUnsafe(ref s, (nuint)i)).StoreUnsafe(ref t, (nuint)i);
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var factor = Vector256.Create(scale);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
                (Vector256.LoadUnsafe(ref t, (nuint)i) + factor * Vector256.LoadUnsafe(ref s, (nuint)i)).StoreUnsafe(ref t, (nuint)i);
        }
        for (; i < n; i++) Unsafe.Add(ref t, i) += scale * Unsafe.Add(ref s, i);
    }

    private static void Add(float[] total, float[] more)
    {
        for (int i = 0; i < total.Length; i++) total[i] += more[i];
    }

    // [channel][pixel] to [pixel][channel] and back, one image.
    private static void ToChannelsLast(ReadOnlySpan<float> planes, Span<float> pixels, int channels, int size)
    {
        for (int c = 0; c < channels; c++)
        {
            var plane = planes.Slice(c * size, size);
            for (int p = 0; p < size; p++) pixels[p * channels + c] = plane[p];
        }
    }

    private static void FromChannelsLast(ReadOnlySpan<float> pixels, Span<float> planes, int channels, int size)
    {
        for (int c = 0; c < channels; c++)
        {
            var plane = planes.Slice(c * size, size);
            for (int p = 0; p < size; p++) plane[p] = pixels[p * channels + c];
        }
    }

    // [filter][channel][i][j] to [filter][i][j][channel] and back.
    private static void ToKernelRows(ReadOnlySpan<float> weight, Span<float> rows, in Shape s)
    {
        int k = s.Kernel;
        for (int f = 0; f < s.Filters; f++)
            for (int c = 0; c < s.Channels; c++)
                for (int i = 0; i < k; i++)
                    for (int j = 0; j < k; j++)
                        rows[f * s.FilterSize + i * s.Run + j * s.Channels + c] = weight[((f * s.Channels + c) * k + i) * k + j];
    }

    private static void FromKernelRows(ReadOnlySpan<float> rows, Span<float> weight, in Shape s)
    {
        int k = s.Kernel;
        for (int f = 0; f < s.Filters; f++)
            for (int c = 0; c < s.Channels; c++)
                for (int i = 0; i < k; i++)
                    for (int j = 0; j < k; j++)
                        weight[((f * s.Channels + c) * k + i) * k + j] = rows[f * s.FilterSize + i * s.Run + j * s.Channels + c];
    }
}
