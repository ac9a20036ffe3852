using Mnist.Core.Modeling;
using Mnist.Core.Training;
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
        // The Keras CNN's 1,199,882 plus batch norm's 4 values per channel of both convolutions (2 of them moving statistics).
        Assert.Equal(1_199_882 + 4 * (32 + 64), model.ParameterCount);
        Assert.Equal(2 * (32 + 64), model.NonTrainableParameterCount);
        Assert.Equal(model.Spec.CountParameters(), model.ParameterCount);
        Assert.Equal(new[] { "Reshape", "Conv2D", "BatchNormalization", "Conv2D", "BatchNormalization", "MaxPooling2D", "Dropout", "Flatten", "Dense", "Dropout", "Dense" },
            model.Layers.Select(l => l.Type));
        Assert.Contains(model.Layers, l => l.Type == "BatchNormalization" && l.OutputShape == "(None, 24, 24, 64)" && l.Parameters == 256);
    }

    [Fact]
    public void A_cnn_without_batch_norm_is_the_plain_keras_cnn_as_model_files_written_before_describe_it()
    {
        using var model = new MnistModel(ModelSpec.DefaultFor(Architecture.Cnn) with { BatchNorm = false, Seed = 1 });
        Assert.Equal(1_199_882, model.ParameterCount);
        Assert.Equal(model.Spec.CountParameters(), model.ParameterCount);
        Assert.Equal(0, model.NonTrainableParameterCount);
        Assert.DoesNotContain(model.Layers, l => l.Type == "BatchNormalization");
        var json = System.Text.Json.JsonSerializer.Serialize(new ModelSpec { Architecture = Architecture.Cnn, HiddenUnits = new[] { 128 } });
        Assert.False(System.Text.Json.JsonSerializer.Deserialize<ModelSpec>(json.Replace(",\"BatchNorm\":false", ""))!.BatchNorm);
    }

    [Theory]
    [InlineData(Architecture.Mlp)]
    [InlineData(Architecture.FastCnn)]
    public void Only_the_cnn_takes_batch_norm(Architecture architecture)
    {
        var e = Assert.Throws<MnistException>(() => (ModelSpec.DefaultFor(architecture) with { BatchNorm = true }).Validate());
        Assert.Equal("InvalidModelSpec", e.ErrorId);
        Assert.Contains("BatchNorm", e.Message);
    }

    [Fact]
    public void Batch_norm_learns_moving_statistics_in_training_and_uses_them_in_evaluation()
    {
        using var model = new MnistModel(ModelSpec.DefaultFor(Architecture.Cnn) with { Seed = 5 });
        var buffers = () => model.Network.named_buffers().Where(b => b.name.EndsWith("running_mean")).Select(b => b.buffer.clone()).ToList();
        var before = buffers();
        Trainer.Fit(model, TestData.Mnist.Take(256, 64), new TrainingOptions { Epochs = 1, ValidationSplit = 0, BatchSize = 64 });
        var after = buffers();
        Assert.Equal(2, after.Count);
        for (int i = 0; i < after.Count; i++) Assert.False(before[i].allclose(after[i]), "the moving mean moved");
        // Evaluation does not depend on the batch: one image predicts the same alone as inside a batch.
        var split = TestData.Mnist.Test.Slice(0, 8);
        var together = Mnist.Core.Evaluation.Predictor.PredictSplit(model, split).ToList();
        var alone = Mnist.Core.Evaluation.Predictor.PredictSplit(model, split.Slice(3, 1)).Single();
        for (int c = 0; c < 10; c++) Assert.Equal(together[3].Probabilities[c], alone.Probabilities[c], 5);
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
