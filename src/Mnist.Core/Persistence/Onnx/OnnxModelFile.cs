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
    /// <summary>Protobuf's own ceiling for one message.</summary>
    private const long MaxBytes = int.MaxValue;

    public static MnistModel Load(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full))
            throw new MnistException("ModelFileNotFound", MnistErrorKind.NotFound, $"Model file '{full}' does not exist.", path);
        var proto = Parse(full, path);
        var metadata = proto.MetadataProps.GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Last().Value);
        if (proto.ProducerName != "Mnist" || !metadata.TryGetValue("architecture", out var specJson) || !metadata.TryGetValue("class_names", out var namesJson))
            throw new MnistException("OnnxModelForeign", MnistErrorKind.InvalidData,
                $"'{full}' is an ONNX model made by '{(proto.ProducerName.Length > 0 ? proto.ProducerName : "an unnamed producer")}', not by Export-MnistModel; " +
                "Import-MnistModel reads only the ONNX files this module wrote.", path);
        ModelSpec spec;
        List<string> classNames;
        try
        {
            spec = JsonSerializer.Deserialize<ModelSpec>(specJson, ModelFile.Json) ?? throw new JsonException("empty");
            classNames = JsonSerializer.Deserialize<List<string>>(namesJson) ?? throw new JsonException("empty");
        }
        catch (JsonException e)
        {
            throw Invalid(full, path, $"its metadata does not describe an architecture ({e.Message})", e);
        }
        SpecSize.Check(spec, new FileInfo(full).Length, full, full, path);
        MnistModel model;
        try
        {
            model = new MnistModel(spec, classNames, metadata.GetValueOrDefault("model_name"));
        }
        catch (MnistException e)
        {
            throw Invalid(full, path, e.Message, e);
        }
        try
        {
            CopyWeights(model, proto, full, path);
            model.SetFilePath(full);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private static ModelProto Parse(string full, string path)
    {
        if (new FileInfo(full).Length > MaxBytes) throw Invalid(full, path, "it is larger than an ONNX model can be (2 GB)");
        ModelProto proto;
        try
        {
            using var stream = File.OpenRead(full);
            proto = ModelProto.Parser.ParseFrom(stream);
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
        var state = model.Network.state_dict().Where(p => !p.Key.EndsWith("num_batches_tracked", StringComparison.Ordinal)).ToList();
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
        using var _ = no_grad();
        foreach (var (key, target) in state)
        {
            using var source = tensor(values[key], target.shape);
            target.copy_(source);
        }
    }

    private static MnistException Invalid(string full, string path, string why, Exception? inner = null) =>
        new("OnnxFileInvalid", MnistErrorKind.InvalidData, $"'{full}': {why}.", path, inner);
}
