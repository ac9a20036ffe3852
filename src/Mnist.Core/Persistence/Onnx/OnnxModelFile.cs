using System.Runtime.InteropServices;
using System.Text.Json;
using Google.Protobuf;
using Mnist.Core.Modeling;
using Onnx;
using static TorchSharp.torch;

namespace Mnist.Core.Persistence.Onnx;

/// <summary>
/// Reads back an ONNX file this module wrote: the architecture and class names from its metadata, the weights from
/// its initializers (named as the state_dict names them). History and training state live only in the .model file.
/// </summary>
public static class OnnxModelFile
{
    /// <summary>An ONNX ModelProto: its first field is the IR version (tag 0x08).</summary>
    internal sealed class FileFormat : ModelFileFormat
    {
        public override ModelFormat Format => ModelFormat.Onnx;
        public override IReadOnlyList<string> Extensions { get; } = new[] { ".onnx" };
        public override bool Recognises(FileHead head) => head.Bytes.Length >= 2 && head.Bytes[0] == 0x08 && head.Bytes[1] is > 0 and < 0x80;
        public override void Save(MnistModel model, string path, bool overwrite) => OnnxExporter.Save(model, path, overwrite);
        public override MnistModel Load(string full, string path) => OnnxModelFile.Load(path);
    }

    public static MnistModel Load(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full))
            throw new MnistException("ModelFileNotFound", MnistErrorKind.NotFound, $"Model file '{full}' does not exist.", path);
        var proto = Parse(full, path);
        var metadata = proto.MetadataProps.GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Last().Value);
        if (proto.ProducerName != "Mnist" || !metadata.TryGetValue("architecture", out var specJson) || !metadata.TryGetValue("class_names", out var namesJson))
            throw new MnistException("OnnxModelForeign", MnistErrorKind.InvalidData,
                $"'{full}' is an ONNX model made by '{(proto.ProducerName.Length > 0 ? proto.ProducerName : "an unnamed producer")}', not by this module; " +
                "only the ONNX files this module wrote are read back (their metadata holds the architecture).", path);
        ModelRecord record;
        try
        {
            record = metadata.TryGetValue(RecordKey, out var recordJson)
                ? recordJson.Length > InputLimits.MaxMetadataBytes
                    ? throw Invalid(full, path, $"its '{RecordKey}' metadata is larger than {InputLimits.MaxMetadataBytes >> 20} MB")
                    : JsonSerializer.Deserialize<ModelRecord>(recordJson, ModelFile.Json) ?? throw new JsonException("empty")
                : LegacyRecord(metadata, specJson, namesJson);
        }
        catch (JsonException e)
        {
            throw Invalid(full, path, $"its metadata does not describe an architecture ({e.Message})", e);
        }
        if (record.Spec is null) throw Invalid(full, path, "its metadata does not describe an architecture (no spec)");
        SpecSize.Check(record.Spec, new FileInfo(full).Length, full, full, path);
        if (record.Problem() is { } problem) throw Invalid(full, path, problem);
        return ModelFileFormat.Assemble(record, full, (why, e) => Invalid(full, path, why, e), model =>
        {
            // The weights by name (each must fit the architecture), then the graph, which is what the file computes: it
            // must be the export of the model the metadata describes.
            CopyWeights(model, proto, full, path);
            OnnxGraphCheck.Check(proto, OnnxExporter.Build(model, withWeightData: false), model.State.Keys.ToHashSet(), full, path);
        });
    }

    /// <summary>The metadata entry holding the model's record (History, training data, last evaluation), as the other formats keep it.</summary>
    internal const string RecordKey = "mnist_model";

    /// <summary>
    /// A file written before the record was kept: the spec, class names and name, and the training data's identity
    /// from its name and checksums (its split sizes from the known dataset those checksums are, as format 1 files do).
    /// </summary>
    private static ModelRecord LegacyRecord(Dictionary<string, string> metadata, string specJson, string namesJson)
    {
        var classNames = JsonSerializer.Deserialize<List<string>>(namesJson) ?? throw new JsonException("empty class names");
        DataIdentityRecord? data = null;
        if (metadata.TryGetValue("training_data", out var dataName) && metadata.TryGetValue("training_data_checksums", out var sums))
        {
            var checksums = JsonSerializer.Deserialize<Dictionary<string, string>>(sums) ?? throw new JsonException("empty checksums");
            var known = Data.DatasetCatalog.Recognise(checksums);
            data = new DataIdentityRecord(dataName, checksums, classNames, known is null ? 0 : 60_000, known is null ? 0 : 10_000);
        }
        return new ModelRecord
        {
            Spec = JsonSerializer.Deserialize<ModelSpec>(specJson, ModelFile.Json) ?? throw new JsonException("empty spec"),
            ClassNames = classNames,
            Name = metadata.GetValueOrDefault("model_name"),
            TrainingData = data,
        };
    }

    /// <summary>
    /// The file's structure counted first (<see cref="OnnxCensus"/>: nodes, initializers, attributes, objects, bytes,
    /// against the largest export with headroom), and only then parsed into protobuf's objects.
    /// </summary>
    private static ModelProto Parse(string full, string path)
    {
        ModelProto proto;
        try
        {
            using var stream = InputFile.OpenRead(full);
            OnnxCensus.Of(stream, stream.Length);
            stream.Position = 0;
            proto = ModelProto.Parser.ParseFrom(stream);
        }
        catch (OnnxLimitException e)
        {
            throw new MnistException("ModelFileTooLarge", MnistErrorKind.LimitsExceeded,
                $"'{full}': {e.Message}; it was refused before being read into memory.", path, e);
        }
        catch (FormatException e)
        {
            throw Invalid(full, path, $"it is not an ONNX model ({e.Message})", e);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw Invalid(full, path, $"it is not an ONNX model ({e.Message})", e);
        }
        // Protobuf reads many byte strings (an empty file among them) as a message with nothing set.
        if (proto.IrVersion <= 0 || proto.Graph is null || proto.OpsetImport.Count == 0)
            throw Invalid(full, path, "it is not an ONNX model (no IR version, graph or opset)");
        return proto;
    }

    private static void CopyWeights(MnistModel model, ModelProto proto, string full, string path)
    {
        var initializers = proto.Graph.Initializer.GroupBy(t => t.Name).ToDictionary(g => g.Key, g => g.First());
        var problems = new List<string>();
        var values = new Dictionary<string, float[]>();
        // A batch count is training state, not a weight: ONNX has none, and nothing computes with it.
        var state = model.State.Where(p => !p.Key.EndsWith("num_batches_tracked", StringComparison.Ordinal)).ToList();
        foreach (var (key, target) in state)
        {
            if (!initializers.TryGetValue(key, out var tensor)) { problems.Add($"'{key}' is missing"); continue; }
            if (tensor.DataType != (int)TensorProto.Types.DataType.Float) { problems.Add($"'{key}' is not float32"); continue; }
            if (!tensor.Dims.SequenceEqual(target.shape))
            {
                problems.Add($"'{key}' has shape [{string.Join(", ", tensor.Dims)}], not [{string.Join(", ", target.shape)}]");
                continue;
            }
            var data = tensor.RawData.Length > 0 ? MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray() : tensor.FloatData.ToArray();
            if (data.Length != target.numel()) { problems.Add($"'{key}' holds {data.Length:N0} values, not {target.numel():N0}"); continue; }
            values[key] = data;
        }
        if (problems.Count > 0)
            throw new MnistException("ModelArchitectureMismatch", MnistErrorKind.InvalidData,
                $"'{full}': its weights do not fit the architecture in its metadata: {string.Join("; ", problems.Take(5))}.", path);
        using var scope = NewDisposeScope();
        model.CopyState(state.Select(p => new KeyValuePair<string, Tensor>(p.Key, tensor(values[p.Key], p.Value.shape))));
    }

    private static MnistException Invalid(string full, string path, string why, Exception? inner = null) =>
        new("OnnxFileInvalid", MnistErrorKind.InvalidData, $"'{full}': {why}.", path, inner);
}
