using System.IO.Compression;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Mnist.Core.Modeling;
using Mnist.Core.Persistence;
using Mnist.Core.Persistence.Onnx;
using Onnx;
using Xunit;

namespace Mnist.Core.Tests;

/// <summary>
/// ONNX and PyTorch files changed by someone else (issue 23, second round): damaged metadata is refused with the
/// module's error naming the file, and whatever is imported can be saved and read back in every format.
/// </summary>
public class ForeignModelFileTests(Xunit.Abstractions.ITestOutputHelper output)
{
    internal static string TempFolder() =>
        Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "mnist-foreign-" + Guid.NewGuid().ToString("N"))).FullName;

    /// <summary>A small trained model with History, training data and an evaluation, saved as <paramref name="format"/>.</summary>
    internal static string Saved(ModelFormat format, ModelSpec? spec = null)
    {
        using var model = new MnistModel(spec ?? new ModelSpec { Seed = 3, HiddenUnits = new[] { 16 } });
        var data = TestData.Mnist.Take(256, 64);
        Training.Trainer.Fit(model, data, new Training.TrainingOptions { Epochs = 2, ValidationSplit = 0 });
        model.RecordEvaluation(Evaluation.Evaluator.Evaluate(model, data.Test));
        var path = Path.Combine(TempFolder(), format switch { ModelFormat.Onnx => "model.onnx", ModelFormat.PyTorch => "model.pt", _ => "model.mnist" });
        ModelFormats.Save(model, path, format, overwrite: false);
        return path;
    }

    /// <summary>Changes of the record a file keeps (its JSON, in the format's own names), each a damage seen or tried.</summary>
    public static TheoryData<string, string> Damages => new()
    {
        { "spec", "null" },
        { "history", "null" },
        { "history", "[null]" },
        { "history", "[{}]" },
        { "training_data", "{}" },
        { "training_data.name", "null" },
        { "training_data.name", "\"\"" },
        { "training_data.checksums", "null" },
        { "training_data.class_names", "null" },
        { "training_data.class_names", "[null, \"1\"]" },
        { "class_names", "[null, \"1\", \"2\", \"3\", \"4\", \"5\", \"6\", \"7\", \"8\", \"9\"]" },
        { "class_names", "[\"\", \"1\", \"2\", \"3\", \"4\", \"5\", \"6\", \"7\", \"8\", \"9\"]" },
        { "class_names", "[\"0\", \"0\", \"2\", \"3\", \"4\", \"5\", \"6\", \"7\", \"8\", \"9\"]" },
        { "class_names", "[]" },
        { "name", "null" },
        { "name", "\"\"" },
        { "last_evaluation.class_names", "null" },
        { "last_evaluation.confusion_matrix", "null" },
        { "last_evaluation.split", "null" },
        { "last_evaluation.data_name", "null" },
        { "schedule_plan", "{\"start_epoch\": 5, \"end_epoch\": 1}" },
        { "spec.layers", "[null]" },
        { "spec.layers", "[\"\"]" },
        { "spec.hidden_units", "null" },
        { "spec.dropout", "null" },
    };

    [Theory]
    [MemberData(nameof(Damages))]
    public void A_pytorch_architecture_with_damaged_metadata_is_refused_or_imports_a_model_that_saves_and_reads_back(string field, string value)
    {
        var path = Saved(ModelFormat.PyTorch);
        var json = Persistence.PyTorch.PyTorchModelFile.ArchitecturePath(path);
        var root = JsonNode.Parse(File.ReadAllText(json))!.AsObject();
        Set(root, field, value, snakeCase: true);
        File.WriteAllText(json, root.ToJsonString());
        RefusedOrRoundTrips(path, "PyTorchArchitectureInvalid");
    }

    [Theory]
    [MemberData(nameof(Damages))]
    public void An_onnx_record_with_damaged_metadata_is_refused_or_imports_a_model_that_saves_and_reads_back(string field, string value)
    {
        var path = Saved(ModelFormat.Onnx);
        var proto = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
        var entry = proto.MetadataProps.Single(p => p.Key == OnnxModelFile.RecordKey);
        var root = JsonNode.Parse(entry.Value)!.AsObject();
        Set(root, field, value, snakeCase: false);
        entry.Value = root.ToJsonString();
        File.WriteAllBytes(path, proto.ToByteArray());
        RefusedOrRoundTrips(path, "OnnxFileInvalid");
    }

    [Theory]
    [InlineData("N.")]          // pickle protocol 0: None
    [InlineData("\u0080\u0002N.")] // protocol 2: None
    [InlineData("\u0080\u0002]q\u0000.")] // an empty list
    [InlineData("\u0080\u0002}q\u0000.")] // an empty dict
    public void A_state_dict_whose_pickle_is_none_or_empty_is_refused_naming_the_file(string pickle)
    {
        var path = Saved(ModelFormat.PyTorch);
        File.Delete(path);
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        using (var stream = zip.CreateEntry("archive/data.pkl").Open())
            stream.Write(pickle.Select(c => (byte)c).ToArray());
        var e = Assert.Throws<MnistException>(() => ModelFormats.Load(path));
        Assert.Contains(e.ErrorId, new[] { "PyTorchFileInvalid", "ModelArchitectureMismatch" });
        Assert.Contains(path, e.Message);
    }

    /// <summary>Architectures far larger than a small MLP's weights: CNN presets with wide dense layers, and a layer list.</summary>
    public static TheoryData<ModelFormat, string> LargeArchitectures()
    {
        var data = new TheoryData<ModelFormat, string>();
        foreach (var format in Enum.GetValues<ModelFormat>())
        {
            data.Add(format, """{"Architecture": "Cnn", "HiddenUnits": [4096], "Dropout": [0.25, 0.5]}""");
            data.Add(format, """{"Architecture": "FastCnn", "HiddenUnits": [8192], "Dropout": []}""");
            data.Add(format, """{"Architecture": "Custom", "Layers": ["Conv2D(4096, 3)", "Flatten", "Dense(10)"]}""");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(LargeArchitectures))]
    public void An_architecture_far_larger_than_the_files_weights_is_refused_before_the_network_is_built(ModelFormat format, string spec)
    {
        var path = Saved(format);
        var replacement = JsonNode.Parse(spec)!.AsObject();
        switch (format)
        {
            case ModelFormat.PyTorch:
            {
                var json = Persistence.PyTorch.PyTorchModelFile.ArchitecturePath(path);
                var root = JsonNode.Parse(File.ReadAllText(json))!.AsObject();
                var target = root["spec"]!.AsObject();
                target.Remove("layers");
                foreach (var (key, value) in replacement)
                    target[System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(key)] = value?.DeepClone();
                File.WriteAllText(json, root.ToJsonString());
                break;
            }
            case ModelFormat.Onnx:
            {
                var proto = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
                var entry = proto.MetadataProps.Single(p => p.Key == OnnxModelFile.RecordKey);
                var root = JsonNode.Parse(entry.Value)!.AsObject();
                Replace(root["Spec"]!.AsObject(), replacement);
                entry.Value = root.ToJsonString();
                File.WriteAllBytes(path, proto.ToByteArray());
                break;
            }
            default:
            {
                using var zip = ZipFile.Open(path, ZipArchiveMode.Update);
                var old = zip.GetEntry("model.json")!;
                JsonObject root;
                using (var stream = old.Open()) root = JsonNode.Parse(stream)!.AsObject();
                old.Delete();
                Replace(root["Spec"]!.AsObject(), replacement);
                using var output = zip.CreateEntry("model.json").Open();
                output.Write(System.Text.Encoding.UTF8.GetBytes(root.ToJsonString()));
                break;
            }
        }
        var e = Assert.Throws<MnistException>(() => ModelFormats.Load(path));
        Assert.Equal("ModelArchitectureMismatch", e.ErrorId);
        Assert.Contains(path, e.Message);
        Assert.Contains("is too small for the architecture", e.Message); // the size check, made before the network is built
    }

    private static void Replace(JsonObject spec, JsonObject replacement)
    {
        spec.Remove("Layers");
        foreach (var (key, value) in replacement) spec[key] = value?.DeepClone();
    }

    [Fact]
    public void A_large_models_pytorch_export_reads_back_though_its_writer_compresses_the_weights()
    {
        // 6.5 million parameters, 26 MB of float32, which the state_dict's zip holds deflated (a few percent smaller).
        using var model = new MnistModel(new ModelSpec { Seed = 2, HiddenUnits = new[] { 8192 } });
        var path = Path.Combine(TempFolder(), "large.pt");
        ModelFormats.Save(model, path, ModelFormat.PyTorch, overwrite: false);
        output.WriteLine($"{model.ParameterCount * 4:N0} bytes of weights in a {new FileInfo(path).Length:N0}-byte file");
        using var back = ModelFormats.Load(path);
        Assert.Equal(model.ParameterCount, back.ParameterCount);
    }

    /// <summary>A copy of a good state_dict file with its data.pkl changed.</summary>
    internal static string WithPickle(Func<byte[], byte[]> change)
    {
        var path = Saved(ModelFormat.PyTorch);
        using var zip = ZipFile.Open(path, ZipArchiveMode.Update);
        var old = zip.Entries.Single(e => e.Name == "data.pkl");
        var name = old.FullName;
        byte[] bytes;
        using (var stream = old.Open())
        using (var buffer = new MemoryStream())
        {
            stream.CopyTo(buffer);
            bytes = buffer.ToArray();
        }
        old.Delete();
        using (var output = zip.CreateEntry(name).Open()) output.Write(change(bytes));
        return path;
    }

    /// <summary>
    /// The pickle of a state_dict, then <paramref name="copies"/> more rebuilds of its first tensor, each dropped at
    /// once (6 bytes each: get the function, get the first tensor's arguments, call, pop), before its last SETITEMS.
    /// </summary>
    internal static byte[] RebuildingAndDropping(byte[] pickle, int copies)
    {
        var text = System.Text.Encoding.Latin1.GetString(pickle);
        // The first tensor's arguments are memoized right before its REDUCE ("q <n> R"): find that memo index.
        int reduce = text.IndexOf("R", text.IndexOf("_rebuild_tensor_v2", StringComparison.Ordinal) + 1, StringComparison.Ordinal);
        while (!(pickle[reduce] == (byte)'R' && pickle[reduce - 2] == (byte)'q' && pickle[reduce + 1] == (byte)'q' && pickle[reduce - 3] == (byte)'t')) reduce++;
        byte argsMemo = pickle[reduce - 1];
        var extra = new List<byte>();
        extra.AddRange(System.Text.Encoding.Latin1.GetBytes("ctorch._utils\n_rebuild_tensor_v2\nq\u00fe0"));
        for (int i = 0; i < copies; i++) extra.AddRange(new byte[] { (byte)'h', 0xfe, (byte)'h', argsMemo, (byte)'R', (byte)'0' });
        int end = pickle.Length - 2; // "u." ends the pickle: SETITEMS, STOP
        Assert.Equal((byte)'u', pickle[end]);
        return pickle[..end].Concat(extra).Concat(pickle[end..]).ToArray();
    }

    [Fact]
    public void A_pickle_that_rebuilds_a_tensor_thousands_of_times_and_drops_the_copies_is_refused_before_unpickling()
    {
        var path = WithPickle(pickle => RebuildingAndDropping(pickle, 20_000));
        var e = Assert.Throws<MnistException>(() => ModelFormats.Load(path));
        Assert.Equal("PyTorchFileInvalid", e.ErrorId);
        Assert.Contains(path, e.Message);
        Assert.Contains("rebuilds 20,004 tensors", e.Message);
    }

    [Fact]
    public void A_pickle_whose_storage_claims_two_billion_elements_is_refused_before_unpickling()
    {
        var path = WithPickle(pickle =>
        {
            // The first storage's element count, "M" and two bytes (12,544 for the 16-unit layer), becomes 2^31 - 1 ("J" and four bytes).
            int at = Array.IndexOf(pickle, (byte)'M', System.Text.Encoding.Latin1.GetString(pickle).IndexOf("cpu", StringComparison.Ordinal));
            Assert.Equal(12_544, BitConverter.ToUInt16(pickle, at + 1));
            return pickle[..at].Concat(new byte[] { (byte)'J', 0xff, 0xff, 0xff, 0x7f }).Concat(pickle[(at + 3)..]).ToArray();
        });
        var e = Assert.Throws<MnistException>(() => ModelFormats.Load(path));
        Assert.Equal("ModelFileTooLarge", e.ErrorId);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void A_pickle_that_hands_one_long_string_to_thousands_of_calls_is_refused_before_unpickling()
    {
        // bytearray(s) copies s: one 64 KB string, memoized once and passed to 1,000 calls, would be 64 MB.
        var pickle = new List<byte> { 0x80, 0x02 };
        pickle.AddRange(System.Text.Encoding.Latin1.GetBytes("c__builtin__\nbytearray\nq\u00010"));
        pickle.Add((byte)'X');
        pickle.AddRange(BitConverter.GetBytes(65_536));
        pickle.AddRange(Enumerable.Repeat((byte)'a', 65_536));
        pickle.AddRange(new byte[] { (byte)'q', 2, (byte)'0' });
        for (int i = 0; i < 1_000; i++) pickle.AddRange(new byte[] { (byte)'h', 1, (byte)'h', 2, 0x85, (byte)'R', (byte)'0' });
        pickle.AddRange(new byte[] { (byte)'}', (byte)'.' });
        var path = WithPickle(_ => pickle.ToArray());
        var e = Assert.Throws<MnistException>(() => ModelFormats.Load(path));
        Assert.Equal("PyTorchFileInvalid", e.ErrorId);
        Assert.Contains(path, e.Message);
        Assert.Contains("more than 1 MB of text and bytes to calls", e.Message);
    }

    [Theory]
    [InlineData(new byte[] { 0x80, 0x02, (byte)'}', (byte)'(' })]         // ends before its STOP
    [InlineData(new byte[] { 0x80, 0x02, 0xff, (byte)'.' })]              // an opcode pickle does not have
    [InlineData(new byte[] { 0x80, 0x02, (byte)'h', 0x07, (byte)'.' })]   // a memo never stored
    [InlineData(new byte[] { 0x80, 0x02, (byte)'0', (byte)'.' })]         // pops an empty stack
    public void A_pickle_the_census_cannot_follow_is_refused_naming_the_file(byte[] pickle)
    {
        var path = WithPickle(_ => pickle);
        var e = Assert.Throws<MnistException>(() => ModelFormats.Load(path));
        Assert.Equal("PyTorchFileInvalid", e.ErrorId);
        Assert.Contains(path, e.Message);
    }

    /// <summary>Either the module's error naming the file, or a model that the module's own file, ONNX and PyTorch keep as it is.</summary>
    private static void RefusedOrRoundTrips(string path, string invalidId)
    {
        MnistModel model;
        try
        {
            model = ModelFormats.Load(path);
        }
        catch (MnistException e)
        {
            Assert.Contains(e.ErrorId, new[] { invalidId, "ModelArchitectureMismatch" });
            Assert.Contains(path, e.Message);
            return;
        }
        using (model)
        {
            Assert.DoesNotContain(model.ClassNames, string.IsNullOrWhiteSpace);
            Assert.False(string.IsNullOrWhiteSpace(model.Name));
            foreach (var format in Enum.GetValues<ModelFormat>())
            {
                var copy = Path.Combine(TempFolder(), "copy" + format switch { ModelFormat.Onnx => ".onnx", ModelFormat.PyTorch => ".pt", _ => ".mnist" });
                ModelFormats.Save(model, copy, format, overwrite: false);
                using var back = ModelFormats.Load(copy);
                Assert.Equal(model.ClassNames, back.ClassNames);
                Assert.Equal(model.Name, back.Name);
                Assert.Equal(model.History, back.History);
                Assert.Equal(model.TrainingData, back.TrainingData);
            }
        }
    }

    /// <summary>Sets a dotted field of the record (PascalCase in ONNX's record, snake_case in PyTorch's JSON).</summary>
    private static void Set(JsonObject root, string field, string value, bool snakeCase)
    {
        var parts = field.Split('.').Select(p => snakeCase ? p : string.Concat(p.Split('_').Select(w => char.ToUpperInvariant(w[0]) + w[1..]))).ToArray();
        var node = root;
        foreach (var part in parts[..^1])
        {
            var child = node[part] as JsonObject;
            if (child is null) return; // a field the record does not have here (no evaluation): nothing to damage
            node = child;
        }
        node[parts[^1]] = JsonNode.Parse(value);
    }
}
