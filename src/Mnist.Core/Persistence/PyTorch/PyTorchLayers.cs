using Mnist.Core.Modeling;
using Mnist.Core.Modeling.Layers;

namespace Mnist.Core.Persistence.PyTorch;

/// <summary>One layer as PyTorch builds it: <c>getattr(torch.nn, Type)(**Args)</c>, registered under Name.</summary>
public sealed record PyTorchLayer(string Name, string Type, IReadOnlyDictionary<string, object> Args);

/// <summary>
/// Each logical layer of the model's description as the torch.nn modules with the same state_dict keys and the same
/// forward pass (the PyTorch side of OnnxLayers): a layer with an activation is a Sequential of the two ("dense.0",
/// "dense.1"). A layer torch.nn cannot express is refused, naming it, before anything is written.
/// </summary>
internal static class PyTorchLayers
{
    private static readonly Dictionary<string, object> None = new();

    public static IReadOnlyList<PyTorchLayer> Of(MnistModel model)
    {
        var description = model.Description;
        var layers = new List<PyTorchLayer>();
        bool reshaped = false;
        foreach (var layer in description.Layers)
        {
            if (!reshaped && layer.Input.IsInput && layer.Kind is LayerKind.Conv2D or LayerKind.MaxPooling2D or LayerKind.AveragePooling2D or LayerKind.BatchNormalization)
            {
                layers.Add(new PyTorchLayer("reshape", "Unflatten",
                    new Dictionary<string, object> { ["dim"] = 1, ["unflattened_size"] = new long[] { 1, description.InputRows, description.InputColumns } }));
                reshaped = true;
            }
            var (type, args) = Main(layer, model.Name);
            layers.Add(new PyTorchLayer(layer.WeightsName, type, args));
            if (layer.HasActivationModule) layers.Add(new PyTorchLayer(layer.Name + ".1", ActivationType(layer.Definition.Activation).Type, ActivationType(layer.Definition.Activation).Args));
        }
        return layers;
    }

    private static (string Type, Dictionary<string, object> Args) Main(ResolvedLayer layer, string modelName)
    {
        var d = layer.Definition;
        long[] Square(long side) => new[] { side, side };
        switch (layer.Kind)
        {
            case LayerKind.Dense:
                return ("Linear", new() { ["in_features"] = layer.Input.Size, ["out_features"] = (long)d.Units, ["bias"] = true });
            case LayerKind.Conv2D:
            {
                var (top, bottom, left, right) = layer.Padding;
                if (top != bottom || left != right)
                    throw new MnistException("ModelExportUnsupported", MnistErrorKind.InvalidOperation,
                        $"Model '{modelName}': layer {layer.Position} '{d}' ({layer.Name}) pads unevenly (rows {top} above, {bottom} below; columns {left}, {right}), " +
                        "which no torch.nn.Conv2d expresses; nothing was written.", layer.Name);
                return ("Conv2d", new()
                {
                    ["in_channels"] = (long)layer.Input.Channels, ["out_channels"] = (long)d.Filters, ["kernel_size"] = Square(d.KernelSize),
                    ["stride"] = Square(d.Strides), ["padding"] = new long[] { top, left }, ["dilation"] = Square(1), ["groups"] = 1L, ["bias"] = true,
                });
            }
            case LayerKind.MaxPooling2D:
                return ("MaxPool2d", new()
                {
                    ["kernel_size"] = Square(d.PoolSize), ["stride"] = Square(d.Strides), ["padding"] = Square(0), ["dilation"] = Square(1), ["ceil_mode"] = false,
                });
            case LayerKind.AveragePooling2D:
                return ("AvgPool2d", new()
                {
                    ["kernel_size"] = Square(d.PoolSize), ["stride"] = Square(d.Strides), ["padding"] = Square(0), ["ceil_mode"] = false, ["count_include_pad"] = false,
                });
            case LayerKind.Flatten:
                return ("Flatten", new() { ["start_dim"] = 1L, ["end_dim"] = -1L });
            case LayerKind.Dropout:
                return ("Dropout", new() { ["p"] = d.Rate });
            case LayerKind.BatchNormalization:
                return (layer.Input.IsImage ? "BatchNorm2d" : "BatchNorm1d", new()
                {
                    ["num_features"] = layer.Input.IsImage ? layer.Input.Channels : layer.Input.Features, ["eps"] = d.Epsilon, ["momentum"] = 1 - d.Momentum,
                });
            case LayerKind.Activation:
                return ActivationType(d.Activation);
            case LayerKind.Normalization:
                // Not in torch.nn: x * scale + shift (the JSON says so; a Python user defines it in two lines).
                return ("Normalization", new() { ["scale"] = 1 / d.Std, ["shift"] = -d.Mean / d.Std });
            default:
                throw new MnistException("ModelExportUnsupported", MnistErrorKind.InvalidOperation,
                    $"Model '{modelName}': layer {layer.Position} '{d}' ({layer.Name}) has no PyTorch equivalent here.", layer.Name);
        }
    }

    private static (string Type, Dictionary<string, object> Args) ActivationType(LayerActivation activation) => activation switch
    {
        LayerActivation.Relu => ("ReLU", None),
        LayerActivation.Tanh => ("Tanh", None),
        LayerActivation.Sigmoid => ("Sigmoid", None),
        LayerActivation.Gelu => ("GELU", new() { ["approximate"] = "none" }),
        LayerActivation.Elu => ("ELU", new() { ["alpha"] = 1.0 }),
        LayerActivation.LeakyRelu => ("LeakyReLU", new() { ["negative_slope"] = 0.01 }),
        _ => ("Identity", None),
    };
}
