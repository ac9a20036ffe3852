using Mnist.Core.Modeling;
using Mnist.Core.Persistence;
using Mnist.Core.Training;
using Xunit;

namespace Mnist.Core.Tests;

/// <summary>-CheckpointPath obeys the writers' rules: checked before the first epoch, never replacing what is not a checkpoint, writing its extension's format.</summary>
public class CheckpointTargetTests
{
    private static readonly TrainingOptions Options = new() { Epochs = 1, BatchSize = 100, ThreadCount = 1, ValidationSplit = 0.2 };

    private static string Folder() => Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "mnist-ckpt-" + Guid.NewGuid().ToString("N"))).FullName;

    [Theory]
    [InlineData("notes.txt")]
    [InlineData("best.mnist")]
    [InlineData("best.onnx")]
    [InlineData("best.pt")]
    public void A_file_that_is_not_a_checkpoint_is_refused_before_the_first_epoch_and_left_as_it_was(string name)
    {
        var path = Path.Combine(Folder(), name);
        File.WriteAllText(path, "my notes");
        using var model = new MnistModel(new ModelSpec { Seed = 31, HiddenUnits = new[] { 16 } });
        var error = Assert.Throws<MnistException>(() => Trainer.Fit(model, TestData.Mnist.Take(500, 100).Train, Options with { CheckpointPath = path }));
        Assert.Equal("CheckpointWouldReplace", error.ErrorId);
        Assert.Equal(path, error.Target);
        Assert.Contains(path, error.Message);
        Assert.Equal(0, model.EpochsTrained);
        Assert.Equal("my notes", File.ReadAllText(path));
    }

    [Fact]
    public void The_architecture_file_beside_a_PyTorch_checkpoint_is_protected_too()
    {
        var folder = Folder();
        var json = Path.Combine(folder, "best.json");
        File.WriteAllText(json, "{\"mine\": true}");
        using var model = new MnistModel(new ModelSpec { Seed = 32, HiddenUnits = new[] { 16 } });
        var error = Assert.Throws<MnistException>(() =>
            Trainer.Fit(model, TestData.Mnist.Take(500, 100).Train, Options with { CheckpointPath = Path.Combine(folder, "best.pt") }));
        Assert.Equal("CheckpointWouldReplace", error.ErrorId);
        Assert.Equal(json, error.Target);
        Assert.Equal("{\"mine\": true}", File.ReadAllText(json));
    }

    [Theory]
    [InlineData("best.mnist")]
    [InlineData("best.onnx")]
    [InlineData("best.pt")]
    public void Each_extension_gets_its_format_which_imports_and_an_earlier_checkpoint_is_replaced_without_force(string name)
    {
        var path = Path.Combine(Folder(), name);
        var data = TestData.Mnist.Take(1_000, 100);
        using (var first = new MnistModel(new ModelSpec { Seed = 33, HiddenUnits = new[] { 16 } }))
            Trainer.Fit(first, data.Train, Options with { CheckpointPath = path });
        var firstBytes = File.ReadAllBytes(path);
        using var second = new MnistModel(new ModelSpec { Seed = 34, HiddenUnits = new[] { 16 } });
        Trainer.Fit(second, data.Train, Options with { CheckpointPath = path });
        Assert.NotEqual(firstBytes, File.ReadAllBytes(path));
        using var loaded = ModelFormats.Load(path);
        Assert.Equal(second.ParameterCount, loaded.ParameterCount);
        var sample = data.Test.GetImage(0);
        Assert.Equal(Evaluation.Predictor.PredictPixels(second, sample).Predicted, Evaluation.Predictor.PredictPixels(loaded, sample).Predicted);
    }

    [Fact]
    public void Force_replaces_a_file_that_is_not_a_checkpoint()
    {
        var path = Path.Combine(Folder(), "notes.txt");
        File.WriteAllText(path, "my notes");
        using var model = new MnistModel(new ModelSpec { Seed = 35, HiddenUnits = new[] { 16 } });
        Trainer.Fit(model, TestData.Mnist.Take(500, 100).Train, Options with { CheckpointPath = path, CheckpointForce = true });
        using var loaded = ModelFile.Load(path);
        Assert.Equal(1, loaded.EpochsTrained);
    }

    [Fact]
    public void A_path_with_a_NUL_is_PathHasNul_before_the_first_epoch()
    {
        using var model = new MnistModel(new ModelSpec { Seed = 36, HiddenUnits = new[] { 16 } });
        var error = Assert.Throws<MnistException>(() =>
            Trainer.Fit(model, TestData.Mnist.Take(500, 100).Train, Options with { CheckpointPath = Path.Combine(Folder(), "be\0st.mnist") }));
        Assert.Equal("PathHasNul", error.ErrorId);
        Assert.Equal(0, model.EpochsTrained);
    }
}
