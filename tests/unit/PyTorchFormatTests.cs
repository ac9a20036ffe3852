using System.IO.Compression;
using System.Text.Json;
using Mnist.Core.Evaluation;
using Mnist.Core.Modeling;
using Mnist.Core.Persistence;
using Mnist.Core.Persistence.PyTorch;
using Mnist.Core.Training;
using Xunit;

namespace Mnist.Core.Tests;

public class PyTorchFormatTests
{
    private static string TempPath(string name = "model.pt") =>
        Path.Combine(Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "mnist-pytorch-" + Guid.NewGuid().ToString("N"))).FullName, name);

    public static TheoryData<string> Architectures => OnnxExportTests.Architectures;

    [Theory]
    [MemberData(nameof(Architectures))]
    public void A_round_trip_through_the_pytorch_format_predicts_bitwise_the_same(string kind)
    {
        using var model = OnnxExportTests.Trained(kind);
        var path = TempPath();
        ModelFormats.Save(model, path, ModelFormat.PyTorch, overwrite: false);
        Assert.True(File.Exists(Path.ChangeExtension(path, ".json")));

        using var loaded = ModelFormats.Load(path);
        var test = TestData.Mnist.Test.Slice(0, 1_000);
        var before = Predictor.PredictSplit(model, test).SelectMany(p => p.Probabilities).ToArray();
        var after = Predictor.PredictSplit(loaded, test).SelectMany(p => p.Probabilities).ToArray();
        Assert.Equal(before, after);
        Assert.Equal(model.ClassNames, loaded.ClassNames);
        Assert.Equal(model.TrainingData, loaded.TrainingData);
        Assert.Equal(model.History, loaded.History);
        Assert.Equal(model.Spec.HiddenUnits, loaded.Spec.HiddenUnits);
        Assert.Equal(path, loaded.FilePath);
    }

    [Fact]
    public void The_architecture_names_torch_nn_layers_under_the_state_dict_keys()
    {
        using var model = new MnistModel(ModelSpec.DefaultFor(Architecture.Cnn));
        var path = TempPath();
        PyTorchModelFile.Save(model, path, overwrite: false);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(path, ".json")));
        var layers = json.RootElement.GetProperty("layers").EnumerateArray()
            .Select(l => $"{l.GetProperty("name").GetString()}:{l.GetProperty("type").GetString()}").ToArray();
        Assert.Equal(new[]
        {
            "reshape:Unflatten", "conv2d.0:Conv2d", "conv2d.1:ReLU", "conv2d_1.0:Conv2d", "conv2d_1.1:ReLU", "max_pooling2d:MaxPool2d",
            "dropout:Dropout", "flatten:Flatten", "dense.0:Linear", "dense.1:ReLU", "dropout_1:Dropout", "dense_1:Linear",
        }, layers);
        Assert.Equal("model.pt", json.RootElement.GetProperty("state_dict").GetString());
        Assert.Equal(3, json.RootElement.GetProperty("layers")[1].GetProperty("args").GetProperty("kernel_size")[0].GetInt32());
    }

    [Fact]
    public void Weights_of_another_architecture_are_refused_by_name_and_shape()
    {
        using var small = new MnistModel(new ModelSpec { HiddenUnits = new[] { 16 } });
        using var large = new MnistModel(new ModelSpec { HiddenUnits = new[] { 32 } });
        var smallPath = TempPath();
        var largePath = TempPath();
        PyTorchModelFile.Save(small, smallPath, overwrite: false);
        PyTorchModelFile.Save(large, largePath, overwrite: false);
        File.Copy(largePath, smallPath, overwrite: true);
        var e = Assert.Throws<MnistException>(() => PyTorchModelFile.Load(smallPath));
        Assert.Equal("ModelArchitectureMismatch", e.ErrorId);
        Assert.Contains(smallPath, e.Message);
        Assert.Contains("'dense.0.weight' has shape [32, 784], not [16, 784]", e.Message);
    }

    [Fact]
    public void A_file_that_is_not_a_state_dict_is_refused_naming_it()
    {
        using var model = new MnistModel(new ModelSpec { HiddenUnits = new[] { 16 } });
        var path = TempPath();
        PyTorchModelFile.Save(model, path, overwrite: false);
        File.WriteAllText(path, "not a zip at all");
        var e = Assert.Throws<MnistException>(() => PyTorchModelFile.Load(path));
        Assert.Equal("PyTorchFileInvalid", e.ErrorId);
        Assert.Contains(path, e.Message);

        File.Delete(path);
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
            using (var writer = new StreamWriter(zip.CreateEntry("archive/data.pkl").Open())) writer.Write("garbage");
        e = Assert.Throws<MnistException>(() => PyTorchModelFile.Load(path));
        Assert.Equal("PyTorchFileInvalid", e.ErrorId);
    }

    [Fact]
    public void A_state_dict_without_its_architecture_is_refused_naming_both()
    {
        using var model = new MnistModel(new ModelSpec { HiddenUnits = new[] { 16 } });
        var path = TempPath();
        PyTorchModelFile.Save(model, path, overwrite: false);
        File.Delete(Path.ChangeExtension(path, ".json"));
        var e = Assert.Throws<MnistException>(() => PyTorchModelFile.Load(path));
        Assert.Equal("PyTorchArchitectureNotFound", e.ErrorId);
        Assert.Contains(Path.ChangeExtension(path, ".json"), e.Message);
    }

    [Theory]
    [InlineData("{\"kind\": \"something else\"}")]
    [InlineData("[1, 2]")]
    [InlineData("{ not json")]
    public void A_foreign_or_broken_architecture_is_refused(string content)
    {
        using var model = new MnistModel(new ModelSpec { HiddenUnits = new[] { 16 } });
        var path = TempPath();
        PyTorchModelFile.Save(model, path, overwrite: false);
        File.WriteAllText(Path.ChangeExtension(path, ".json"), content);
        var e = Assert.Throws<MnistException>(() => PyTorchModelFile.Load(path));
        Assert.Equal("PyTorchArchitectureInvalid", e.ErrorId);
    }

    [Fact]
    public void An_architecture_far_larger_than_its_weights_is_refused_before_it_is_built()
    {
        using var model = new MnistModel(new ModelSpec { HiddenUnits = new[] { 16 } });
        var path = TempPath();
        PyTorchModelFile.Save(model, path, overwrite: false);
        var json = Path.ChangeExtension(path, ".json");
        File.WriteAllText(json, File.ReadAllText(json).Replace("\"hidden_units\": [\n      16\n    ]", "\"hidden_units\": [ 2000000000, 2000000000 ]"));
        Assert.Contains("2000000000", File.ReadAllText(json));
        var e = Assert.Throws<MnistException>(() => PyTorchModelFile.Load(path));
        Assert.Equal("ModelArchitectureMismatch", e.ErrorId);
    }

    [Fact]
    public void Neither_file_is_overwritten_without_force()
    {
        using var model = new MnistModel(new ModelSpec { HiddenUnits = new[] { 16 } });
        var path = TempPath();
        File.WriteAllText(Path.ChangeExtension(path, ".json"), "keep");
        var e = Assert.Throws<MnistException>(() => PyTorchModelFile.Save(model, path, overwrite: false));
        Assert.Equal("FileExists", e.ErrorId);
        Assert.False(File.Exists(path));
        Assert.Equal("keep", File.ReadAllText(Path.ChangeExtension(path, ".json")));
        PyTorchModelFile.Save(model, path, overwrite: true);
        Assert.Equal(2, Directory.GetFiles(Path.GetDirectoryName(path)!).Length);
    }
}
