using System.Diagnostics;
using Google.Protobuf;
using Mnist.Core.Modeling;
using Mnist.Core.Persistence;
using Mnist.Core.Persistence.Onnx;
using Onnx;
using Xunit;

namespace Mnist.Core.Tests;

/// <summary>
/// ONNX import follows the file: its structure is counted before it is parsed, and its graph must be the module's
/// export of the model its metadata describes (issue 23, second round).
/// </summary>
public class OnnxGraphTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static string TempPath(string name = "model.onnx") => Path.Combine(ForeignModelFileTests.TempFolder(), name);

    private static string Write(ModelProto proto, string name = "model.onnx")
    {
        var path = TempPath(name);
        File.WriteAllBytes(path, proto.ToByteArray());
        return path;
    }

    private static MnistException Refused(string path, string errorId)
    {
        var e = Assert.Throws<MnistException>(() => ModelFormats.Load(path));
        Assert.Equal(errorId, e.ErrorId);
        Assert.Equal(path, e.Target);
        Assert.Contains(path, e.Message);
        return e;
    }

    /// <summary>A network of 64 layers of the kinds that make the most nodes, initializers and attributes (the limits' basis).</summary>
    private static readonly string[] LargestGraph = Enumerable.Range(0, 31)
        .SelectMany(_ => new[] { "Conv2D(1, 3, padding=same, activation=gelu)", "MaxPooling2D(1)" })
        .Append("Flatten").Append("Dense(10)").ToArray();

    [Fact]
    public void The_limits_leave_at_least_eight_times_what_the_largest_export_needs()
    {
        var layers = Enumerable.Repeat("Dense(16, activation=gelu)", InputLimits.MaxLayers - 1).Append("Dense(10)").ToArray();
        foreach (var network in new[] { layers, LargestGraph })
        {
            using var model = new MnistModel(new ModelSpec { Architecture = Architecture.Custom, Layers = network });
            var path = TempPath();
            OnnxExporter.Save(model, path, overwrite: false);
            using var stream = File.OpenRead(path);
            var census = OnnxCensus.Of(stream, stream.Length);
            output.WriteLine($"{network[0]}...: {census.Nodes} nodes, {census.Initializers} initializers, {census.Attributes} attributes, {census.Objects} objects, depth {census.Depth}, {stream.Length:N0} bytes");
            Assert.InRange(census.Nodes * 8, 1, OnnxCensus.MaxNodes);
            Assert.InRange(census.Initializers * 8, 1, OnnxCensus.MaxInitializers);
            Assert.InRange(census.Attributes * 8, 1, OnnxCensus.MaxAttributes);
            Assert.InRange(census.Objects * 8, 1, OnnxCensus.MaxObjects);
            Assert.InRange(census.Depth, 1, OnnxCensus.MaxDepth / 2);
            using var back = ModelFormats.Load(path); // and the check of the graph takes it
            Assert.Equal(model.LayerDefinitions, back.LayerDefinitions);
        }
    }

    [Fact]
    public void A_12_MB_file_of_millions_of_empty_initializers_is_refused_before_it_is_parsed()
    {
        using var model = new MnistModel(new ModelSpec { HiddenUnits = new[] { 8 } });
        var path = TempPath();
        using (var stream = File.Create(path))
        {
            OnnxExporter.Build(model).WriteTo(stream);
            // A second 'graph' field (protobuf merges it into the first) of 6 million empty initializers (field 5, length 0).
            const int count = 6_000_000;
            var output = new CodedOutputStream(stream, leaveOpen: true);
            output.WriteTag(ModelProto.GraphFieldNumber, WireFormat.WireType.LengthDelimited);
            output.WriteLength(count * 2);
            output.Flush();
            var empty = new byte[2 * 65_536];
            for (int i = 0; i < empty.Length; i += 2) (empty[i], empty[i + 1]) = (0x2A, 0x00);
            for (int written = 0; written < count; written += 65_536) stream.Write(empty, 0, 2 * Math.Min(65_536, count - written));
        }
        Assert.InRange(new FileInfo(path).Length, 11_000_000, 13_000_000);
        var clock = Stopwatch.StartNew();
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Refused(path, "ModelFileTooLarge");
        Assert.Contains("initializers", e.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 4 << 20, "the census allocates next to nothing");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"refused in {clock.Elapsed}");
    }

    [Theory]
    [InlineData(new byte[] { 0x08, 0x07, 0x3A, 0x05, 0x2A, 0x07 })]      // a field longer than its message
    [InlineData(new byte[] { 0x08, 0x07, 0x3B, 0x00 })]                  // a group (wire type 3)
    [InlineData(new byte[] { 0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01 })] // an 11-byte number
    public void Bytes_that_are_not_protobuf_are_refused_by_the_census_as_not_onnx(byte[] content)
    {
        var path = TempPath();
        File.WriteAllBytes(path, content);
        Refused(path, "OnnxFileInvalid");
    }

    [Fact]
    public void Messages_nested_past_the_limit_are_refused_before_parsing()
    {
        // Attribute 'g' (a graph) holding a node holding an attribute holding a graph ... 40 levels down.
        using var model = new MnistModel(new ModelSpec { HiddenUnits = new[] { 8 } });
        var proto = OnnxExporter.Build(model);
        var graph = new GraphProto();
        for (int i = 0; i < 20; i++)
        {
            var node = new NodeProto { OpType = "If" };
            node.Attribute.Add(new AttributeProto { Name = "then_branch", Type = AttributeProto.Types.AttributeType.Graph, G = graph });
            graph = new GraphProto();
            graph.Node.Add(node);
        }
        proto.Graph.Node[0].Attribute.Add(new AttributeProto { Name = "deep", Type = AttributeProto.Types.AttributeType.Graph, G = graph });
        var e = Refused(Write(proto), "ModelFileTooLarge");
        Assert.Contains("nest", e.Message);
    }

    /// <summary>Changes of a good export's graph, each computing something other than the model its metadata describes.</summary>
    public static TheoryData<string, string> GraphChanges => new()
    {
        { "an activation changed from Relu to Sigmoid", "is Sigmoid, the export's node 2 is Relu" },
        { "the softmax's axis changed", "its attribute 'axis'" },
        { "a node's inputs swapped", "as its input 1" },
        { "a node added after the softmax", "follows the export's last node" },
        { "the activation removed", "node 2" },
        { "another opset", "opsets" },
        { "a constant scaled", "constant 'normalization/scale'" },
        { "an initializer added", "which the export has not" },
        { "a node in another domain", "com.example.Relu" },
        { "a graph input renamed", "input 1" },
    };

    [Theory]
    [MemberData(nameof(GraphChanges))]
    public void A_graph_that_is_not_the_export_of_its_metadata_is_refused_naming_the_first_difference(string change, string named)
    {
        using var model = new MnistModel(new ModelSpec
        {
            Architecture = Architecture.Custom,
            Layers = new[] { "Dense(16, activation=relu)", "Normalization(mean=0.5, std=2)", "Dense(10)" },
        });
        var proto = OnnxExporter.Build(model);
        var nodes = proto.Graph.Node;
        Assert.Equal(new[] { "Gemm", "Relu", "Mul", "Add", "Gemm", "Softmax" }, nodes.Select(n => n.OpType));
        switch (change)
        {
            case "an activation changed from Relu to Sigmoid": nodes[1].OpType = "Sigmoid"; break;
            case "the softmax's axis changed": nodes[5].Attribute[0].I = 0; break;
            case "a node's inputs swapped":
                (nodes[2].Input[0], nodes[2].Input[1]) = (nodes[2].Input[1], nodes[2].Input[0]);
                break;
            case "a node added after the softmax":
                var extra = new NodeProto { OpType = "Relu", Name = "extra" };
                extra.Input.Add(nodes[5].Output[0]);
                extra.Output.Add("extra_out");
                nodes.Add(extra);
                break;
            case "the activation removed":
                nodes[2].Input[0] = nodes[0].Output[0];
                nodes.RemoveAt(1);
                break;
            case "another opset": proto.OpsetImport[0].Version = 11; break;
            case "a constant scaled":
                var scale = proto.Graph.Initializer.Single(t => t.Name == "normalization/scale");
                scale.RawData = ByteString.CopyFrom(BitConverter.GetBytes(3f));
                break;
            case "an initializer added":
                proto.Graph.Initializer.Add(new TensorProto { Name = "unused", DataType = 1, RawData = ByteString.CopyFrom(new byte[4]) });
                break;
            case "a node in another domain":
                nodes[1].Domain = "com.example";
                break;
            case "a graph input renamed":
                proto.Graph.Input[0].Name = "x";
                nodes[0].Input[0] = "x";
                break;
        }
        var path = Write(proto);
        var e = Refused(path, OnnxGraphCheck.ErrorId);
        Assert.Contains(named, e.Message);
    }

    [Fact]
    public void Value_names_may_differ_where_the_wiring_is_the_same()
    {
        using var model = new MnistModel(new ModelSpec { HiddenUnits = new[] { 8 } });
        var proto = OnnxExporter.Build(model);
        var renamed = new Dictionary<string, string>();
        foreach (var node in proto.Graph.Node)
        {
            node.Name = "n" + renamed.Count;
            for (int i = 0; i < node.Input.Count; i++)
                if (renamed.TryGetValue(node.Input[i], out var name)) node.Input[i] = name;
            for (int i = 0; i < node.Output.Count; i++)
                if (node.Output[i] != OnnxExporter.OutputName) node.Output[i] = renamed[node.Output[i]] = "v" + renamed.Count;
        }
        using var back = ModelFormats.Load(Write(proto));
        Assert.Equal(model.LayerDefinitions, back.LayerDefinitions);
    }

    [Theory]
    [MemberData(nameof(OnnxExportTests.Architectures), MemberType = typeof(OnnxExportTests))]
    public void Every_architectures_export_passes_the_check_of_its_graph(string kind)
    {
        var parts = kind.Split('-');
        var architecture = Enum.Parse<Architecture>(parts[0]);
        var spec = architecture == Architecture.Custom
            ? new ModelSpec { Architecture = Architecture.Custom, Layers = LayerTests.EveryLayer }
            : ModelSpec.DefaultFor(architecture);
        if (parts.Length > 1) spec = spec with { Activation = Enum.Parse<Activation>(parts[1]), HiddenUnits = parts.Skip(2).Select(int.Parse).ToArray(), Dropout = new[] { 0.1 } };
        using var model = new MnistModel(spec);
        var path = TempPath();
        OnnxExporter.Save(model, path, overwrite: false);
        using var back = ModelFormats.Load(path);
        Assert.Equal(model.LayerDefinitions, back.LayerDefinitions);
    }
}
