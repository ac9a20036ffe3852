using Mnist.Core.Data;
using Xunit;

namespace Mnist.Core.Tests;

public class SampleTests
{
    private static MnistSplit Split => TestData.Mnist.Train;

    [Fact]
    public void The_first_training_sample_is_a_5_with_its_784_pixels()
    {
        var sample = SampleSelector.ByIndex(Split, new[] { 0 }).Single();
        Assert.Equal(("Train", 0, 5), (sample.Split, sample.Index, sample.Label));
        Assert.Equal(784, sample.Pixels.Length);
        Assert.Equal(Split.ImagePixels(0).ToArray(), sample.Pixels);
        Assert.Equal(sample.Pixels.Count(p => p > 0) / 784.0, sample.Ink, 9);
    }

    [Fact]
    public void An_index_outside_the_split_is_refused()
    {
        var error = Assert.Throws<MnistException>(() => SampleSelector.ByIndex(Split, new[] { Split.Count }).ToList());
        Assert.Equal("IndexOutOfRange", error.ErrorId);
    }

    [Fact]
    public void By_label_gives_the_first_samples_of_each_label_in_turn()
    {
        var samples = SampleSelector.ByLabel(Split, new[] { 3, 7 }, 2).ToList();
        Assert.Equal(new[] { 3, 3, 7, 7 }, samples.Select(s => s.Label));
        Assert.True(samples[0].Index < samples[1].Index);
    }

    [Fact]
    public void A_label_that_is_not_a_class_is_refused()
    {
        var error = Assert.Throws<MnistException>(() => SampleSelector.ByLabel(Split, new[] { 10 }, 1).ToList());
        Assert.Equal("LabelOutOfRange", error.ErrorId);
    }

    [Fact]
    public void Random_samples_are_distinct_and_repeat_with_the_same_seed()
    {
        var first = SampleSelector.Randomly(Split, 20, new Random(4)).Select(s => s.Index).ToList();
        var again = SampleSelector.Randomly(Split, 20, new Random(4)).Select(s => s.Index).ToList();
        Assert.Equal(first, again);
        Assert.Equal(20, first.Distinct().Count());
    }

    [Fact]
    public void More_random_samples_than_the_split_holds_are_refused()
    {
        var small = Split.Slice(0, 5);
        var error = Assert.Throws<MnistException>(() => SampleSelector.Randomly(small, 6, new Random(1)).ToList());
        Assert.Equal("CountTooLarge", error.ErrorId);
    }
}
