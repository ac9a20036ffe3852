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
        using var use = model.BeginUse();
        AtomicFile.Write(path, stream => Write(model, stream), overwrite);
        model.SetFilePath(System.IO.Path.GetFullPath(path));
    }

    public static void Write(MnistModel model, Stream stream)
    {
        byte[] weights;
        using (var buffer = new MemoryStream())
        {
            using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
                model.WriteWeights(writer);
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
            entry.Write(model.GeneratorState);
    }

    /// <summary>The module's own format, recognised by a zip holding model.json.</summary>
    internal sealed class FileFormat : ModelFileFormat
    {
        public override ModelFormat Format => ModelFormat.Mnist;
        public override IReadOnlyList<string> Extensions { get; } = new[] { ".model" };
        public override bool Recognises(FileHead head) => head.ZipEntries.Contains(MetadataEntry);
        public override void Save(MnistModel model, string path, bool overwrite) => ModelFile.Save(model, path, overwrite);
        public override MnistModel Load(string full, string path) => ModelFile.Load(path);
    }

    public static MnistModel Load(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(full))
            throw new MnistException("ModelFileInvalid", MnistErrorKind.InvalidData, $"'{full}' is a folder, not a model file.", path);
        if (!File.Exists(full))
            throw new MnistException("ModelFileNotFound", MnistErrorKind.NotFound, $"Model file '{full}' does not exist.", path);
        try
        {
            using var zip = new ZipArchive(InputFile.OpenRead(full));
            var metadata = ReadMetadata(zip, full, path);
            long parameters = metadata.Spec.CountParameters() ?? InputLimits.MaxModelParameters;
            var weights = ReadEntry(zip, WeightsEntry, full, path, parameters * 4 + InputLimits.StateOverheadBytes);
            if (Data.MnistFiles.Sha256Hex(weights) != metadata.WeightsSha256)
                throw Corrupt(full, path, "its weights do not match the SHA-256 recorded in it");
            // A checksum proves only that the weights are the ones recorded: check that they can be the described network's before building it.
            SpecSize.Check(metadata.Spec, weights.Length, full, full, path);
            return ModelFileFormat.Assemble(metadata, full,
                (why, e) => Corrupt(full, path, $"model.json describes an impossible model ({why})", e), model =>
                {
                    try
                    {
                        TrainingStateCheck.CheckWeights(weights, model);
                        using var reader = new BinaryReader(new MemoryStream(weights));
                        model.ReadWeights(reader);
                    }
                    catch (Exception e) when (e is not MnistException)
                    {
                        throw new MnistException("ModelArchitectureMismatch", MnistErrorKind.InvalidData,
                            $"'{full}': its weights do not fit the architecture it describes ({metadata.Spec.Architecture}): {e.Message}", path, e);
                    }
                    RestoreTrainingState(model, zip, full, path, parameters);
                });
        }
        catch (InvalidDataException e)
        {
            throw Corrupt(full, path, $"it is not a readable model file ({e.Message})", e);
        }
        catch (JsonException e)
        {
            throw Corrupt(full, path, $"its metadata is not valid JSON for a model file ({e.Message})", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MnistException("ModelFileUnreadable", MnistErrorKind.ResourceUnavailable, $"'{full}' cannot be read: {e.Message}", path, e);
        }
    }

    /// <summary>Adam's moments and the generator's position, so that training continues exactly where it stopped.</summary>
    private static void RestoreTrainingState(MnistModel model, ZipArchive zip, string full, string path, long parameters)
    {
        try
        {
            if (zip.GetEntry(OptimizerEntry) is not null)
            {
                var state = ReadEntry(zip, OptimizerEntry, full, path, parameters * 4 * 3 + InputLimits.StateOverheadBytes);
                TrainingStateCheck.CheckOptimizer(state, model);
                model.ReadOptimizerState(new MemoryStream(state));
            }
            if (zip.GetEntry(GeneratorEntry) is not null)
            {
                var state = ReadEntry(zip, GeneratorEntry, full, path, InputLimits.MaxGeneratorStateBytes);
                TrainingStateCheck.CheckGenerator(state);
                model.RestoreGenerator(state);
            }
        }
        catch (Exception e) when (e is not MnistException)
        {
            throw Corrupt(full, path, $"its training state cannot be restored ({e.Message})", e);
        }
    }

    private static ModelMetadata ReadMetadata(ZipArchive zip, string full, string path)
    {
        var bytes = ReadEntry(zip, MetadataEntry, full, path, InputLimits.MaxMetadataBytes);
        using var document = JsonDocument.Parse(bytes);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("Kind", out var kind) ||
            kind.ValueKind != JsonValueKind.String || kind.GetString() != Kind)
            throw new MnistException("ModelFileInvalid", MnistErrorKind.InvalidData, $"'{full}' is not an Mnist model file.", path);
        if (!root.TryGetProperty("FormatVersion", out var versionElement) || versionElement.ValueKind != JsonValueKind.Number ||
            !versionElement.TryGetInt32(out var version) || version < 1)
            throw Corrupt(full, path, "model.json has no valid FormatVersion");
        if (version > FormatVersion)
            throw new MnistException("ModelFormatTooNew", MnistErrorKind.InvalidData,
                $"'{full}' has model format version {version}; this module (version {ModuleVersion}) reads up to version {FormatVersion}. Update the Mnist module.",
                path);
        var metadata = root.Deserialize<ModelMetadata>(Json) ?? throw Corrupt(full, path, "its metadata is empty");
        if (metadata.Problem() is { } problem) throw Corrupt(full, path, $"model.json: {problem}");
        return metadata;
    }

    /// <summary>
    /// An entry's bytes, read through a bounded stream: the zip's declared size is a hint for the first allocation,
    /// never trusted; more than <paramref name="limit"/> bytes is refused without reading them.
    /// </summary>
    private static byte[] ReadEntry(ZipArchive zip, string name, string full, string path, long limit)
    {
        var entry = zip.GetEntry(name) ?? throw new MnistException("ModelFileInvalid", MnistErrorKind.InvalidData,
            $"'{full}' is not an Mnist model file: it has no '{name}'.", path);
        limit = Math.Min(limit, Array.MaxLength - 1);
        if (entry.Length > limit) throw TooLarge(full, path, name, entry.Length, limit);
        using var stream = entry.Open();
        using var buffer = new MemoryStream((int)Math.Max(0, Math.Min(entry.Length, limit)));
        var chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk)) > 0)
        {
            if (buffer.Length + read > limit) throw TooLarge(full, path, name, null, limit);
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static MnistException TooLarge(string full, string path, string name, long? declared, long limit) =>
        new("ModelFileTooLarge", MnistErrorKind.LimitsExceeded,
            $"'{full}': its '{name}' {(declared is long d ? $"declares {d:N0} bytes" : "inflates to more")} than the {limit:N0} bytes a model of the size it describes can need.",
            path);

    private static MnistException Corrupt(string full, string path, string why, Exception? inner = null) =>
        new("ModelFileCorrupt", MnistErrorKind.InvalidData, $"'{full}' is damaged: {why}.", path, inner);
}
