using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Mnist.Core.Data;
using Mnist.Core.Evaluation;
using Mnist.Core.Modeling;
using Mnist.Core.Persistence;
using Mnist.Core.Persistence.Onnx;
using Mnist.Core.Training;
using Xunit;

namespace Mnist.Core.Tests;

public class OnnxExportTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const int Images = 1_000;

    /// <summary>Every architecture the module has (a new one is tested here without a change; Custom is a network of every kind of layer), and MLPs of each activation and several depths.</summary>
    public static TheoryData<string> Architectures
    {
        get
        {
            var kinds = new TheoryData<string>();
            foreach (var architecture in Enum.GetValues<Architecture>()) kinds.Add(architecture.ToString());
            foreach (var kind in new[] { "Mlp-Tanh-128-64", "Mlp-Sigmoid-64-32-16", "Mlp-Gelu-96", "Mlp-Elu-64-64", "Mlp-LeakyRelu-32" }) kinds.Add(kind);
            return kinds;
        }
    }

    /// <summary>A model of each kind, trained briefly on a slice of MNIST so its weights are not the initial ones.</summary>
    internal static MnistModel Trained(string kind)
    {
        var parts = kind.Split('-');
        var architecture = Enum.Parse<Architecture>(parts[0]);
        var spec = architecture == Architecture.Custom
            ? new ModelSpec { Architecture = Architecture.Custom, Layers = LayerTests.EveryLayer, Seed = 3, LearningRate = 0.01 }
            : ModelSpec.DefaultFor(architecture) with { Seed = 3 };
        if (parts.Length > 1)
            spec = spec with { Activation = Enum.Parse<Activation>(parts[1]), HiddenUnits = parts.Skip(2).Select(int.Parse).ToArray(), Dropout = new[] { 0.1 }, LearningRate = 0.005 };
        var model = new MnistModel(spec);
        // The Keras CNN is slow, so a small slice; FastCnn's batches of 256 need more images to learn in one epoch.
        var data = TestData.Mnist.Take(architecture == Architecture.Cnn ? 300 : 2_000, 100);
        // Three short epochs for the MLPs: a deep sigmoid network says little after one.
        Trainer.Fit(model, data, new TrainingOptions { Epochs = architecture is Architecture.Mlp or Architecture.Custom ? 3 : 1, ValidationSplit = 0 });
        return model;
    }

    private static MnistSplit TestImages => TestData.Mnist.Test.Slice(0, Images);

    /// <summary>The notebook's x_test: pixel / 255 as float32, one row of 784 per image.</summary>
    private static DenseTensor<float> Pixels(MnistSplit split)
    {
        var values = new float[split.Count * split.PixelsPerImage];
        for (int i = 0; i < values.Length; i++) values[i] = split.Pixels[i] / 255f;
        return new DenseTensor<float>(values, new[] { split.Count, split.PixelsPerImage });
    }

    private static float[] RunOnnx(string path, DenseTensor<float> pixels)
    {
        using var session = new InferenceSession(path);
        using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor(OnnxExporter.InputName, pixels) });
        var output = results.Single(r => r.Name == OnnxExporter.OutputName).AsTensor<float>();
        Assert.Equal(new[] { pixels.Dimensions[0], 10 }, output.Dimensions.ToArray());
        return output.ToArray();
    }

    private static string TempPath(string name) =>
        Path.Combine(Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "mnist-onnx-" + Guid.NewGuid().ToString("N"))).FullName, name);

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Onnx_runtime_predicts_what_the_module_predicts(string kind)
    {
        using var model = Trained(kind);
        var path = TempPath("model.onnx");
        OnnxExporter.Save(model, path, overwrite: false);

        var split = TestImages;
        var expected = Predictor.PredictSplit(model, split).ToList();
        var actual = RunOnnx(path, Pixels(split));

        Assert.Equal(Images, expected.Count);
        double largest = 0;
        // A model that says one class for everything would make agreeing on the class meaningless.
        Assert.True(expected.Select(p => p.Predicted).Distinct().Count() >= 5, $"{kind} predicts too few classes to compare");
        for (int i = 0; i < Images; i++)
        {
            var row = actual.AsSpan(i * 10, 10);
            Assert.Equal(expected[i].Predicted, row.IndexOf(MaxOf(row)));
            for (int c = 0; c < 10; c++)
            {
                largest = Math.Max(largest, Math.Abs(row[c] - expected[i].Probabilities[c]));
                Assert.True(Math.Abs(row[c] - expected[i].Probabilities[c]) <= 1e-4,
                    $"{kind}, image {i}, class {c}: ONNX {row[c]}, module {expected[i].Probabilities[c]}");
            }
        }
        output.WriteLine($"{kind}: largest difference of a probability {largest:E2}");
    }

    [Fact]
    public void Uneven_same_padding_runs_in_onnx_runtime_as_here_and_the_pytorch_export_refuses_it_by_name()
    {
        using var model = new MnistModel(new ModelSpec
        {
            Architecture = Architecture.Custom, Seed = 6,
            Layers = new[] { "Conv2D(6, 4, padding=same, activation=relu)", "Conv2D(8, 3, strides=2, padding=same)", "Flatten", "Dense(10)" },
        });
        var path = TempPath("uneven.onnx");
        OnnxExporter.Save(model, path, overwrite: false);
        var split = TestData.Mnist.Test.Slice(0, 50);
        var expected = Predictor.PredictSplit(model, split).ToList();
        var actual = RunOnnx(path, Pixels(split));
        for (int i = 0; i < split.Count; i++)
            for (int c = 0; c < 10; c++) Assert.True(Math.Abs(actual[i * 10 + c] - expected[i].Probabilities[c]) <= 1e-5, $"image {i}, class {c}");

        var pt = TempPath("uneven.pt");
        var e = Assert.Throws<MnistException>(() => Persistence.PyTorch.PyTorchModelFile.Save(model, pt, overwrite: false));
        Assert.Equal("ModelExportUnsupported", e.ErrorId);
        Assert.Contains("layer 1 'Conv2D(6, 4, padding=same, activation=relu)'", e.Message);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(pt)!));
    }

    private static float MaxOf(ReadOnlySpan<float> values)
    {
        var max = float.NegativeInfinity;
        foreach (var v in values) max = Math.Max(max, v);
        return max;
    }

    [Fact]
    public void The_file_says_what_it_classifies_and_what_it_was_trained_on()
    {
        using var model = Trained("Mlp");
        var path = TempPath("model.onnx");
        OnnxExporter.Save(model, path, overwrite: false);

        using var session = new InferenceSession(path);
        var metadata = session.ModelMetadata.CustomMetadataMap;
        Assert.Equal("[\"0\",\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\"]", metadata["class_names"]);
        Assert.Equal("mnist", metadata["training_data"]);
        Assert.Contains(MnistFiles.TestImages.Sha256, metadata["training_data_checksums"]);
        Assert.Equal(ModelFile.ModuleVersion, metadata["module_version"]);
        Assert.Equal("Mnist", session.ModelMetadata.ProducerName);

        var input = session.InputMetadata[OnnxExporter.InputName];
        Assert.Equal(new[] { -1, 784 }, input.Dimensions);
        Assert.Equal(typeof(float), input.ElementType);
        Assert.Equal(new[] { -1, 10 }, session.OutputMetadata[OnnxExporter.OutputName].Dimensions);
    }

    [Fact]
    public void Fashion_mnist_class_names_go_into_the_file()
    {
        var names = DatasetCatalog.DefaultClassNames(10).Select((_, i) => $"class {i}").ToArray();
        using var model = new MnistModel(new ModelSpec { HiddenUnits = new[] { 8 }, Seed = 1 }, names);
        var path = TempPath("model.onnx");
        OnnxExporter.Save(model, path, overwrite: false);
        using var session = new InferenceSession(path);
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(names), session.ModelMetadata.CustomMetadataMap["class_names"]);
        Assert.False(session.ModelMetadata.CustomMetadataMap.ContainsKey("training_data"));
    }

    [Fact]
    public void An_existing_file_is_kept_without_overwrite()
    {
        using var model = new MnistModel(new ModelSpec { HiddenUnits = new[] { 8 } });
        var path = TempPath("model.onnx");
        File.WriteAllText(path, "keep me");
        var e = Assert.Throws<MnistException>(() => OnnxExporter.Save(model, path, overwrite: false));
        Assert.Equal("FileExists", e.ErrorId);
        Assert.Equal("keep me", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));
    }
}

public class OnnxImportTests
{
    private static string TempPath(string name = "model.onnx") =>
        Path.Combine(Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "mnist-onnx-" + Guid.NewGuid().ToString("N"))).FullName, name);

    [Fact]
    public void An_onnx_file_this_module_wrote_reads_back_with_bitwise_the_same_predictions()
    {
        using var model = new MnistModel(ModelSpec.DefaultFor(Architecture.Cnn) with { Seed = 2 }, DatasetCatalog.FashionMnist.ClassNames);
        var path = TempPath();
        ModelFormats.Save(model, path, ModelFormats.FromPath(path), overwrite: false);
        using var loaded = ModelFormats.Load(path);
        var test = TestData.Mnist.Test.Slice(0, 200);
        Assert.Equal(Predictor.PredictSplit(model, test).SelectMany(p => p.Probabilities), Predictor.PredictSplit(loaded, test).SelectMany(p => p.Probabilities));
        Assert.Equal(model.ClassNames, loaded.ClassNames);
        Assert.Equal(model.Name, loaded.Name);
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 0xff, 0xff, 0xff, 0xff, 0x0f })]
    [InlineData(new byte[] { (byte)'h', (byte)'e', (byte)'l', (byte)'l', (byte)'o' })]
    public void A_file_that_is_not_onnx_is_refused_naming_it(byte[] content)
    {
        var path = TempPath();
        File.WriteAllBytes(path, content);
        var e = Assert.Throws<MnistException>(() => ModelFormats.Load(path));
        Assert.Equal("OnnxFileInvalid", e.ErrorId);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void An_onnx_model_made_elsewhere_is_refused_as_foreign()
    {
        using var model = new MnistModel(new ModelSpec { HiddenUnits = new[] { 8 } });
        var proto = OnnxExporter.Build(model);
        proto.ProducerName = "pytorch";
        proto.MetadataProps.Clear();
        var path = TempPath();
        File.WriteAllBytes(path, Google.Protobuf.MessageExtensions.ToByteArray(proto));
        var e = Assert.Throws<MnistException>(() => ModelFormats.Load(path));
        Assert.Equal("OnnxModelForeign", e.ErrorId);
        Assert.Contains("pytorch", e.Message);
    }

    [Fact]
    public void Weights_that_do_not_fit_the_metadata_are_refused()
    {
        using var model = new MnistModel(new ModelSpec { HiddenUnits = new[] { 8 } });
        var proto = OnnxExporter.Build(model);
        proto.Graph.Initializer.Remove(proto.Graph.Initializer.First(t => t.Name == "dense_1.bias"));
        var path = TempPath();
        File.WriteAllBytes(path, Google.Protobuf.MessageExtensions.ToByteArray(proto));
        var e = Assert.Throws<MnistException>(() => ModelFormats.Load(path));
        Assert.Equal("ModelArchitectureMismatch", e.ErrorId);
        Assert.Contains("dense_1.bias", e.Message);
    }
}
