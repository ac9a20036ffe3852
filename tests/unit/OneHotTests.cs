using Mnist.Core.Data;
using Xunit;

namespace Mnist.Core.Tests;

public class OneHotTests
{
    [Fact]
    public void Encodes_five_as_the_notebook_does()
    {
        Assert.Equal(new float[] { 0, 0, 0, 0, 0, 1, 0, 0, 0, 0 }, OneHot.Encode(5, 10));
    }

    [Theory]
    [InlineData(-1, 10)]
    [InlineData(10, 10)]
    [InlineData(3, 3)]
    public void Rejects_labels_outside_the_classes(int label, int classes)
    {
        Assert.Equal("LabelOutOfRange", Assert.Throws<MnistException>(() => OneHot.Encode(label, classes)).ErrorId);
    }

    [Fact]
    public void A_one_hot_dataset_keeps_its_images_and_says_so()
    {
        var data = MnistLoader.LoadFolder(TestData.Folder());
        var oneHot = data.WithEncoding(LabelEncoding.OneHot);
        Assert.Equal(LabelEncoding.OneHot, oneHot.LabelEncoding);
        Assert.Same(data.Train.Pixels, oneHot.Train.Pixels);
        var targets = oneHot.Train.TargetTensor;
        Assert.Equal(new long[] { 6, 10 }, targets.shape);
        Assert.Equal(1f, targets[2, 2].item<float>());
        Assert.Equal(1f, targets.sum().item<float>() / 6);
    }
}
