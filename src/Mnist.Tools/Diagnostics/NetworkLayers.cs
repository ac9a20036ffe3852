using Mnist.Core.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Mnist.Core.Diagnostics;

/// <summary>One leaf module of a network as it runs (fast paths included), in forward order, with its state_dict prefix: what the profiler times.</summary>
internal sealed record NetworkLayer(string Name, nn.Module Module)
{
    /// <summary>The state_dict key of one of this layer's parameters ("dense.0" + "weight").</summary>
    public string Key(string parameter) => Name.Length == 0 ? parameter : $"{Name}.{parameter}";
}

internal static class NetworkLayers
{
    /// <summary>
    /// The network's leaves in execution order. Every container NetworkBuilder makes is a Sequential, whose forward
    /// runs its children in registration order (named_modules lists them breadth-first, so the walk is our own).
    /// </summary>
    public static IReadOnlyList<NetworkLayer> Of(MnistModel model)
    {
        var layers = new List<NetworkLayer>();
        Walk(model, model.Network, "", layers);
        return layers;
    }

    private static void Walk(MnistModel model, nn.Module module, string name, List<NetworkLayer> layers)
    {
        var children = module.named_children().ToList();
        if (children.Count == 0)
        {
            layers.Add(new NetworkLayer(name, module));
            return;
        }
        if (module is not TorchSharp.Modules.Sequential)
            throw new InvalidOperationException($"Model '{model.Name}': the container '{name}' ({module.GetType().Name}) is not a Sequential; its order is not known.");
        foreach (var (childName, child) in children)
            Walk(model, child, name.Length == 0 ? childName : $"{name}.{childName}", layers);
    }
}
