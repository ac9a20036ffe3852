using System.Security.Cryptography;
using Mnist.Core.Evaluation;
using Mnist.Core.Modeling;
using Mnist.Core.Training;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;

namespace Mnist.Core.Tests;

/// <summary>
/// The presets (-Architecture and the MLP's parameters) train bitwise as they did before models were described by
/// their layers: each fingerprint (SHA-256 over the trained weights, every History figure's bits and the
/// probabilities of a few test images) was recorded from the code before that change, on one thread. FastCnn's two
/// were recorded again in issue 25, when its dense layers began to start as PyTorch's (the published recipe's
/// initialisation) and its second convolution's gradients began to come from the pooling's winners (within float
/// rounding of libtorch's: MaxPoolTests); the earlier values were 68F13010... (fastcnn) and D9499763... (fastcnn-gelu).
/// </summary>
public class PresetPinTests
{
    private readonly ITestOutputHelper _output;

    public PresetPinTests(ITestOutputHelper output) => _output = output;

    public static TheoryData<string> Presets => new() { "mlp", "mlp-deep", "mlp-tanh", "mlp-nodropout", "cnn", "fastcnn", "fastcnn-gelu" };

    private static readonly Dictionary<string, string> Recorded = new()
    {
        ["mlp"] = "781D1B8A81D540B97932E0D123D7A84C8E12C9EC6FC5D61C150DB7F0B4AF9C29",
        ["mlp-deep"] = "CDF4414AC82E99E872BD6E06F60CBEF76FFBA7FA7882B9DD5C8E37B9DEC33A64",
        ["mlp-tanh"] = "39685DE368950BD6E94E4DA42E455286A2B74CA34005AE7DED0F36466F1AD209",
        ["mlp-nodropout"] = "DD57C7B7FB671016DDF79F2E65896D846B7FB1BBC52EE70305A98798C18C936E",
        ["cnn"] = "2A202A39AF060BC0BF40B3EDEB01A1DD07800B0610C769357A7B3E8160AFF773",
        ["fastcnn"] = "EC95880271163A7219B8BCDF8C85DAF248399C42ECCC30FDDEC6B5AB94934548",
        ["fastcnn-gelu"] = "14E6CC432BDACCB8768E22F1DC665FA7DA42BEA85008DD5B51964E5F7D9EB34F",
    };

    private static ModelSpec SpecFor(string preset) => preset switch
    {
        "mlp" => new ModelSpec { Seed = 3 },
        "mlp-deep" => new ModelSpec { Seed = 4, HiddenUnits = new[] { 256, 128 }, Dropout = new[] { 0.3, 0.1 } },
        "mlp-tanh" => new ModelSpec { Seed = 5, HiddenUnits = new[] { 64 }, Activation = Activation.Tanh },
        "mlp-nodropout" => new ModelSpec { Seed = 6, HiddenUnits = new[] { 128, 64 }, Dropout = new[] { 0.0 } },
        "cnn" => ModelSpec.DefaultFor(Architecture.Cnn) with { Seed = 7 },
        "fastcnn" => ModelSpec.DefaultFor(Architecture.FastCnn) with { Seed = 8 },
        "fastcnn-gelu" => ModelSpec.DefaultFor(Architecture.FastCnn) with { Seed = 9, Activation = Activation.Gelu },
        _ => throw new ArgumentOutOfRangeException(nameof(preset)),
    };

    [Theory]
    [MemberData(nameof(Presets))]
    public void A_seeded_preset_trains_bitwise_as_before(string preset)
    {
        var fingerprint = Fingerprint(preset);
        _output.WriteLine($"[\"{preset}\"] = \"{fingerprint}\",");
        Assert.True(Recorded.ContainsKey(preset), $"no fingerprint recorded for {preset}: {fingerprint}");
        Assert.Equal(Recorded[preset], fingerprint);
    }

    internal static string Fingerprint(string preset)
    {
        bool convolutional = preset.Contains("cnn");
        var data = TestData.Mnist.Take(convolutional ? 768 : 2_048, 64);
        using var model = new MnistModel(SpecFor(preset));
        var history = Trainer.Fit(model, data, new TrainingOptions { Epochs = 2, ValidationSplit = 0.25, ThreadCount = 1 });
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (name, tensor) in model.Network.state_dict())
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(name));
            using var values = tensor.detach().contiguous().cpu();
            hash.AppendData(values.bytes);
        }
        foreach (var epoch in history)
            foreach (var figure in new[] { epoch.Loss, epoch.Accuracy, epoch.ValLoss ?? -1, epoch.ValAccuracy ?? -1 })
                hash.AppendData(BitConverter.GetBytes(figure));
        foreach (var prediction in Predictor.PredictSplit(model, data.Test, Enumerable.Range(0, 8).ToArray()))
            foreach (var p in prediction.Probabilities) hash.AppendData(BitConverter.GetBytes(p));
        return Convert.ToHexString(hash.GetHashAndReset());
    }
}
