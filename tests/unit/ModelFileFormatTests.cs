using Mnist.Core.Evaluation;
using Mnist.Core.Modeling;
using Mnist.Core.Persistence;
using Mnist.Core.Training;
using Xunit;

namespace Mnist.Core.Tests;

/// <summary>One model-file abstraction: every format recognised by content, read through one template and one record.</summary>
public class ModelFileFormatTests
{
    private static string Folder() => Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "mnist-formats-" + Guid.NewGuid().ToString("N"))).FullName;

    private static MnistModel Trained()
    {
        var model = new MnistModel(new ModelSpec { HiddenUnits = new[] { 16 }, Seed = 2 });
        Trainer.Fit(model, TestData.Mnist.Take(1_000, 50), new TrainingOptions { Epochs = 2, ValidationSplit = 0.1 });
        return model;
    }

    [Theory]
    [InlineData(ModelFormat.Mnist, "model.bin")]
    [InlineData(ModelFormat.Onnx, "model.bin")]
    [InlineData(ModelFormat.Onnx, "model.model")]
    [InlineData(ModelFormat.PyTorch, "weights.bin")]
    [InlineData(ModelFormat.Mnist, "model.onnx")]
    public void Each_format_is_recognised_by_its_content_under_any_name(ModelFormat format, string name)
    {
        using var model = Trained();
        var path = Path.Combine(Folder(), name);
        ModelFormats.Save(model, path, format, overwrite: false);
        using var loaded = ModelFormats.Load(path);
        var split = TestData.Mnist.Test.Slice(0, 20);
        Assert.Equal(Predictor.PredictSplit(model, split).Select(p => p.Predicted), Predictor.PredictSplit(loaded, split).Select(p => p.Predicted));
    }

    [Theory]
    [InlineData(ModelFormat.Mnist, "m.model")]
    [InlineData(ModelFormat.Onnx, "m.onnx")]
    [InlineData(ModelFormat.PyTorch, "m.pt")]
    public void Every_format_keeps_epochs_history_and_the_training_datas_identity(ModelFormat format, string name)
    {
        using var model = Trained();
        var path = Path.Combine(Folder(), name);
        ModelFormats.Save(model, path, format, overwrite: false);
        using var loaded = ModelFormats.Load(path);
        Assert.Equal(2, loaded.EpochsTrained);
        Assert.Equal(model.History.Select(h => h.Loss), loaded.History.Select(h => h.Loss));
        Assert.Equal(model.TrainingData!.Name, loaded.TrainingData!.Name);
        Assert.Equal(model.TrainingData.Checksums, loaded.TrainingData.Checksums);
        Assert.Equal(model.LayerDefinitions, loaded.LayerDefinitions);
    }

    [Fact]
    public void A_picture_is_refused_as_no_model_file_at_all_not_as_a_damaged_one()
    {
        var path = Path.Combine(Folder(), "samples.png");
        File.WriteAllBytes(path, new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13 });
        var e = Assert.Throws<MnistException>(() => ModelFormats.Load(path));
        Assert.Equal("ModelFileUnknownFormat", e.ErrorId);
        Assert.Contains("it is a PNG picture", e.Message);
        Assert.DoesNotContain("damaged", e.Message);
    }

    [Fact]
    public void A_damaged_file_named_as_a_format_is_still_read_by_that_format_which_says_what_is_wrong()
    {
        var path = Path.Combine(Folder(), "broken.model");
        File.WriteAllBytes(path, "PK\u0003\u0004 not really a zip"u8.ToArray());
        var e = Assert.Throws<MnistException>(() => ModelFormats.Load(path));
        Assert.Equal("ModelFileCorrupt", e.ErrorId);
    }
}
