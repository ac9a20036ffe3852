using System.IO.Compression;
using System.Text;
using Mnist.Core.Evaluation;
using Mnist.Core.Modeling;
using Mnist.Core.Persistence;
using Mnist.Core.Training;
using Xunit;

namespace Mnist.Core.Tests;

public class PersistenceTests
{
    private static string TempPath(string name = "model.mnist") =>
        Path.Combine(Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "mnist-model-" + Guid.NewGuid().ToString("N"))).FullName, name);

    private static MnistModel Trained()
    {
        var model = new MnistModel(new ModelSpec { Seed = 21 });
        var data = TestData.Mnist.Take(2_000, 500);
        Trainer.Fit(model, data, new TrainingOptions { Epochs = 1 });
        model.RecordEvaluation(Evaluator.Evaluate(model, data.Test));
        return model;
    }

    [Fact]
    public void A_saved_and_loaded_cnn_predicts_bitwise_the_same()
    {
        using var model = new MnistModel(ModelSpec.DefaultFor(Architecture.Cnn) with { Seed = 4 });
        var data = TestData.Mnist.Take(300, 100);
        Trainer.Fit(model, data, new TrainingOptions { Epochs = 1, ValidationSplit = 0 });
        var path = TempPath();
        ModelFile.Save(model, path, overwrite: false);
        using var loaded = ModelFile.Load(path);
        var before = Predictor.PredictSplit(model, data.Test).SelectMany(p => p.Probabilities).ToArray();
        var after = Predictor.PredictSplit(loaded, data.Test).SelectMany(p => p.Probabilities).ToArray();
        Assert.Equal(before, after);
    }

    [Fact]
    public void A_saved_and_loaded_model_predicts_bitwise_the_same()
    {
        using var model = Trained();
        var path = TempPath();
        ModelFile.Save(model, path, overwrite: false);
        using var loaded = ModelFile.Load(path);
        var test = TestData.Mnist.Test;
        var before = Predictor.PredictSplit(model, test).SelectMany(p => p.Probabilities).ToArray();
        var after = Predictor.PredictSplit(loaded, test).SelectMany(p => p.Probabilities).ToArray();
        Assert.Equal(before, after);
        Assert.Equal(model.History, loaded.History);
        Assert.Equal(model.LastEvaluation!.Accuracy, loaded.LastEvaluation!.Accuracy);
        Assert.Equal(model.TrainingData, loaded.TrainingData);
        Assert.Equal(model.Spec.Seed, loaded.Spec.Seed);
    }

    [Fact]
    public void Training_continued_from_a_file_matches_training_without_a_break()
    {
        var data = TestData.Mnist.Take(2_000, 200);
        var options = new TrainingOptions { Epochs = 1, ThreadCount = 1 };
        using var straight = new MnistModel(new ModelSpec { Seed = 4 });
        Trainer.Fit(straight, data, options with { Epochs = 2 });

        using var first = new MnistModel(new ModelSpec { Seed = 4 });
        Trainer.Fit(first, data, options);
        var path = TempPath();
        ModelFile.Save(first, path, overwrite: false);
        using var resumed = ModelFile.Load(path);
        Trainer.Fit(resumed, data, options);

        Assert.Equal(new[] { 1, 2 }, resumed.History.Select(h => h.Epoch));
        Assert.Equal(straight.History[1].Loss, resumed.History[1].Loss);
        var expected = straight.Network.parameters().First();
        Assert.True(expected.eq(resumed.Network.parameters().First()).all().item<bool>());
    }

    [Fact]
    public void Refuses_to_overwrite_without_being_told()
    {
        using var model = new MnistModel(new ModelSpec { Seed = 1 });
        var path = TempPath();
        File.WriteAllText(path, "keep me");
        Assert.Equal("FileExists", Assert.Throws<MnistException>(() => ModelFile.Save(model, path, overwrite: false)).ErrorId);
        Assert.Equal("keep me", File.ReadAllText(path));
    }

    [Fact]
    public void A_failure_in_the_middle_of_a_write_keeps_the_old_file_and_leaves_no_temporary()
    {
        var path = TempPath();
        File.WriteAllText(path, "previous model");
        Assert.Throws<IOException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(Encoding.UTF8.GetBytes("half of a new model"));
            throw new IOException("disk full");
        }, overwrite: true));
        Assert.Equal("previous model", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));
    }

    [Fact]
    public void Reports_a_missing_file()
    {
        Assert.Equal("ModelFileNotFound", Assert.Throws<MnistException>(() => ModelFile.Load(TempPath())).ErrorId);
    }

    [Fact]
    public void Reports_a_truncated_file()
    {
        using var model = new MnistModel(new ModelSpec { Seed = 1 });
        var path = TempPath();
        ModelFile.Save(model, path, overwrite: false);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<MnistException>(() => ModelFile.Load(path));
        Assert.Equal("ModelFileCorrupt", e.ErrorId);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Reports_corrupted_weights()
    {
        using var model = new MnistModel(new ModelSpec { Seed = 1 });
        var path = TempPath();
        ModelFile.Save(model, path, overwrite: false);
        RewriteEntry(path, "weights.bin", bytes => { bytes[bytes.Length / 2] ^= 0xFF; return bytes; });
        Assert.Equal("ModelFileCorrupt", Assert.Throws<MnistException>(() => ModelFile.Load(path)).ErrorId);
    }

    [Fact]
    public void Reports_weights_of_another_architecture()
    {
        using var model = new MnistModel(new ModelSpec { Seed = 1 });
        using var other = new MnistModel(new ModelSpec { HiddenUnits = new[] { 64 }, Seed = 1 });
        var path = TempPath();
        var otherPath = TempPath();
        ModelFile.Save(model, path, overwrite: false);
        ModelFile.Save(other, otherPath, overwrite: false);
        byte[] otherWeights;
        using (var zip = ZipFile.OpenRead(otherPath))
        using (var stream = zip.GetEntry("weights.bin")!.Open())
        using (var buffer = new MemoryStream()) { stream.CopyTo(buffer); otherWeights = buffer.ToArray(); }
        RewriteEntry(path, "weights.bin", _ => otherWeights);
        RewriteEntry(path, "model.json", json => Encoding.UTF8.GetBytes(System.Text.RegularExpressions.Regex.Replace(
            Encoding.UTF8.GetString(json), "\"WeightsSha256\": \"[0-9a-f]+\"", $"\"WeightsSha256\": \"{Data.MnistFiles.Sha256Hex(otherWeights)}\"")));
        var e = Assert.Throws<MnistException>(() => ModelFile.Load(path));
        Assert.Equal("ModelArchitectureMismatch", e.ErrorId);
    }

    [Fact]
    public void Reports_a_file_from_a_newer_format()
    {
        using var model = new MnistModel(new ModelSpec { Seed = 1 });
        var path = TempPath();
        ModelFile.Save(model, path, overwrite: false);
        RewriteEntry(path, "model.json", json => Encoding.UTF8.GetBytes(
            Encoding.UTF8.GetString(json).Replace($"\"FormatVersion\": {ModelFile.FormatVersion}", "\"FormatVersion\": 99")));
        var e = Assert.Throws<MnistException>(() => ModelFile.Load(path));
        Assert.Equal("ModelFormatTooNew", e.ErrorId);
        Assert.Contains("99", e.Message);
    }

    private static void RewriteEntry(string path, string entryName, Func<byte[], byte[]> change)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Update);
        var entry = zip.GetEntry(entryName)!;
        byte[] bytes;
        using (var stream = entry.Open())
        using (var buffer = new MemoryStream()) { stream.CopyTo(buffer); bytes = buffer.ToArray(); }
        entry.Delete();
        using var output = zip.CreateEntry(entryName).Open();
        output.Write(change(bytes));
    }
}
