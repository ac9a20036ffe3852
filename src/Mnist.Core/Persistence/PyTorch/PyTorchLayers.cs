using Mnist.Core.FastPaths;
using Mnist.Core.Modeling;
using TorchSharp.Modules;

namespace Mnist.Core.Persistence.PyTorch;

/// <summary>One layer as PyTorch builds it: <c>getattr(torch.nn, Type)(**Args)</c>, registered under Name.</summary>
public sealed record PyTorchLayer(string Name, string Type, IReadOnlyDictionary<string, object> Args);

/// <summary>
/// Each kind of layer as the torch.nn module with the same state_dict keys and the same forward pass, one entry per
/// module type (the PyTorch side of OnnxLayers). A new kind of layer needs one entry here.
/// </summary>
internal static class PyTorchLayers
{
    private static readonly Dictionary<string, object> None = new();

    private static readonly Dictionary<Type, Func<TorchSharp.torch.nn.Module, (string, Dictionary<string, object>)>> Mappings = new()
    {
        [typeof(Linear)] = m => m is Linear l
            ? ("Linear", new() { ["in_features"] = l.in_features, ["out_features"] = l.out_features, ["bias"] = l.bias is not null })
            : default,
        [typeof(Conv2d)] = m => m is Conv2d c
            ? ("Conv2d", new()
            {
                ["in_channels"] = c.in_channels, ["out_channels"] = c.out_channels, ["kernel_size"] = c.kernel_size, ["stride"] = c.stride,
                ["padding"] = c.padding_type is null && c.padding is { } p ? p : new long[] { 0, 0 }, ["dilation"] = c.dilation,
                ["groups"] = c.groups, ["bias"] = c.bias is not null,
            })
            : default,
        [typeof(MaxPool2d)] = m => m is MaxPool2d p
            ? ("MaxPool2d", new()
            {
                ["kernel_size"] = p.kernel_size, ["stride"] = p.stride ?? p.kernel_size, ["padding"] = p.padding ?? new long[] { 0, 0 },
                ["dilation"] = p.dilation ?? new long[] { 1, 1 }, ["ceil_mode"] = p.ceil_mode,
            })
            : default,
        [typeof(MaxPool2x2)] = _ => MaxPool2x2Layer,
        [typeof(AppliedMaxPool2x2)] = _ => MaxPool2x2Layer,
        [typeof(PooledConv2d)] = m => m is PooledConv2d c
            ? ("Conv2d", new()
            {
                ["in_channels"] = c.InChannels, ["out_channels"] = c.OutChannels, ["kernel_size"] = new[] { c.KernelSize, c.KernelSize },
                ["stride"] = new long[] { 1, 1 }, ["padding"] = new long[] { 0, 0 }, ["dilation"] = new long[] { 1, 1 }, ["groups"] = 1L,
                ["bias"] = true,
            })
            : default,
        [typeof(AvgPool2d)] = m => m is AvgPool2d p
            ? ("AvgPool2d", new()
            {
                ["kernel_size"] = p.kernel_size, ["stride"] = p.stride ?? p.kernel_size, ["padding"] = p.padding ?? new long[] { 0, 0 },
                ["ceil_mode"] = p.ceil_mode, ["count_include_pad"] = false,
            })
            : default,
        [typeof(BatchNorm1d)] = m => m is BatchNorm1d n
            ? ("BatchNorm1d", new() { ["num_features"] = n.weight!.shape[0], ["eps"] = n.eps, ["momentum"] = n.momentum ?? 0.1 }) : default,
        [typeof(BatchNorm2d)] = m => m is BatchNorm2d n
            ? ("BatchNorm2d", new() { ["num_features"] = n.weight!.shape[0], ["eps"] = n.eps, ["momentum"] = n.momentum ?? 0.1 }) : default,
        [typeof(Flatten)] = m => m is Flatten f ? ("Flatten", new() { ["start_dim"] = f.start_dim, ["end_dim"] = f.end_dim }) : default,
        [typeof(NetworkBuilder.Reshape)] = m => ("Unflatten", new() { ["dim"] = 1, ["unflattened_size"] = ((NetworkBuilder.Reshape)m).Shape }),
        [typeof(NetworkBuilder.Normalization)] = m => m is NetworkBuilder.Normalization n
            ? ("Normalization", new() { ["scale"] = n.Scale, ["shift"] = n.Shift }) : default,
        [typeof(ReLU)] = _ => ("ReLU", None),
        [typeof(DeferredRelu)] = _ => ("ReLU", None),
        [typeof(AppliedRelu)] = _ => ("ReLU", None),
        [typeof(Tanh)] = _ => ("Tanh", None),
        [typeof(Sigmoid)] = _ => ("Sigmoid", None),
        [typeof(ELU)] = m => ("ELU", new() { ["alpha"] = ((ELU)m).alpha }),
        [typeof(LeakyReLU)] = m => ("LeakyReLU", new() { ["negative_slope"] = ((LeakyReLU)m).negative_slope }),
        [typeof(GELU)] = m => ("GELU", new() { ["approximate"] = ((GELU)m).approximate.ToString() }),
        [typeof(SeededDropout)] = m => ("Dropout", new() { ["p"] = ((SeededDropout)m).Rate }),
        [typeof(Dropout)] = m => ("Dropout", new() { ["p"] = ((Dropout)m).p }),
        [typeof(Identity)] = _ => ("Identity", None),
    };

    private static (string, Dictionary<string, object>) MaxPool2x2Layer => ("MaxPool2d", new()
    {
        ["kernel_size"] = new long[] { 2, 2 }, ["stride"] = new long[] { 2, 2 }, ["padding"] = new long[] { 0, 0 },
        ["dilation"] = new long[] { 1, 1 }, ["ceil_mode"] = false,
    });

    public static IReadOnlyList<PyTorchLayer> Of(MnistModel model) => NetworkLayers.Of(model).Select(layer =>
    {
        if (!Mappings.TryGetValue(layer.Module.GetType(), out var mapping))
            throw new MnistException("ModelExportUnsupported", MnistErrorKind.InvalidOperation,
                $"Model '{model.Name}': layer '{layer.Name}' ({layer.Module.GetType().Name}) has no PyTorch equivalent here.", layer.Name);
        var (type, args) = mapping(layer.Module);
        return new PyTorchLayer(layer.Name, type, args);
    }).ToList();
}
