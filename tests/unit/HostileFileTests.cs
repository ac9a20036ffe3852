using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Mnist.Core.Data;
using Mnist.Core.Imaging;
using Mnist.Core.Modeling;
using Mnist.Core.Persistence;
using Mnist.Core.Training;
using Xunit;

namespace Mnist.Core.Tests;

/// <summary>Files made by someone else: every reader refuses them with the module's error, before it allocates or calls native code.</summary>
public class HostileFileTests
{
    private static string TempFolder() =>
        Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "mnist-hostile-" + Guid.NewGuid().ToString("N"))).FullName;

    private static readonly Lazy<byte[]> SavedModel = new(() =>
    {
        using var model = new MnistModel(new ModelSpec { Seed = 3, HiddenUnits = new[] { 32 } });
        Trainer.Fit(model, TestData.Mnist.Take(512, 64), new TrainingOptions { Epochs = 1, ValidationSplit = 0 });
        var path = Path.Combine(TempFolder(), "good.mnist");
        ModelFile.Save(model, path, overwrite: false);
        return File.ReadAllBytes(path);
    });

    /// <summary>A copy of a good model file with one entry replaced.</summary>
    private static string ModelWith(string entry, Func<byte[], byte[]> change)
    {
        var path = Path.Combine(TempFolder(), "hostile.mnist");
        File.WriteAllBytes(path, SavedModel.Value);
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
        {
            var old = zip.GetEntry(entry)!;
            byte[] bytes;
            using (var stream = old.Open())
            using (var buffer = new MemoryStream())
            {
                stream.CopyTo(buffer);
                bytes = buffer.ToArray();
            }
            old.Delete();
            using var output = zip.CreateEntry(entry).Open();
            output.Write(change(bytes));
        }
        return path;
    }

    private static string ModelWithJson(Action<JsonObject> change) => ModelWith("model.json", bytes =>
    {
        var json = JsonNode.Parse(bytes)!.AsObject();
        change(json);
        return Encoding.UTF8.GetBytes(json.ToJsonString());
    });

    private static MnistException LoadFails(string path)
    {
        var error = Assert.Throws<MnistException>(() => ModelFile.Load(path));
        Assert.Equal(path, error.Target);
        Assert.Contains(path, error.Message);
        return error;
    }

    public static TheoryData<string, string> BadSpecs => new()
    {
        { "HiddenUnits", "null" },
        { "HiddenUnits", "[]" },
        { "HiddenUnits", "[65536, 65536, 65536]" },
        { "Dropout", "null" },
        { "Architecture", "7" },
        { "Activation", "42" },
        { "Optimizer", "-1" },
        { "LearningRate", "\"NaN\"" },
        { "LearningRate", "-0.5" },
        { "Momentum", "\"Infinity\"" },
        { "WeightDecay", "-1" },
        { "StepSize", "0" },
        { "StepGamma", "\"NaN\"" },
        { "Classes", "100000000" },
        { "InputRows", "1000000" },
        { "Seed", "-4" },
    };

    [Theory]
    [MemberData(nameof(BadSpecs))]
    public void A_model_json_with_an_impossible_spec_value_is_refused_before_anything_is_built(string field, string value)
    {
        var path = ModelWithJson(json => json["Spec"]![field] = JsonNode.Parse(value));
        var before = GC.GetAllocatedBytesForCurrentThread();
        var error = LoadFails(path);
        Assert.Equal("ModelFileCorrupt", error.ErrorId);
        Assert.Contains(field, error.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 50 << 20);
    }

    public static TheoryData<string, string> BadFields => new()
    {
        { "Spec", "null" },
        { "Spec", "\"mlp\"" },
        { "History", "null" },
        { "History", "[null]" },
        { "ClassNames", "[\"a\", \"b\"]" },
        { "ClassNames", "[null, \"1\", \"2\", \"3\", \"4\", \"5\", \"6\", \"7\", \"8\", \"9\"]" },
        { "WeightsSha256", "null" },
        { "FormatVersion", "\"two\"" },
        { "TrainingData", "{\"Name\": null}" },
        { "LastEvaluation", "{\"Loss\": 1, \"ConfusionMatrix\": [[1]], \"ClassNames\": [\"a\", \"b\"], \"Split\": \"Test\"}" },
        { "SchedulePlan", "{\"StartEpoch\": 5, \"EndEpoch\": 1}" },
        { "History", "[{\"Epoch\": 1, \"Augmentation\": {\"RotationDegrees\": -5}}]" },
        { "History", "[{\"Epoch\": 1, \"Augmentation\": {\"ShiftPixels\": \"NaN\"}}]" },
        { "History", "[{\"Epoch\": 1, \"Augmentation\": {\"ShearDegrees\": 90}}]" },
    };

    [Theory]
    [MemberData(nameof(BadFields))]
    public void A_model_json_with_a_null_or_wrongly_typed_field_is_refused_with_the_module_error(string field, string value)
    {
        var path = ModelWithJson(json => json[field] = JsonNode.Parse(value));
        Assert.Equal("ModelFileCorrupt", LoadFails(path).ErrorId);
    }

    [Fact]
    public void A_kind_that_is_not_a_string_is_not_a_model_file()
    {
        Assert.Equal("ModelFileInvalid", LoadFails(ModelWithJson(json => json["Kind"] = 7)).ErrorId);
    }

    [Fact]
    public void A_weights_entry_that_inflates_past_what_the_model_needs_is_refused_while_reading()
    {
        var path = ModelWith("weights.bin", _ => new byte[64 << 20]);
        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Equal("ModelFileTooLarge", LoadFails(path).ErrorId);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20);
    }

    [Fact]
    public void Weights_of_another_architecture_are_refused_even_with_a_matching_checksum()
    {
        using var other = new MnistModel(new ModelSpec { Seed = 3, HiddenUnits = new[] { 33 } });
        byte[] weights;
        using (var buffer = new MemoryStream())
        {
            using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true)) other.Network.save(writer);
            weights = buffer.ToArray();
        }
        var path = ModelWith("weights.bin", _ => weights);
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
        {
            var entry = zip.GetEntry("model.json")!;
            JsonObject json;
            using (var stream = entry.Open()) json = JsonNode.Parse(stream)!.AsObject();
            json["WeightsSha256"] = MnistFiles.Sha256Hex(weights);
            entry.Delete();
            using var output = zip.CreateEntry("model.json").Open();
            output.Write(Encoding.UTF8.GetBytes(json.ToJsonString()));
        }
        var error = LoadFails(path);
        Assert.Equal("ModelArchitectureMismatch", error.ErrorId);
        Assert.Contains("expected (32, 784)", error.Message);
    }

    public static TheoryData<string> OptimizerDamage => new() { "truncated", "extended", "flag", "shape", "nan-rate", "other-optimizer" };

    [Theory]
    [MemberData(nameof(OptimizerDamage))]
    public void A_damaged_optimizer_state_is_refused_before_TorchSharp_reads_it(string damage)
    {
        var path = ModelWith("optimizer.bin", bytes =>
        {
            var copy = bytes.ToArray();
            int afterName = 1 + copy[0];
            switch (damage)
            {
                case "truncated": return copy[..^100];
                case "extended": return copy.Concat(new byte[8]).ToArray();
                case "flag": copy[^1] = 1; return copy; // max_exp_avg_sq "present" with nothing after it
                case "shape": copy[afterName + 2 + 50 + 8 + 2] ^= 0x01; return copy; // counts, Adam's options, a step, dtype and rank: the first dimension
                case "nan-rate": BitConverter.GetBytes(double.NaN).CopyTo(copy, afterName + 2 + 8); return copy;
                default: Encoding.ASCII.GetBytes("SGD!").CopyTo(copy, 1); return copy;
            }
        });
        Assert.Equal("ModelFileCorrupt", LoadFails(path).ErrorId);
    }

    [Fact]
    public void The_generator_check_accepts_a_real_state_and_knows_its_layout()
    {
        using var generator = new TorchSharp.torch.Generator(123);
        using (var draw = TorchSharp.torch.rand(1000, generator: generator)) { }
        using var state = generator.get_state();
        var bytes = state.data<byte>().ToArray();
        TrainingStateCheck.CheckGenerator(bytes);
        Assert.Equal(5_056, bytes.Length);
        Assert.Equal(123UL, BitConverter.ToUInt64(bytes, 0));
        Assert.Equal(1, BitConverter.ToInt32(bytes, 12));
    }

    [Theory]
    [InlineData(8, 0)]      // left = 0
    [InlineData(8, 625)]    // left past the state
    [InlineData(12, 0)]     // not seeded
    [InlineData(16, 9999)]  // next past the state
    public void The_generator_check_refuses_a_state_libtorch_would_abort_on(int offset, int value)
    {
        using var generator = new TorchSharp.torch.Generator(5);
        using var state = generator.get_state();
        var bytes = state.data<byte>().ToArray();
        BitConverter.GetBytes(value).CopyTo(bytes, offset);
        Assert.Throws<FormatException>(() => TrainingStateCheck.CheckGenerator(bytes));
        Assert.Throws<FormatException>(() => TrainingStateCheck.CheckGenerator(bytes[..100]));
    }

    [Fact]
    public void An_idx_header_that_claims_more_images_than_the_file_holds_is_refused_before_allocating()
    {
        var folder = TempFolder();
        var path = Path.Combine(folder, "train-images-idx3-ubyte");
        File.WriteAllBytes(path, Idx(2051, new[] { 2_000_000, 28, 28 }, new byte[784 * 3]));
        var before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<MnistException>(() => IdxReader.ReadImages(path));
        Assert.Equal("IdxTruncated", error.ErrorId);
        Assert.Equal(path, error.Target);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
    }

    [Fact]
    public void A_gzip_idx_header_that_claims_more_than_the_file_holds_allocates_only_what_arrives()
    {
        var path = Path.Combine(TempFolder(), "train-images-idx3-ubyte.gz");
        using (var file = File.Create(path))
        using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
            gzip.Write(Idx(2051, new[] { 1_000_000, 28, 28 }, new byte[784 * 30_000]));
        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Equal("IdxTruncated", Assert.Throws<MnistException>(() => IdxReader.ReadImages(path)).ErrorId);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 100 << 20, "at most what the file really inflates to, not 784 MB");
    }

    [Fact]
    public void A_raw_idx_file_with_more_bytes_than_its_header_announces_is_refused_before_reading()
    {
        var path = Path.Combine(TempFolder(), "t10k-labels-idx1-ubyte");
        File.WriteAllBytes(path, Idx(2049, new[] { 3 }, new byte[] { 1, 2, 3, 4 }));
        Assert.Equal("IdxTrailingData", Assert.Throws<MnistException>(() => IdxReader.ReadLabels(path)).ErrorId);
    }

    [Theory]
    [InlineData("(100000000, 28, 28)", "IdxTruncated")]
    [InlineData("(99999999999, 28, 28)", "NpzBadArray")]
    [InlineData("(-1, 28, 28)", "NpzBadArray")]
    [InlineData("(abc,)", "NpzBadArray")]
    public void An_npz_header_with_absurd_shapes_is_refused_before_allocating(string shape, string errorId)
    {
        var path = Path.Combine(TempFolder(), "mnist.npz");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            var header = $"{{'descr': '|u1', 'fortran_order': False, 'shape': {shape}, }}".PadRight(117) + "\n";
            using var stream = zip.CreateEntry("x_train.npy").Open();
            stream.Write(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0 });
            stream.Write(BitConverter.GetBytes((ushort)header.Length));
            stream.Write(Encoding.ASCII.GetBytes(header));
            stream.Write(new byte[784 * 2]);
        }
        var before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<MnistException>(() => NpzReader.ReadSplit(path, "train"));
        Assert.Equal(errorId, error.ErrorId);
        Assert.Equal(path, error.Target);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
    }

    [Fact]
    public void A_picture_whose_header_claims_gigapixels_is_refused_before_decoding()
    {
        var path = Path.Combine(TempFolder(), "huge.png");
        File.WriteAllBytes(path, PngHeader(40_000, 40_000));
        var before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<MnistException>(() => DigitImageFile.Prepare(path));
        Assert.Equal("ImageTooLarge", error.ErrorId);
        Assert.Equal(path, error.Target);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
    }

    internal static byte[] Idx(int magic, int[] dimensions, byte[] data)
    {
        var bytes = new List<byte>();
        foreach (var value in dimensions.Prepend(magic))
            bytes.AddRange(BitConverter.GetBytes(value).Reverse());
        bytes.AddRange(data);
        return bytes.ToArray();
    }

    /// <summary>A PNG's signature and IHDR chunk (8-bit gray) claiming the given size, then a tiny IDAT and IEND.</summary>
    internal static byte[] PngHeader(int width, int height)
    {
        var output = new List<byte> { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A };
        void Chunk(string type, byte[] data)
        {
            output.AddRange(BitConverter.GetBytes(data.Length).Reverse());
            var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
            output.AddRange(typed);
            output.AddRange(BitConverter.GetBytes(Crc32(typed)).Reverse());
        }
        Chunk("IHDR", BitConverter.GetBytes(width).Reverse().Concat(BitConverter.GetBytes(height).Reverse()).Concat(new byte[] { 8, 0, 0, 0, 0 }).ToArray());
        Chunk("IDAT", new byte[] { 0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01 });
        Chunk("IEND", Array.Empty<byte>());
        return output.ToArray();
    }

    private static uint Crc32(byte[] data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (var b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
        }
        return ~crc;
    }
}
