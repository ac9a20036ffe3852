using System.Text.Json;
using Google.Protobuf;
using Mnist.Core.Modeling;
using Onnx;

namespace Mnist.Core.Persistence.Onnx;

/// <summary>
/// Writes a model as a standard ONNX file: input <c>pixels</c>, float32 [N, 784], the pixels divided by 255 as the
/// notebook prepares <c>x_test</c>; output <c>probabilities</c>, float32 [N, classes], softmax applied. Reshaping
/// happens inside the graph. Metadata: class names, the training data's identity, the module version.
/// </summary>
public static class OnnxExporter
{
    public const int Opset = 13;
    /// <summary>IR version 7 is the one that came with opset 13: the oldest runtimes that run this opset read it.</summary>
    public const long IrVersion = 7;
    public const string InputName = "pixels";
    public const string OutputName = "probabilities";

    public static void Save(MnistModel model, string path, bool overwrite)
    {
        using var use = model.BeginUse();
        var proto = Build(model);
        AtomicFile.Write(path, stream => proto.WriteTo(stream), overwrite);
        model.SetFilePath(System.IO.Path.GetFullPath(path));
    }

    /// <param name="withWeightData">False: the weights as their type and shape only, the graph's structure (what an import compares a file with).</param>
    public static ModelProto Build(MnistModel model, bool withWeightData = true)
    {
        var graph = new OnnxGraph { WithoutWeightData = !withWeightData };
        graph.FreshName(InputName);
        graph.FreshName(OutputName);
        graph.Proto.Name = model.Name;
        graph.Proto.Input.Add(OnnxGraph.BatchOf(InputName, (long)model.InputRows * model.InputColumns));
        graph.Proto.Output.Add(OnnxGraph.BatchOf(OutputName, model.ClassNames.Count));

        var value = OnnxLayers.AddNetwork(model, graph, InputName);
        var softmax = new NodeProto { OpType = "Softmax", Name = "softmax" };
        softmax.Input.Add(value);
        softmax.Output.Add(OutputName);
        softmax.Attribute.Add(OnnxGraph.Int("axis", 1));
        graph.Proto.Node.Add(softmax);

        var proto = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "Mnist",
            ProducerVersion = ModelFile.ModuleVersion,
            DocString = $"{model.Name}: input '{InputName}' float32 [N, {model.InputRows * model.InputColumns}] " +
                        $"({model.InputRows}x{model.InputColumns} images, row-major, pixel/255); output '{OutputName}' float32 [N, {model.ClassNames.Count}] (softmax).",
            Graph = graph.Proto,
        };
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        foreach (var (key, text) in Metadata(model))
            proto.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = text });
        return proto;
    }

    private static IEnumerable<(string, string)> Metadata(MnistModel model)
    {
        yield return ("class_names", JsonSerializer.Serialize(model.ClassNames));
        yield return ("model_name", model.Name);
        yield return ("architecture", JsonSerializer.Serialize(model.Spec, ModelFile.Json).ReplaceLineEndings(""));
        yield return ("input", $"pixels: float32 [N, {model.InputRows * model.InputColumns}], {model.InputRows}x{model.InputColumns} row-major, pixel/255");
        if (model.TrainingData is { } data)
        {
            yield return ("training_data", data.Name);
            yield return ("training_data_checksums", JsonSerializer.Serialize(data.Checksums));
        }
        yield return ("epochs_trained", model.EpochsTrained.ToString(System.Globalization.CultureInfo.InvariantCulture));
        yield return ("module_version", ModelFile.ModuleVersion);
        yield return (OnnxModelFile.RecordKey, JsonSerializer.Serialize(ModelRecord.From(model), ModelFile.Json));
        yield return ("torchsharp_version", ModelFile.TorchSharpVersion);
    }
}
