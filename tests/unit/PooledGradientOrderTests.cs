using Mnist.Core.FastPaths;
using Xunit;

namespace Mnist.Core.Tests;

/// <summary>
/// The pooled convolutions' gradient and pooling kernels were rearranged for speed with every sum kept in its order, so
/// trainings keep their bits: the second convolution's backward must give, bit for bit, what a plain loop summing in
/// the first version's order gives, and the pooling over [pixel][filter] maps what the plane pooling gives.
/// </summary>
public class PooledGradientOrderTests
{
    [Theory]
    [InlineData(64, 24, 12, 32, 3, 1)]  // FastCnn's second convolution
    [InlineData(64, 24, 12, 32, 3, 2)]
    [InlineData(9, 5, 13, 8, 5, 3)]     // an odd convolution output; runs of 25 floats (vector and scalar tails)
    [InlineData(4, 1, 10, 3, 3, 1)]     // one channel: runs of 3 floats
    [InlineData(3, 16, 20, 4, 5, 2)]    // runs of 80 floats: a tile of 72 and a vector
    public void The_second_convolutions_backward_gives_the_first_versions_bits(int images, int channels, int size, int filters, int kernel, int threads)
    {
        var random = new Random(images * 31 + channels);
        int outSide = size - kernel + 1, pooledSize = outSide / 2 * (outSide / 2);
        // ReLU'd activations (a third zeros), gradients with some exact zeros, a quarter of the windows cut by ReLU.
        var input = Floats(random, images * channels * size * size, zeroShare: 0.33);
        var weight = Floats(random, filters * channels * kernel * kernel, zeroShare: 0);
        var gradient = Floats(random, images * filters * pooledSize, zeroShare: 0.05);
        var winners = new byte[gradient.Length];
        for (int i = 0; i < winners.Length; i++) winners[i] = random.NextDouble() < 0.25 ? MaxPool2x2Kernel.NoWinner : (byte)random.Next(4);

        var (inputGradient, weightGradient, biasGradient) = (new float[input.Length], new float[weight.Length], new float[filters]);
        PooledConvolutionBackward.Compute(input, weight, gradient, winners, inputGradient, weightGradient, biasGradient,
            images, channels, size, size, filters, kernel, threads);
        var expected = FirstVersion(input, weight, gradient, winners, images, channels, size, filters, kernel, threads);

        Assert.Contains(weightGradient, v => v != 0);
        AssertSameBits(expected.Input, inputGradient, "input gradient");
        AssertSameBits(expected.Weight, weightGradient, "weight gradient");
        AssertSameBits(expected.Bias, biasGradient, "bias gradient");
    }

    /// <summary>Skipped, with the reason, on a processor without AVX (where the convolution keeps libtorch's and the plane pooling).</summary>
    private sealed class AvxTheoryAttribute : TheoryAttribute
    {
        public AvxTheoryAttribute()
        {
            if (!System.Runtime.Intrinsics.X86.Avx.IsSupported) Skip = "this processor lacks AVX: the pooling over [pixel][filter] maps is not used here";
        }
    }

    [AvxTheory]
    [InlineData(10, 32)]  // FastCnn's second convolution's maps
    [InlineData(7, 8)]    // an odd side: the last row and column are dropped
    public void Pooling_maps_laid_out_by_pixel_gives_the_plane_poolings_values_and_winners(int side, int filters)
    {
        var random = new Random(side);
        int mapSize = side * side, pooled = filters * (side / 2) * (side / 2);
        var planes = Floats(random, filters * mapSize, zeroShare: 0.1);
        // Ties, negative zeros, NaNs and infinities, where the first maximum and NaN rules decide.
        for (int i = 0; i < planes.Length; i += 7) planes[i] = planes[i + 1 < planes.Length ? i + 1 : i];
        planes[3] = float.NaN; planes[50] = float.PositiveInfinity; planes[51] = float.NegativeInfinity; planes[90] = -0f;
        var pixels = new float[planes.Length];
        for (int f = 0; f < filters; f++)
            for (int q = 0; q < mapSize; q++) pixels[q * filters + f] = planes[f * mapSize + q];

        var (expected, expectedWinners) = (new float[pooled], new byte[pooled]);
        MaxPool2x2Kernel.Forward(planes, expected, expectedWinners, filters, side, side, relu: true);
        var (actual, winners) = (new float[pooled], new byte[pooled]);
        FilterMajorPooling.PoolWithRelu(pixels, actual, winners, new float[2 * pooled], side, side, filters);

        AssertSameBits(expected, actual, "pooled");
        Assert.Equal(expectedWinners, winners);
    }

    private static float[] Floats(Random random, int length, double zeroShare)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++) values[i] = random.NextDouble() < zeroShare ? 0 : (float)(random.NextDouble() * 2 - 1);
        return values;
    }

    private static void AssertSameBits(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]), $"{what} {i}: {expected[i]} vs {actual[i]}");
    }

    // The first version's order, one float at a time: images in one block per thread; per image channels-last; per
    // filter the winners by row, even columns before odd ones, each adding g x window to the weight sums (rotating over
    // four copies) and g x weights to the input gradient; the copies, then the blocks, added in order; biases in double.
    private static (float[] Input, float[] Weight, float[] Bias) FirstVersion(float[] input, float[] weight, float[] gradient, byte[] winners,
        int images, int channels, int size, int filters, int kernel, int threads)
    {
        const int copies = 4;
        int outSide = size - kernel + 1, pooledSide = outSide / 2, pooledSize = pooledSide * pooledSide;
        int imageSize = channels * size * size, run = kernel * channels, filterSize = kernel * run, rowStride = size * channels;
        var rows = new float[weight.Length]; // [filter][i][j][channel]
        for (int f = 0; f < filters; f++)
            for (int c = 0; c < channels; c++)
                for (int i = 0; i < kernel; i++)
                    for (int j = 0; j < kernel; j++)
                        rows[f * filterSize + i * run + j * channels + c] = weight[((f * channels + c) * kernel + i) * kernel + j];
        int blocks = ParallelBlocks.Count(images, imageSize * (long)filters, threads);
        var inputGradient = new float[input.Length];
        var total = new float[weight.Length];
        var biasTotals = new double[filters];
        for (int block = 0; block < blocks; block++)
        {
            var sums = new float[copies * weight.Length];
            var biases = new double[filters];
            int first = (int)((long)images * block / blocks), end = (int)((long)images * (block + 1) / blocks);
            for (int n = first; n < end; n++)
            {
                var image = new float[imageSize];
                var imageGradient = new float[imageSize];
                for (int c = 0; c < channels; c++)
                    for (int p = 0; p < size * size; p++) image[p * channels + c] = input[n * imageSize + c * size * size + p];
                for (int f = 0; f < filters; f++)
                {
                    double bias = 0;
                    int visited = 0;
                    for (int py = 0; py < pooledSide; py++)
                        for (int parity = 0; parity < 2; parity++)
                            for (int px = parity; px < pooledSide; px += 2)
                            {
                                int at = (n * filters + f) * pooledSize + py * pooledSide + px;
                                float g = gradient[at];
                                if (winners[at] >= MaxPool2x2Kernel.NoWinner || g == 0) continue;
                                bias += g;
                                int origin = (2 * py + (winners[at] >> 1)) * rowStride + (2 * px + (winners[at] & 1)) * channels;
                                int copy = visited++ % copies;
                                for (int i = 0; i < kernel; i++)
                                    for (int e = 0; e < run; e++)
                                    {
                                        sums[copy * weight.Length + f * filterSize + i * run + e] += g * image[origin + i * rowStride + e];
                                        imageGradient[origin + i * rowStride + e] += g * rows[f * filterSize + i * run + e];
                                    }
                            }
                    biases[f] += bias;
                }
                for (int c = 0; c < channels; c++)
                    for (int p = 0; p < size * size; p++) inputGradient[n * imageSize + c * size * size + p] = imageGradient[p * channels + c];
            }
            for (int copy = 0; copy < copies; copy++)
                for (int e = 0; e < weight.Length; e++) total[e] += sums[copy * weight.Length + e];
            for (int f = 0; f < filters; f++) biasTotals[f] += biases[f];
        }
        var weightGradient = new float[weight.Length];
        for (int f = 0; f < filters; f++)
            for (int c = 0; c < channels; c++)
                for (int i = 0; i < kernel; i++)
                    for (int j = 0; j < kernel; j++)
                        weightGradient[((f * channels + c) * kernel + i) * kernel + j] = total[f * filterSize + i * run + j * channels + c];
        var biasGradient = new float[filters];
        for (int f = 0; f < filters; f++) biasGradient[f] = (float)biasTotals[f];
        return (inputGradient, weightGradient, biasGradient);
    }
}
