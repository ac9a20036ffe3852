using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace Mnist.Core.Persistence.Onnx;

/// <summary>A graph being built: nodes, initializers, and fresh names for the values between them.</summary>
internal sealed class OnnxGraph
{
    private readonly HashSet<string> _names = new();

    public GraphProto Proto { get; } = new();

    /// <summary>Weights written as their type and shape only: the graph's structure, to compare a file's graph with.</summary>
    public bool WithoutWeightData { get; init; }

    /// <summary>A value name not used before, readable in Netron ("dense.0/Gemm", "dense.0/Gemm_1").</summary>
    public string FreshName(string hint)
    {
        var name = hint;
        for (int i = 1; !_names.Add(name); i++) name = $"{hint}_{i}";
        return name;
    }

    /// <summary>Adds a node and returns the name of its one output.</summary>
    public string Node(string op, string scope, IEnumerable<string> inputs, params AttributeProto[] attributes)
    {
        var output = FreshName($"{scope}/{op}");
        var node = new NodeProto { OpType = op, Name = output };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        Proto.Node.Add(node);
        return output;
    }

    public string Node(string op, string scope, string input, params AttributeProto[] attributes) =>
        Node(op, scope, new[] { input }, attributes);

    public string Initializer(string name, ReadOnlySpan<float> values, params long[] dims)
    {
        var tensor = new TensorProto { Name = FreshName(name), DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values));
        Proto.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>A float32 weight of this shape without its values (see <see cref="WithoutWeightData"/>).</summary>
    public string WeightShape(string name, params long[] dims)
    {
        var tensor = new TensorProto { Name = FreshName(name), DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        Proto.Initializer.Add(tensor);
        return tensor.Name;
    }

    public string Initializer(string name, ReadOnlySpan<long> values, params long[] dims)
    {
        var tensor = new TensorProto { Name = FreshName(name), DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.AddRange(dims);
        tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values));
        Proto.Initializer.Add(tensor);
        return tensor.Name;
    }

    public string Scalar(string name, float value) => Initializer(name, new[] { value });

    /// <summary>A float32 value of shape [N, width] with a symbolic batch dimension.</summary>
    public static ValueInfoProto BatchOf(string name, long width)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "N" });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = width });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Ints(string name, IEnumerable<long> values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }
}
