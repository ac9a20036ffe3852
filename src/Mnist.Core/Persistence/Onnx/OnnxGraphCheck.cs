using Google.Protobuf;
using Onnx;

namespace Mnist.Core.Persistence.Onnx;

/// <summary>
/// An ONNX file is imported from its metadata (the architecture) and its weights; what it computes is its graph. So the
/// graph must be, node for node, the one this module exports for the model the metadata describes: the same opsets,
/// inputs and outputs, the same operators in the same order, wired the same way (value names may differ, initializer
/// names are the weights' names), with the same attributes and the same constants. Anything else computes something
/// other than the model that would be imported (an activation changed, a constant scaled), and is refused naming the
/// first difference.
/// </summary>
internal static class OnnxGraphCheck
{
    public const string ErrorId = "OnnxGraphMismatch";

    /// <param name="expected">The export of the model the metadata describes (its weights as shapes only).</param>
    /// <param name="weights">The expected initializers that are weights (compared by type and shape; their values are the file's).</param>
    public static void Check(ModelProto file, ModelProto expected, IReadOnlySet<string> weights, string full, string path)
    {
        if (Difference(file, expected, weights) is { } difference)
            throw new MnistException(ErrorId, MnistErrorKind.InvalidData,
                $"'{full}': its graph is not the one this module exports for the model its metadata describes, so it would not compute that model: {difference}.", path);
    }

    private static string? Difference(ModelProto file, ModelProto expected, IReadOnlySet<string> weights)
    {
        static string Opsets(ModelProto m) => string.Join(", ", m.OpsetImport.Select(o => $"{(o.Domain.Length == 0 ? "ai.onnx" : o.Domain)} {o.Version}").Order());
        if (Opsets(file) != Opsets(expected)) return $"it imports the opsets [{Opsets(file)}], the export [{Opsets(expected)}]";
        if (file.Functions.Count > 0) return $"it defines {file.Functions.Count} function(s), the export none";
        if (file.TrainingInfo.Count > 0) return "it holds training information, the export none";
        GraphProto graph = file.Graph, export = expected.Graph;
        if (graph.SparseInitializer.Count > 0) return "it holds sparse initializers, the export none";
        if (Values(graph.Input, export.Input, "input") is { } inputs) return inputs;
        if (Values(graph.Output, export.Output, "output") is { } outputs) return outputs;
        if (Initializers(graph, export, weights) is { } initializers) return initializers;
        return Nodes(graph, export);
    }

    /// <summary>The graph's inputs or outputs: the same names, element types and shapes.</summary>
    private static string? Values(IList<ValueInfoProto> values, IList<ValueInfoProto> export, string what)
    {
        static string Describe(IEnumerable<ValueInfoProto> list) => string.Join(", ", list.Select(v => $"'{Rendering.SafeText.Of(v.Name)}'"));
        if (values.Count != export.Count) return $"it has the {what}s [{Describe(values)}], the export [{Describe(export)}]";
        for (int i = 0; i < values.Count; i++)
        {
            if (values[i].Name != export[i].Name) return $"its {what} {i + 1} is '{Rendering.SafeText.Of(values[i].Name)}', the export's '{export[i].Name}'";
            if (!Equals(values[i].Type, export[i].Type)) return $"its {what} '{export[i].Name}' has the type {values[i].Type}, the export {export[i].Type}";
        }
        return null;
    }

    /// <summary>The same initializers by name: weights of the same type and shape, constants of the same value.</summary>
    private static string? Initializers(GraphProto graph, GraphProto export, IReadOnlySet<string> weights)
    {
        var found = new Dictionary<string, TensorProto>();
        foreach (var tensor in graph.Initializer)
            if (!found.TryAdd(tensor.Name, tensor)) return $"it holds the initializer '{Rendering.SafeText.Of(tensor.Name)}' twice";
        foreach (var wanted in export.Initializer)
        {
            if (!found.Remove(wanted.Name, out var tensor)) return $"it has no initializer '{wanted.Name}'";
            if (tensor.DataType != wanted.DataType || !tensor.Dims.SequenceEqual(wanted.Dims))
                return $"its initializer '{wanted.Name}' is of type {tensor.DataType} and shape [{string.Join(", ", tensor.Dims)}], the export's of type {wanted.DataType} and shape [{string.Join(", ", wanted.Dims)}]";
            if (!weights.Contains(wanted.Name) && !Bytes(tensor).Span.SequenceEqual(Bytes(wanted).Span))
                return $"its constant '{wanted.Name}' holds other values than the export's";
        }
        return found.Count > 0 ? $"it holds the initializer '{Rendering.SafeText.Of(found.Keys.First())}', which the export has not" : null;
    }

    /// <summary>A constant's values as bytes, from raw_data or the typed field it may be written in instead.</summary>
    private static ReadOnlyMemory<byte> Bytes(TensorProto tensor)
    {
        if (!tensor.RawData.IsEmpty) return tensor.RawData.Memory;
        if (tensor.FloatData.Count > 0) return System.Runtime.InteropServices.MemoryMarshal.AsBytes(tensor.FloatData.ToArray().AsSpan()).ToArray();
        if (tensor.Int64Data.Count > 0) return System.Runtime.InteropServices.MemoryMarshal.AsBytes(tensor.Int64Data.ToArray().AsSpan()).ToArray();
        return tensor.ToByteArray(); // any other encoding: never the export's bytes
    }

    /// <summary>Node for node: operator, inputs (through the values earlier nodes wrote), outputs and attributes.</summary>
    private static string? Nodes(GraphProto graph, GraphProto export)
    {
        // A value of the file's graph -> the export's value it stands for: the graph inputs and initializers by name, node outputs as they are written.
        var values = new Dictionary<string, string>();
        foreach (var name in graph.Input.Select(v => v.Name).Concat(graph.Initializer.Select(t => t.Name))) values.TryAdd(name, name);
        for (int i = 0; i < Math.Max(graph.Node.Count, export.Node.Count); i++)
        {
            if (i >= graph.Node.Count) return $"it ends after node {i}, where the export goes on with {export.Node[i].OpType}";
            var node = graph.Node[i];
            string where = $"node {i + 1} ('{Rendering.SafeText.Of(node.Name)}')";
            if (i >= export.Node.Count) return $"{where}, {Rendering.SafeText.Of(node.OpType)}, follows the export's last node";
            var wanted = export.Node[i];
            if (node.OpType != wanted.OpType || node.Domain != wanted.Domain)
                return $"{where} is {Rendering.SafeText.Of(Qualified(node))}, the export's node {i + 1} is {Qualified(wanted)}";
            if (node.Input.Count != wanted.Input.Count) return $"{where} takes {node.Input.Count} inputs, the export's {wanted.Input.Count}";
            for (int j = 0; j < node.Input.Count; j++)
                if (!values.TryGetValue(node.Input[j], out var value) || value != wanted.Input[j])
                    return $"{where} takes '{Rendering.SafeText.Of(node.Input[j])}' as its input {j + 1}, where the export's takes '{wanted.Input[j]}'";
            if (node.Output.Count != wanted.Output.Count) return $"{where} gives {node.Output.Count} outputs, the export's {wanted.Output.Count}";
            for (int j = 0; j < node.Output.Count; j++)
                if (!values.TryAdd(node.Output[j], wanted.Output[j]))
                    return $"{where} writes '{Rendering.SafeText.Of(node.Output[j])}', which is written already";
            if (Attributes(node, wanted) is { } attributes) return $"{where}, {node.OpType}: {attributes}";
        }
        for (int k = 0; k < graph.Output.Count; k++)
            if (!values.TryGetValue(graph.Output[k].Name, out var value) || value != export.Output[k].Name)
                return $"its output '{Rendering.SafeText.Of(graph.Output[k].Name)}' is not what the export's nodes write to it";
        return null;
    }

    private static string Qualified(NodeProto node) => node.Domain.Length == 0 ? node.OpType : $"{node.Domain}.{node.OpType}";

    /// <summary>The same attributes (by name, ignoring order and documentation), with bitwise the same values.</summary>
    private static string? Attributes(NodeProto node, NodeProto wanted)
    {
        static AttributeProto Plain(AttributeProto a)
        {
            var copy = a.Clone();
            copy.DocString = "";
            return copy;
        }
        var have = node.Attribute.OrderBy(a => a.Name, StringComparer.Ordinal).Select(Plain).ToList();
        var want = wanted.Attribute.OrderBy(a => a.Name, StringComparer.Ordinal).Select(Plain).ToList();
        string Names(IEnumerable<AttributeProto> list) => string.Join(", ", list.Select(a => Rendering.SafeText.Of(a.Name)));
        if (!have.Select(a => a.Name).SequenceEqual(want.Select(a => a.Name)))
            return $"its attributes are [{Names(have)}], the export's [{Names(want)}]";
        for (int k = 0; k < have.Count; k++)
            if (!have[k].Equals(want[k])) return $"its attribute '{want[k].Name}' is {Rendering.SafeText.Of(have[k].ToString())}, the export's {want[k]}";
        return null;
    }
}
