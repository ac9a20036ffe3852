using Mnist.Core.FastPaths;
using Mnist.Core.Modeling;
using TorchSharp;
using TorchSharp.Modules;
using static Mnist.Core.Persistence.Onnx.OnnxGraph;
using static TorchSharp.torch;

namespace Mnist.Core.Persistence.Onnx;

/// <summary>
/// How each kind of layer becomes ONNX nodes (opset 13), one entry per module type. A new architecture built from
/// these layers exports as it is; a new kind of layer needs one entry here. Weights keep their state_dict names.
/// </summary>
internal static class OnnxLayers
{
    private delegate string Mapping(NetworkLayer layer, OnnxGraph graph, string input);

    private static readonly Dictionary<Type, Mapping> Mappings = new()
    {
        [typeof(Linear)] = Gemm,
        [typeof(Conv2d)] = Conv,
        [typeof(MaxPool2d)] = MaxPool,
        [typeof(MaxPool2x2)] = MaxPool2x2Node,
        // The convolution before it pooled in the same node; in the graph it is a pooling as usual.
        [typeof(AppliedMaxPool2x2)] = MaxPool2x2Node,
        [typeof(PooledConv2d)] = PooledConv,
        [typeof(PaddedConv2d)] = PaddedConv,
        [typeof(AvgPool2d)] = AveragePool,
        [typeof(BatchNorm1d)] = BatchNormalization,
        [typeof(BatchNorm2d)] = BatchNormalization,
        [typeof(Flatten)] = FlattenLayer,
        [typeof(NetworkBuilder.Reshape)] = ReshapeLayer,
        [typeof(NetworkBuilder.Normalization)] = NormalizationLayer,
        [typeof(ReLU)] = (l, g, x) => g.Node("Relu", l.Name, x),
        // In evaluation a deferred ReLU is a plain ReLU (in training the dropout after it applies it).
        [typeof(DeferredRelu)] = (l, g, x) => g.Node("Relu", l.Name, x),
        // The pooling before applied it (in one pass with the pooling); in the graph it is a ReLU as usual.
        [typeof(AppliedRelu)] = (l, g, x) => g.Node("Relu", l.Name, x),
        [typeof(Tanh)] = (l, g, x) => g.Node("Tanh", l.Name, x),
        [typeof(Sigmoid)] = (l, g, x) => g.Node("Sigmoid", l.Name, x),
        [typeof(ELU)] = (l, g, x) => g.Node("Elu", l.Name, x, Float("alpha", (float)((ELU)l.Module).alpha)),
        [typeof(LeakyReLU)] = (l, g, x) => g.Node("LeakyRelu", l.Name, x, Float("alpha", (float)((LeakyReLU)l.Module).negative_slope)),
        [typeof(GELU)] = Gelu,
        // Dropout is the identity at inference.
        [typeof(SeededDropout)] = (_, _, x) => x,
        [typeof(Dropout)] = (_, _, x) => x,
        [typeof(Identity)] = (_, _, x) => x,
    };

    public static string Add(NetworkLayer layer, OnnxGraph graph, string input, string modelName) =>
        Mappings.TryGetValue(layer.Module.GetType(), out var mapping)
            ? mapping(layer, graph, input)
            : throw Unsupported(modelName, layer, "no ONNX mapping for this kind of layer");

    private static string Gemm(NetworkLayer layer, OnnxGraph graph, string input)
    {
        var linear = (Linear)layer.Module;
        var inputs = new List<string> { input, Weights(graph, layer, "weight", linear.weight!) };
        if (linear.bias is { } bias) inputs.Add(Weights(graph, layer, "bias", bias));
        return graph.Node("Gemm", layer.Name, inputs, Int("transB", 1));
    }

    private static string Conv(NetworkLayer layer, OnnxGraph graph, string input)
    {
        var conv = (Conv2d)layer.Module;
        if (conv.padding_mode != PaddingModes.Zeros || conv.padding_type is { } type && type != Padding.Valid)
            throw Unsupported("", layer, $"padding {conv.padding_type?.ToString() ?? conv.padding_mode.ToString()} is not exported");
        var padding = conv.padding_type is null && conv.padding is { } explicitPadding ? explicitPadding : new long[] { 0, 0 };
        return ConvNode(layer, graph, input, conv.weight!, conv.bias, conv.kernel_size, conv.stride, conv.dilation, padding, conv.groups);
    }

    // Only the convolution: the pooling and ReLU it also computes are the layers after it.
    private static string PooledConv(NetworkLayer layer, OnnxGraph graph, string input)
    {
        var conv = (PooledConv2d)layer.Module;
        var ones = new long[] { 1, 1 };
        return ConvNode(layer, graph, input, conv.Weight, conv.Bias, new[] { conv.KernelSize, conv.KernelSize }, ones, ones,
            new long[] { 0, 0 }, groups: 1);
    }

    // ONNX pads each side on its own: [top, left, bottom, right].
    private static string PaddedConv(NetworkLayer layer, OnnxGraph graph, string input)
    {
        var conv = (PaddedConv2d)layer.Module;
        var inputs = new List<string> { input, Weights(graph, layer, "weight", conv.Weight), Weights(graph, layer, "bias", conv.Bias) };
        return graph.Node("Conv", layer.Name, inputs,
            Ints("kernel_shape", new[] { conv.KernelSize, conv.KernelSize }), Ints("strides", new[] { conv.Stride, conv.Stride }),
            Ints("dilations", new long[] { 1, 1 }), Ints("pads", new long[] { conv.Pads.Top, conv.Pads.Left, conv.Pads.Bottom, conv.Pads.Right }),
            Int("group", 1));
    }

    private static string AveragePool(NetworkLayer layer, OnnxGraph graph, string input)
    {
        var pool = (AvgPool2d)layer.Module;
        if (pool.padding is { } padding && padding.Any(p => p != 0))
            throw Unsupported("", layer, "only an average pooling without padding is exported");
        return graph.Node("AveragePool", layer.Name, input, Ints("kernel_shape", pool.kernel_size), Ints("strides", pool.stride ?? pool.kernel_size),
            Ints("pads", new long[] { 0, 0, 0, 0 }), Int("ceil_mode", pool.ceil_mode ? 1 : 0), Int("count_include_pad", 0));
    }

    /// <summary>Batch normalisation at inference: the moving statistics, scale and shift.</summary>
    private static string BatchNormalization(NetworkLayer layer, OnnxGraph graph, string input)
    {
        var (weight, bias, mean, variance, epsilon) = layer.Module switch
        {
            BatchNorm1d n => (n.weight, n.bias, n.running_mean, n.running_var, n.eps),
            BatchNorm2d n => (n.weight, n.bias, n.running_mean, n.running_var, n.eps),
            _ => throw Unsupported("", layer, "not a batch normalisation"),
        };
        if (weight is null || bias is null || mean is null || variance is null)
            throw Unsupported("", layer, "only a batch normalisation with scale, shift and moving statistics is exported");
        var inputs = new List<string>
        {
            input, Weights(graph, layer, "weight", weight), Weights(graph, layer, "bias", bias),
            Weights(graph, layer, "running_mean", mean), Weights(graph, layer, "running_var", variance),
        };
        return graph.Node("BatchNormalization", layer.Name, inputs, Float("epsilon", (float)epsilon));
    }

    private static string ConvNode(NetworkLayer layer, OnnxGraph graph, string input, Tensor weight, Tensor? bias, long[] kernel,
        long[] stride, long[] dilation, long[] padding, long groups)
    {
        var inputs = new List<string> { input, Weights(graph, layer, "weight", weight) };
        if (bias is not null) inputs.Add(Weights(graph, layer, "bias", bias));
        return graph.Node("Conv", layer.Name, inputs,
            Ints("kernel_shape", kernel), Ints("strides", stride), Ints("dilations", dilation),
            Ints("pads", padding.Concat(padding)), Int("group", groups));
    }

    private static string MaxPool(NetworkLayer layer, OnnxGraph graph, string input)
    {
        var pool = (MaxPool2d)layer.Module;
        return MaxPoolNode(layer, graph, input, pool.kernel_size, pool.stride ?? pool.kernel_size, pool.dilation ?? new long[] { 1, 1 },
            pool.padding ?? new long[] { 0, 0 }, pool.ceil_mode);
    }

    private static string MaxPool2x2Node(NetworkLayer layer, OnnxGraph graph, string input) =>
        MaxPoolNode(layer, graph, input, kernel: new long[] { 2, 2 }, stride: new long[] { 2, 2 }, dilation: new long[] { 1, 1 },
            padding: new long[] { 0, 0 }, ceilMode: false);

    private static string MaxPoolNode(NetworkLayer layer, OnnxGraph graph, string input, long[] kernel, long[] stride, long[] dilation,
        long[] padding, bool ceilMode) =>
        graph.Node("MaxPool", layer.Name, input, Ints("kernel_shape", kernel), Ints("strides", stride), Ints("dilations", dilation),
            Ints("pads", padding.Concat(padding)), Int("ceil_mode", ceilMode ? 1 : 0));

    private static string FlattenLayer(NetworkLayer layer, OnnxGraph graph, string input)
    {
        var flatten = (Flatten)layer.Module;
        if (flatten.start_dim != 1 || flatten.end_dim != -1)
            throw Unsupported("", layer, $"only a flatten of all but the batch dimension is exported (start {flatten.start_dim}, end {flatten.end_dim})");
        return graph.Node("Flatten", layer.Name, input, Int("axis", 1));
    }

    private static string ReshapeLayer(NetworkLayer layer, OnnxGraph graph, string input)
    {
        // 0 keeps the batch dimension, as the module's view does.
        var shape = new long[] { 0 }.Concat(((NetworkBuilder.Reshape)layer.Module).Shape).ToArray();
        return graph.Node("Reshape", layer.Name, new[] { input, graph.Initializer($"{layer.Name}/shape", shape, shape.Length) });
    }

    /// <summary>x * scale + shift, in the order the module computes it.</summary>
    private static string NormalizationLayer(NetworkLayer layer, OnnxGraph graph, string input)
    {
        var normalization = (NetworkBuilder.Normalization)layer.Module;
        var scaled = graph.Node("Mul", layer.Name, new[] { input, graph.Scalar($"{layer.Name}/scale", (float)normalization.Scale) });
        return graph.Node("Add", layer.Name, new[] { scaled, graph.Scalar($"{layer.Name}/shift", (float)normalization.Shift) });
    }

    /// <summary>GELU, exactly (erf form): opset 13 has no Gelu operator (it came in opset 20).</summary>
    private static string Gelu(NetworkLayer layer, OnnxGraph graph, string input)
    {
        if (((GELU)layer.Module).approximate != GELU.Approximate.none)
            throw Unsupported("", layer, "only the exact (erf) GELU is exported");
        var scaled = graph.Node("Div", layer.Name, new[] { input, graph.Scalar($"{layer.Name}/sqrt2", MathF.Sqrt(2f)) });
        var erf = graph.Node("Erf", layer.Name, scaled);
        var onePlus = graph.Node("Add", layer.Name, new[] { erf, graph.Scalar($"{layer.Name}/one", 1f) });
        var product = graph.Node("Mul", layer.Name, new[] { input, onePlus });
        return graph.Node("Mul", layer.Name, new[] { product, graph.Scalar($"{layer.Name}/half", 0.5f) });
    }

    private static string Weights(OnnxGraph graph, NetworkLayer layer, string parameter, Tensor tensor)
    {
        using var scope = NewDisposeScope();
        var values = tensor.detach().to(ScalarType.Float32).contiguous();
        return graph.Initializer(layer.Key(parameter), values.data<float>().ToArray(), values.shape);
    }

    private static MnistException Unsupported(string modelName, NetworkLayer layer, string why) =>
        new("ModelExportUnsupported", MnistErrorKind.InvalidOperation,
            $"{(modelName.Length > 0 ? $"Model '{modelName}': " : "")}layer '{layer.Name}' ({layer.Module.GetType().Name}) cannot be written as ONNX: {why}.", layer.Name);
}
