using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Mnist.Core.FastPaths;

/// <summary>
/// The input, weight and bias gradients of a convolution (stride 1, no padding) followed by 2x2 max pooling and ReLU,
/// from the pooled gradient and the pooling's winner codes (<see cref="MaxPool2x2Kernel"/>). Only a window's winner
/// carries a gradient (a quarter of the convolution's outputs at most; ReLU drops the windows whose maximum is not
/// positive), so this visits those alone, where libtorch's convolution backward multiplies the full-size output
/// gradient, three quarters zeros at least, through two dense products. Each image is turned channels-last first
/// (<see cref="ChannelsLast"/>, into a cache-line-aligned scratch), so the window under one output is <c>kernel</c> runs
/// of <c>kernel x channels</c> consecutive floats. Per image and filter the winners are listed once, in the order
/// their terms are summed; the weight gradient gains gradient x window with each copy's sums held in registers over
/// its windows (<see cref="WindowSums.AddEvery"/>), the input gradient gains gradient x weights window by window
/// (neighbouring windows overlap, so this stays a scatter). Images are split into one fixed block per thread, each
/// with its own weight and bias sums, added in block order: the result depends on the thread count, never on scheduling.
/// </summary>
internal static class PooledConvolutionBackward
{
    // Each filter's weight sums rotate over this many copies by window (added up at the end): the order the first
    // version summed in, kept so that trainings keep their bits.
    private const int SumCopies = 4;

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
        int blocks = ParallelBlocks.Count(images, shape.ImageSize * (long)filters, threads);
        var weightSums = new float[blocks][];
        var biasSums = new double[blocks][];
        unsafe
        {
            fixed (float* inputAt = input, pooledAt = pooledGradient, inputGradientAt = inputGradient)
            fixed (byte* winnersAt = winners)
            {
                var (inputPointer, pooledPointer, winnersPointer, inputGradientPointer) = ((nint)inputAt, (nint)pooledAt, (nint)winnersAt, (nint)inputGradientAt);
                int inputLength = input.Length, pooledLength = pooledGradient.Length;
                ParallelBlocks.Run(images, blocks, (block, first, end) =>
                {
                    weightSums[block] = new float[SumCopies * shape.WeightLength];
                    biasSums[block] = new double[filters];
                    var source = new ReadOnlySpan<float>((float*)inputPointer, inputLength);
                    var gradient = new ReadOnlySpan<float>((float*)pooledPointer, pooledLength);
                    var codes = new ReadOnlySpan<byte>((byte*)winnersPointer, pooledLength);
                    var target = new Span<float>((float*)inputGradientPointer, inputLength);
                    RunImages(source, weightRows, gradient, codes, target, weightSums[block], biasSums[block], shape, first, end);
                });
            }
        }
        var total = new float[shape.WeightLength];
        for (int block = 0; block < blocks; block++)
            for (int copy = 0; copy < SumCopies; copy++)
                Add(total, weightSums[block].AsSpan(copy * shape.WeightLength, shape.WeightLength));
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
        int imageSize = s.ImageSize, run = s.Run, rowStride = s.Columns * s.Channels, filterSize = s.FilterSize, kernel = s.Kernel;
        int pooledRows = s.PooledRows, pooledColumns = s.PooledColumns, channels = s.Channels, weightLength = s.WeightLength;
        using var scratch = new AlignedFloats(2 * imageSize);
        Span<int> origins = stackalloc int[s.PooledSize];
        Span<float> scales = stackalloc float[s.PooledSize];
        var image = scratch.Span.Slice(0, imageSize);
        var imageGradient = scratch.Span.Slice(imageSize, imageSize);
        // Every window lies inside the image (the pooled outputs cover whole windows only): no bounds checks below.
        ref float imageRef = ref MemoryMarshal.GetReference(image);
        ref float imageGradientRef = ref MemoryMarshal.GetReference(imageGradient);
        ref float weightRef = ref MemoryMarshal.GetReference(weightRows);
        ref float sumsRef = ref MemoryMarshal.GetReference(weightSums);
        for (int n = first; n < end; n++)
        {
            ChannelsLast.FromPlanes(input.Slice(n * imageSize, imageSize), image, channels, s.Rows * s.Columns);
            imageGradient.Clear();
            for (int filter = 0; filter < s.Filters; filter++)
            {
                int at = (n * s.Filters + filter) * s.PooledSize;
                var codes = winners.Slice(at, s.PooledSize);
                var gradients = pooledGradient.Slice(at, s.PooledSize);
                double bias = 0;
                int count = 0;
                // The windows in the order their updates are summed: by row, even columns before odd ones.
                for (int py = 0; py < pooledRows; py++)
                    for (int parity = 0; parity < 2; parity++)
                        for (int px = parity; px < pooledColumns; px += 2)
                        {
                            int p = py * pooledColumns + px;
                            byte winner = codes[p];
                            float g = gradients[p];
                            if (winner >= MaxPool2x2Kernel.NoWinner || g == 0) continue;
                            bias += g;
                            origins[count] = (2 * py + (winner >> 1)) * rowStride + (2 * px + (winner & 1)) * channels;
                            scales[count++] = g;
                        }
                biasSums[filter] += bias;
                ref float filterSums = ref Unsafe.Add(ref sumsRef, filter * filterSize);
                for (int copy = 0; copy < SumCopies && copy < count; copy++)
                    WindowSums.AddEvery(ref Unsafe.Add(ref filterSums, copy * weightLength), ref imageRef, origins, scales, copy, SumCopies, count, kernel, run, rowStride);
                ref float filterWeights = ref Unsafe.Add(ref weightRef, filter * filterSize);
                for (int k = 0; k < count; k++)
                    WindowSums.AddScaledRows(ref Unsafe.Add(ref imageGradientRef, origins[k]), rowStride, ref filterWeights, scales[k], kernel, run);
            }
            ChannelsLast.ToPlanes(imageGradient, inputGradient.Slice(n * imageSize, imageSize), channels, s.Rows * s.Columns);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Add(Span<float> total, ReadOnlySpan<float> more)
    {
        for (int i = 0; i < total.Length; i++) total[i] += more[i];
    }

    // [filter][channel][i][j] to [filter][i][j][channel] and back.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ToKernelRows(ReadOnlySpan<float> weight, Span<float> rows, in Shape s)
    {
        int k = s.Kernel;
        for (int f = 0; f < s.Filters; f++)
            for (int c = 0; c < s.Channels; c++)
                for (int i = 0; i < k; i++)
                    for (int j = 0; j < k; j++)
                        rows[f * s.FilterSize + i * s.Run + j * s.Channels + c] = weight[((f * s.Channels + c) * k + i) * k + j];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
