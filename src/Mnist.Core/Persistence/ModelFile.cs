using System.IO.Compression;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Mnist.Core.Evaluation;
using Mnist.Core.Modeling;
using Mnist.Core.Training;

namespace Mnist.Core.Persistence;

/// <summary>
/// The model file: a zip holding <c>model.json</c> (format version, architecture, hyperparameters, History, last
/// evaluation, data checksums, versions, time) and <c>weights.bin</c> (TorchSharp's own format, which has no
/// header or checksum of its own; the zip's CRC and the recorded SHA-256 cover it).
/// </summary>
public static class ModelFile
{
    public const int FormatVersion = 2;
    public const string Kind = "Mnist.Model";
    private const string MetadataEntry = "model.json";
    private const string WeightsEntry = "weights.bin";
    private const string OptimizerEntry = "optimizer.bin";
    private const string GeneratorEntry = "generator.bin";

    internal static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static string ModuleVersion => typeof(ModelFile).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    public static string TorchSharpVersion =>
        typeof(TorchSharp.torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString() ?? "unknown";

    public static void Save(MnistModel model, string path, bool overwrite)
    {
        AtomicFile.Write(path, stream => Write(model, stream), overwrite);
        model.SetFilePath(System.IO.Path.GetFullPath(path));
    }

    public static void Write(MnistModel model, Stream stream)
    {
        byte[] weights;
        using (var buffer = new MemoryStream())
        {
            using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
                model.Network.save(writer);
            weights = buffer.ToArray();
        }
        var metadata = ModelMetadata.From(model, Data.MnistFiles.Sha256Hex(weights));
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        using (var entry = zip.CreateEntry(MetadataEntry, CompressionLevel.Optimal).Open())
            JsonSerializer.Serialize(entry, metadata, Json);
        using (var entry = zip.CreateEntry(WeightsEntry, CompressionLevel.Fastest).Open())
            entry.Write(weights);
        if (model.HasOptimizer)
        {
            using var entry = zip.CreateEntry(OptimizerEntry, CompressionLevel.Fastest).Open();
            model.WriteOptimizerState(entry);
        }
        using (var entry = zip.CreateEntry(GeneratorEntry, CompressionLevel.Fastest).Open())
        using (var state = model.Generator.get_state())
            entry.Write(state.data<byte>().ToArray());
    }

    public static MnistModel Load(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full))
            throw new MnistException("ModelFileNotFound", MnistErrorKind.NotFound, $"Model file '{full}' does not exist.", path);
        try
        {
            using var zip = ZipFile.OpenRead(full);
            var metadata = ReadMetadata(zip, full);
            var weights = ReadEntry(zip, WeightsEntry, full);
            if (Data.MnistFiles.Sha256Hex(weights) != metadata.WeightsSha256)
                throw Corrupt(full, "its weights do not match the SHA-256 recorded in it");
            var model = metadata.CreateModel();
            try
            {
                using var reader = new BinaryReader(new MemoryStream(weights));
                model.Network.load(reader, strict: true);
            }
            catch (Exception e) when (e is not MnistException)
            {
                model.Dispose();
                throw new MnistException("ModelArchitectureMismatch", MnistErrorKind.InvalidData,
                    $"'{full}': its weights do not fit the architecture it describes ({metadata.Spec.Architecture}): {e.Message}", path, e);
            }
            RestoreTrainingState(model, zip, full);
            model.SetFilePath(full);
            return model;
        }
        catch (InvalidDataException e)
        {
            throw Corrupt(full, $"it is not a readable model file ({e.Message})", e);
        }
        catch (JsonException e)
        {
            throw Corrupt(full, $"its metadata is not valid JSON ({e.Message})", e);
        }
    }

    /// <summary>Adam's moments and the generator's position, so that training continues exactly where it stopped.</summary>
    private static void RestoreTrainingState(MnistModel model, ZipArchive zip, string path)
    {
        try
        {
            if (zip.GetEntry(OptimizerEntry) is not null)
                model.ReadOptimizerState(new MemoryStream(ReadEntry(zip, OptimizerEntry, path)));
            if (zip.GetEntry(GeneratorEntry) is not null)
            {
                var state = ReadEntry(zip, GeneratorEntry, path);
                using var tensor = TorchSharp.torch.tensor(state, TorchSharp.torch.ScalarType.Byte);
                model.Generator.set_state(tensor);
            }
        }
        catch (Exception e) when (e is not MnistException)
        {
            model.Dispose();
            throw Corrupt(path, $"its training state cannot be restored ({e.Message})", e);
        }
    }

    private static ModelMetadata ReadMetadata(ZipArchive zip, string path)
    {
        var bytes = ReadEntry(zip, MetadataEntry, path);
        using var document = JsonDocument.Parse(bytes);
        var root = document.RootElement;
        if (!root.TryGetProperty("Kind", out var kind) || kind.GetString() != Kind)
            throw new MnistException("ModelFileInvalid", MnistErrorKind.InvalidData, $"'{path}' is not an Mnist model file.", path);
        var version = root.GetProperty("FormatVersion").GetInt32();
        if (version > FormatVersion)
            throw new MnistException("ModelFormatTooNew", MnistErrorKind.InvalidData,
                $"'{path}' has model format version {version}; this module (version {ModuleVersion}) reads up to version {FormatVersion}. Update the Mnist module.",
                path);
        return root.Deserialize<ModelMetadata>(Json) ?? throw Corrupt(path, "its metadata is empty");
    }

    private static byte[] ReadEntry(ZipArchive zip, string name, string path)
    {
        var entry = zip.GetEntry(name) ?? throw new MnistException("ModelFileInvalid", MnistErrorKind.InvalidData,
            $"'{path}' is not an Mnist model file: it has no '{name}'.", path);
        using var stream = entry.Open();
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    private static MnistException Corrupt(string path, string why, Exception? inner = null) =>
        new("ModelFileCorrupt", MnistErrorKind.InvalidData, $"'{path}' is damaged: {why}.", path, inner);
}
