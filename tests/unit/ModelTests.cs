using Mnist.Core.Modeling;
using Xunit;

namespace Mnist.Core.Tests;

public class ModelTests
{
    [Fact]
    public void The_notebook_model_has_407050_parameters()
    {
        using var model = new MnistModel(new ModelSpec { Seed = 1 });
        Assert.Equal(407_050, model.ParameterCount);
        Assert.Equal(new long[] { 401_920, 0, 5_130 }, model.Layers.Select(l => l.Parameters));
        Assert.Equal(new[] { "(None, 512)", "(None, 512)", "(None, 10)" }, model.Layers.Select(l => l.OutputShape));
        Assert.Contains("Total params: 407,050", model.Summary);
        Assert.Contains("dense (Dense)", model.Summary);
    }

    [Fact]
    public void Deeper_mlps_count_every_layer()
    {
        using var model = new MnistModel(new ModelSpec { HiddenUnits = new[] { 512, 256 }, Dropout = new[] { 0.2, 0.1 }, Seed = 1 });
        Assert.Equal(784L * 512 + 512 + 512L * 256 + 256 + 256L * 10 + 10, model.ParameterCount);
        Assert.Equal(5, model.Layers.Count);
    }

    [Fact]
    public void The_cnn_summary_matches_its_parameters()
    {
        using var model = new MnistModel(ModelSpec.DefaultFor(Architecture.Cnn) with { Seed = 1 });
        Assert.Equal(model.Layers.Sum(l => l.Parameters), model.ParameterCount);
        Assert.Equal(1_199_882, model.ParameterCount);
        Assert.Equal(0, model.NonTrainableParameterCount);
        Assert.Contains(model.Layers, l => l.Type == "Conv2D" && l.OutputShape == "(None, 24, 24, 64)");
    }

    [Fact]
    public void The_same_seed_gives_the_same_weights()
    {
        using var a = new MnistModel(new ModelSpec { Seed = 7 });
        using var b = new MnistModel(new ModelSpec { Seed = 7 });
        using var c = new MnistModel(new ModelSpec { Seed = 8 });
        var wa = a.Network.parameters().First();
        Assert.True(wa.eq(b.Network.parameters().First()).all().item<bool>());
        Assert.False(wa.eq(c.Network.parameters().First()).all().item<bool>());
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(-0.1)]
    [InlineData(0)]
    public void Rejects_a_bad_learning_rate(double rate)
    {
        var e = Assert.Throws<MnistException>(() => new MnistModel(new ModelSpec { LearningRate = rate }));
        Assert.Equal("InvalidModelSpec", e.ErrorId);
        Assert.Contains("LearningRate", e.Message);
    }
}
