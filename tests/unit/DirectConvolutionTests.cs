using Mnist.Core.FastPaths;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Mnist.Core.Tests;

/// <summary>
/// The pooled convolution's own forward kernels (one input channel; channels in blocks of eight) sum every output in
/// libtorch's order, so they must give libtorch's convolution, pooling and ReLU bit for bit, at any thread count.
/// </summary>
public class DirectConvolutionTests
{
    private const string NoAvx2 = "this processor lacks AVX2 or FMA: the direct kernels are not used here (FastCnn takes libtorch's convolution)";

    /// <summary>Skipped, with the reason, on a processor without the kernels' instructions.</summary>
    private sealed class DirectKernelTheoryAttribute : TheoryAttribute
    {
        public DirectKernelTheoryAttribute() { if (!SingleChannelConvolution.IsSupported) Skip = NoAvx2; }
    }

    private sealed class DirectKernelFactAttribute : FactAttribute
    {
        public DirectKernelFactAttribute() { if (!SingleChannelConvolution.IsSupported) Skip = NoAvx2; }
    }

    [DirectKernelTheory]
    [InlineData(256, 1, 28, 24, 5, 1)]   // FastCnn's first convolution
    [InlineData(256, 1, 28, 24, 5, 2)]
    [InlineData(256, 24, 12, 32, 3, 1)]  // and its second
    [InlineData(256, 24, 12, 32, 3, 2)]
    [InlineData(7, 1, 13, 5, 3, 2)]      // one filter and 3 columns past the vector groups; an odd output (the pooling drops its edge)
    [InlineData(5, 1, 40, 9, 4, 1)]      // 37 columns: groups of 24, one vector, then single columns
    [InlineData(6, 8, 9, 16, 3, 2)]      // one channel block; a row of 7 pixels: one group of five, two alone
    [InlineData(3, 16, 11, 40, 5, 1)]    // two channel blocks; filters past the groups of 32
    public void The_direct_kernels_give_libtorchs_convolution_pooling_and_ReLU_bit_for_bit(int images, int channels, int size, int filters, int kernel, int threads)
    {
        using var scope = NewDisposeScope();
        int before = torch.get_num_threads();
        torch.set_num_threads(threads);
        try
        {
            using var generator = new Generator(11);
            var input = torch.randn(new long[] { images, channels, size, size }, generator: generator);
            var weight = torch.randn(new long[] { filters, channels, kernel, kernel }, generator: generator).mul_(0.3);
            var bias = torch.randn(new long[] { filters }, generator: generator).mul_(0.1);
            Assert.True(channels == 1 || ChannelBlockConvolution.Covers(channels, filters), "the shape is one the kernels take");

            using var convolved = nn.functional.conv2d(input, weight, bias);
            var expectedWinners = MaxPool2x2Function.WinnersFor(convolved);
            var expected = MaxPool2x2Function.Pool(convolved, expectedWinners, relu: true);
            var (actual, winners) = PooledConv2dFunction.ConvolveAndPool(input, weight, bias);

            Assert.Equal(expected.shape, actual.shape);
            var (e, a) = (expected.data<float>().ToArray(), actual.data<float>().ToArray());
            int positive = 0;
            for (int i = 0; i < e.Length; i++)
            {
                Assert.True(BitConverter.SingleToInt32Bits(e[i]) == BitConverter.SingleToInt32Bits(a[i]), $"output {i}: {e[i]} vs {a[i]}");
                if (e[i] > 0) positive++;
            }
            Assert.True(positive > e.Length / 10, "the outputs are almost all cut by ReLU: the comparison would say little");
            Assert.Equal(expectedWinners.data<byte>().ToArray(), winners.data<byte>().ToArray());
        }
        finally
        {
            torch.set_num_threads(before);
        }
    }

    [DirectKernelFact]
    public void Refuses_buffers_that_do_not_fit_the_shapes()
    {
        Assert.Throws<ArgumentException>(() => SingleChannelConvolution.ConvolveAndPool(new float[10], new float[9], new float[1],
            new float[4], new byte[4], 1, 4, 4, 1, 3, 1));
        Assert.Throws<ArgumentException>(() => ChannelBlockConvolution.ConvolveAndPool(new float[8 * 16], new float[8 * 8 * 9], new float[8],
            new float[8], new byte[7], 1, 8, 4, 4, 8, 3, 1));
    }
}

public class PooledConvolutionGradientPairTests
{
    [Theory]
    [InlineData(256, 24, 1)]  // FastCnn's first convolution
    [InlineData(256, 24, 2)]
    [InlineData(9, 5, 2)]     // an odd filter left alone
    public void Two_filters_at_a_time_give_the_same_bits_as_one_at_a_time(int images, int filters, int threads)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(13);
        var input = torch.randn(new long[] { images, 1, 28, 28 }, generator: generator);
        var weight = torch.randn(new long[] { filters, 1, 5, 5 }, generator: generator).mul_(0.3);
        var bias = torch.randn(new long[] { filters }, generator: generator).mul_(0.1);
        var (pooled, winners) = PooledConv2dFunction.ConvolveAndPool(input, weight, bias);
        var gradient = torch.randn(pooled.shape, generator: generator);
        (float[] Weight, float[] Bias) Run(bool pair)
        {
            var (w, b) = (new float[filters * 25], new float[filters]);
            PooledConvolutionGradient.Compute(input.Floats(), gradient.Floats(), winners.bytes, w, b, images, 1, 28, 28, filters, 5, threads, pairFilters: pair);
            return (w, b);
        }
        var (single, paired) = (Run(false), Run(true));
        Assert.Contains(single.Weight, v => v != 0);
        Assert.Equal(single.Weight.Select(BitConverter.SingleToInt32Bits), paired.Weight.Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(single.Bias.Select(BitConverter.SingleToInt32Bits), paired.Bias.Select(BitConverter.SingleToInt32Bits));
    }
}
