using Mnist.Core.Diagnostics;
using Mnist.Core.Modeling;
using Xunit;

namespace Mnist.Core.Tests;

public class ArithmeticFloorTests
{
    [Fact]
    public void Counts_the_notebooks_epoch_as_its_products_and_the_validation_forward()
    {
        // Per training image: forward 784x512 + 512x10, weight gradients of both, the hidden layer's input gradient.
        double perImage = 2.0 * (784 * 512 + 512 * 10) * 2 + 2.0 * 512 * 10;
        double validation = 2.0 * (784 * 512 + 512 * 10);
        double expected = perImage * 54_000 + validation * 6_000;
        double counted = ArithmeticFloorMeter.EpochFlops(new ModelSpec(), 54_000, 6_000, 128);
        Assert.Equal(expected, counted, 0);
        Assert.Equal(93.24, counted / 1e9, 2);   // the figure the bench and the design notes quote
    }

    [Fact]
    public void Measures_the_square_product_rate_in_the_time_given_and_puts_the_thread_count_back()
    {
        int before = TorchSharp.torch.get_num_threads();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        double rate = ArithmeticFloorMeter.SquareProductGflopPerSecond(1, TimeSpan.FromMilliseconds(200));
        Assert.InRange(rate, 1, 10_000);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Equal(before, TorchSharp.torch.get_num_threads());
    }
}
