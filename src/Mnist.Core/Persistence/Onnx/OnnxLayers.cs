using Mnist.Core.Modeling;
using Mnist.Core.Modeling.Layers;
using static Mnist.Core.Persistence.Onnx.OnnxGraph;
using static TorchSharp.torch;

namespace Mnist.Core.Persistence.Onnx;

/// <summary>
/// Each logical layer of the model's description as ONNX nodes (opset 13), its weights read from the network's state
/// under their state_dict names. The modules that run (fast paths included) do not matter here: a layer is written
/// as what it computes. A new kind of layer needs one case here.
/// </summary>
internal static class OnnxLayers
{
    /// <summary>Adds the whole network from the flat input value; returns the logits' value.</summary>
    public static string AddNetwork(MnistModel model, OnnxGraph graph, string input)
    {
        var state = model.State;
        var description = model.Description;
        var value = input;
        bool reshaped = false;
        foreach (var layer in description.Layers)
        {
            if (!reshaped && layer.Input.IsInput && NeedsImage(layer))
            {
                var shape = new long[] { 0, 1, description.InputRows, description.InputColumns };
                value = graph.Node("Reshape", "reshape", new[] { value, graph.Initializer("reshape/shape", shape, shape.Length) });
                reshaped = true;
            }
            value = Add(layer, graph, value, state);
        }
        return value;
    }

    private static bool NeedsImage(ResolvedLayer layer) =>
        layer.Kind is LayerKind.Conv2D or LayerKind.MaxPooling2D or LayerKind.AveragePooling2D or LayerKind.BatchNormalization;

    private static string Add(ResolvedLayer layer, OnnxGraph graph, string x, IReadOnlyDictionary<string, Tensor> state)
    {
        var d = layer.Definition;
        string Weights(string parameter) => Initializer(graph, $"{layer.WeightsName}.{parameter}", state);
        switch (layer.Kind)
        {
            case LayerKind.Dense:
                x = graph.Node("Gemm", layer.Name, new[] { x, Weights("weight"), Weights("bias") }, Int("transB", 1));
                return Activate(d.Activation, layer.Name, graph, x);
            case LayerKind.Conv2D:
            {
                var (top, bottom, left, right) = layer.Padding;
                x = graph.Node("Conv", layer.Name, new[] { x, Weights("weight"), Weights("bias") },
                    Ints("kernel_shape", new long[] { d.KernelSize, d.KernelSize }), Ints("strides", new long[] { d.Strides, d.Strides }),
                    Ints("dilations", new long[] { 1, 1 }), Ints("pads", new long[] { top, left, bottom, right }), Int("group", 1));
                return Activate(d.Activation, layer.Name, graph, x);
            }
            case LayerKind.MaxPooling2D:
                return graph.Node("MaxPool", layer.Name, x, Ints("kernel_shape", new long[] { d.PoolSize, d.PoolSize }),
                    Ints("strides", new long[] { d.Strides, d.Strides }), Ints("dilations", new long[] { 1, 1 }), Ints("pads", new long[] { 0, 0, 0, 0 }),
                    Int("ceil_mode", 0));
            case LayerKind.AveragePooling2D:
                return graph.Node("AveragePool", layer.Name, x, Ints("kernel_shape", new long[] { d.PoolSize, d.PoolSize }),
                    Ints("strides", new long[] { d.Strides, d.Strides }), Ints("pads", new long[] { 0, 0, 0, 0 }), Int("ceil_mode", 0),
                    Int("count_include_pad", 0));
            case LayerKind.Flatten:
                return graph.Node("Flatten", layer.Name, x, Int("axis", 1));
            case LayerKind.Dropout:
                return x; // the identity at inference
            case LayerKind.BatchNormalization:
                // Inference: the moving statistics, scale and shift.
                return graph.Node("BatchNormalization", layer.Name,
                    new[] { x, Weights("weight"), Weights("bias"), Weights("running_mean"), Weights("running_var") }, Float("epsilon", (float)d.Epsilon));
            case LayerKind.Activation:
                return Activate(d.Activation, layer.Name, graph, x);
            case LayerKind.Normalization:
            {
                // x * scale + shift, in the order (and the float rounding) the module computes it.
                var scaled = graph.Node("Mul", layer.Name, new[] { x, graph.Scalar($"{layer.Name}/scale", (float)(1 / d.Std)) });
                return graph.Node("Add", layer.Name, new[] { scaled, graph.Scalar($"{layer.Name}/shift", (float)(-d.Mean / d.Std)) });
            }
            default:
                throw new MnistException("ModelExportUnsupported", MnistErrorKind.InvalidOperation,
                    $"Layer {layer.Position} '{d}' ({layer.Name}) cannot be written as ONNX.", layer.Name);
        }
    }

    /// <summary>Softmax (applied once, at the end, for the whole network) and linear add nothing here.</summary>
    private static string Activate(LayerActivation activation, string scope, OnnxGraph graph, string x) => activation switch
    {
        LayerActivation.Linear or LayerActivation.Softmax => x,
        LayerActivation.Relu => graph.Node("Relu", scope, x),
        LayerActivation.Tanh => graph.Node("Tanh", scope, x),
        LayerActivation.Sigmoid => graph.Node("Sigmoid", scope, x),
        LayerActivation.Elu => graph.Node("Elu", scope, x, Float("alpha", 1f)),
        LayerActivation.LeakyRelu => graph.Node("LeakyRelu", scope, x, Float("alpha", 0.01f)),
        LayerActivation.Gelu => Gelu(scope, graph, x),
        _ => throw new ArgumentOutOfRangeException(nameof(activation)),
    };

    /// <summary>GELU, exactly (erf form): opset 13 has no Gelu operator (it came in opset 20).</summary>
    private static string Gelu(string scope, OnnxGraph graph, string input)
    {
        var scaled = graph.Node("Div", scope, new[] { input, graph.Scalar($"{scope}/sqrt2", MathF.Sqrt(2f)) });
        var erf = graph.Node("Erf", scope, scaled);
        var onePlus = graph.Node("Add", scope, new[] { erf, graph.Scalar($"{scope}/one", 1f) });
        var product = graph.Node("Mul", scope, new[] { input, onePlus });
        return graph.Node("Mul", scope, new[] { product, graph.Scalar($"{scope}/half", 0.5f) });
    }

    private static string Initializer(OnnxGraph graph, string key, IReadOnlyDictionary<string, Tensor> state)
    {
        if (graph.WithoutWeightData) return graph.WeightShape(key, state[key].shape);
        using var scope = NewDisposeScope();
        var values = state[key].detach().to(ScalarType.Float32).contiguous();
        return graph.Initializer(key, values.data<float>().ToArray(), values.shape);
    }
}
